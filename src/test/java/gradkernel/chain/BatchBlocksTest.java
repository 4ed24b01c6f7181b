package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.TestChains;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BatchBlocksTest {

  @Test
  void blocksOfAtLeastSixteenAtMostEightCoverTheBatchInOrder() {
    for (int batch = 1; batch <= 3000; batch++) {
      BatchBlocks b = BatchBlocks.of(batch);
      assertEquals(Math.max(16, (batch + 7) / 8), b.blockSize(), "batch " + batch);
      assertTrue(b.count() >= 1 && b.count() <= BatchBlocks.MAX_BLOCKS, "batch " + batch);
      int next = 0;
      for (int k = 0; k < b.count(); k++) {
        assertEquals(next, b.start(k), "batch " + batch + " block " + k);
        assertTrue(b.size(k) >= 1 && b.size(k) <= b.blockSize());
        if (k < b.count() - 1) {
          assertEquals(b.blockSize(), b.size(k), "only the last block is short");
        }
        next += b.size(k);
      }
      assertEquals(batch, next, "batch " + batch);
    }
  }

  @Test
  void pinnedPartitions() {
    assertEquals("BatchBlocks(batch 4, 1 × 16)", BatchBlocks.of(4).toString());
    assertEquals(1, BatchBlocks.of(16).count());
    BatchBlocks b17 = BatchBlocks.of(17);
    assertEquals(2, b17.count());
    assertEquals(1, b17.size(1));
    BatchBlocks b50 = BatchBlocks.of(50);
    assertEquals(4, b50.count());
    assertEquals(48, b50.start(3));
    assertEquals(2, b50.size(3));
    assertEquals(8, BatchBlocks.of(128).count());
    BatchBlocks b129 = BatchBlocks.of(129);
    assertEquals(17, b129.blockSize());
    assertEquals(8, b129.count());
    assertEquals(10, b129.size(7));
    BatchBlocks huge = BatchBlocks.of(Integer.MAX_VALUE);
    assertEquals(8, huge.count());
    assertEquals(Integer.MAX_VALUE - 7L * huge.blockSize(), huge.size(7));
  }

  @Test
  void badArgumentsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchBlocks.of(0))
        .getMessage().contains("batch must be >= 1, got 0"));
    assertThrows(IndexOutOfBoundsException.class, () -> BatchBlocks.of(50).start(4));
    assertThrows(IndexOutOfBoundsException.class, () -> BatchBlocks.of(50).size(-1));
    Chain a = Chain.of(TestChains.dense(new SplittableRandom(1), 3, 4, "tanh"));
    Chain b = Chain.of(TestChains.dense(new SplittableRandom(1), 3, 5, "tanh"));
    Gradients ga = new Gradients(a);
    Gradients gb = new Gradients(b);
    Gradients[] parts = {ga, new Gradients(a)};
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BatchBlocks.sum(parts, 3, ga)).getMessage().contains("count must be in [1, "
        + "parts.length 2], got 3"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BatchBlocks.sum(new Gradients[] {ga, gb}, 2, ga)).getMessage()
        .contains("parts[1]: 18 parameters, into has 15"));
    assertTrue(assertThrows(NullPointerException.class,
        () -> BatchBlocks.sum(new Gradients[] {ga, null}, 2, ga)).getMessage()
        .contains("parts[1]"));
    float[] shared = new float[20];
    Gradients lo = Gradients.wrap(a, shared, 0);
    Gradients hi = Gradients.wrap(a, shared, 5);
    float[] before = shared.clone();
    shared[7] = 1;
    before[7] = 1;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchBlocks.sum(new Gradients[] {ga, hi}, 2, lo));
    assertTrue(e.getMessage().contains("parts[1]") && e.getMessage().contains("into"),
        e.getMessage());
    assertArrayEquals(before, shared, "nothing written");
  }

  /** Σ in block order, element by element, one float rounding per addition. */
  @Test
  void sumIsTheLeftFoldInBlockOrderInPlaceOrNot() {
    SplittableRandom r = new SplittableRandom(3);
    Chain net = Chain.of(TestChains.dense(r, 37, 21, "tanh"), TestChains.dense(r, 5, 37, "identity"));
    int p = net.parameterCount();
    Gradients[] parts = new Gradients[5];
    float[][] copies = new float[5][];
    for (int k = 0; k < parts.length; k++) {
      parts[k] = new Gradients(net);
      float[] d = parts[k].data();
      for (int i = 0; i < p; i++) {
        // magnitudes from 1e-8 to 1e8: the order of additions shows in the rounding
        d[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(17) - 8));
      }
      copies[k] = d.clone();
    }
    float[] want = new float[p];
    for (int i = 0; i < p; i++) {
      float s = copies[0][i];
      for (int k = 1; k < parts.length; k++) {
        s += copies[k][i];
      }
      want[i] = s;
    }
    float[] reversed = new float[p];
    boolean orderMatters = false;
    for (int i = 0; i < p; i++) {
      float s = copies[4][i];
      for (int k = 3; k >= 0; k--) {
        s += copies[k][i];
      }
      reversed[i] = s;
      orderMatters |= reversed[i] != want[i];
    }
    assertTrue(orderMatters, "the data distinguishes summation orders");
    Gradients out = Gradients.wrap(net, new float[p + 3], 3);
    BatchBlocks.sum(parts, 5, out);
    assertArrayEquals(want, java.util.Arrays.copyOfRange(out.data(), 3, 3 + p));
    BatchBlocks.sum(parts, 5, parts[0]);
    assertArrayEquals(want, parts[0].data(), "in place into parts[0]");
    assertArrayEquals(copies[4], parts[4].data(), "the other parts are only read");
    BatchBlocks.sum(parts, 1, out);
    assertArrayEquals(want, java.util.Arrays.copyOfRange(out.data(), 3, 3 + p), "one part: copy");
  }

  /**
   * The guarantee: block gradients computed on any number of threads and summed in block order
   * give the same bits, and equal the whole batch's gradient to rounding.
   */
  @Test
  void blockGradientsOnAnyThreadCountGiveTheSameBits() throws Exception {
    SplittableRandom r = new SplittableRandom(9);
    Chain net = Chain.of(TestChains.dense(r, 24, 10, "tanh"), TestChains.dense(r, 3, 24,
        "identity"));
    int batch = 83;
    float[] x = TestChains.random(r, batch * 10, 1);
    float[] up = TestChains.random(r, batch * 3, 1);
    BatchBlocks blocks = BatchBlocks.of(batch);
    assertEquals(6, blocks.count());
    float[] one = blockGradient(net, blocks, x, up, 1);
    for (int threads = 2; threads <= 4; threads++) {
      assertArrayEquals(one, blockGradient(net, blocks, x, up, threads), threads + " threads");
    }
    Gradients whole = new Gradients(net);
    Tape tape = net.newTape();
    net.forward(tape, x, 0, batch);
    net.backward(tape, up, 0, whole, null);
    float max = 0;
    for (float v : whole.data()) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < one.length; i++) {
      assertEquals(whole.data()[i], one[i], 1e-5 * max, "element " + i);
    }
  }

  private static float[] blockGradient(Chain net, BatchBlocks blocks, float[] x, float[] up,
      int threads) throws Exception {
    Gradients[] g = new Gradients[blocks.count()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] done = new Future<?>[blocks.count()];
      for (int k = 0; k < blocks.count(); k++) {
        int b = k;
        g[b] = new Gradients(net);
        done[b] = pool.submit(() -> {
          Tape t = net.newTape();
          net.forward(t, x, blocks.start(b) * net.inputSize(), blocks.size(b));
          net.backward(t, up, blocks.start(b) * net.outputSize(), g[b], null);
        });
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Gradients sum = new Gradients(net);
    BatchBlocks.sum(g, blocks.count(), sum);
    return sum.data();
  }
}
