package gradkernel.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.BatchBlocks;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.optim.AdamW;
import gradkernel.optim.ParameterSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A data-parallel step on Spark (local[2]) gives one machine's new weights bit for bit. */
class DataParallelStepTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = SparkSupport.localContext("gradkernel-data-parallel");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static float[] rand(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  static Chain model() {
    Random r = new Random(7);
    return Chain.of(Dense.of(rand(r, 32 * 12, 0.3), 32, 12, rand(r, 32, 0.1), Activations.TANH),
        Dense.of(rand(r, 3 * 32, 0.3), 3, 32, rand(r, 3, 0.1), Activations.IDENTITY));
  }

  /** A batch of {@code batch} examples cut into the fixed BatchBlocks partition. */
  static List<Block> batch(int batch, long seed) {
    Random r = new Random(seed);
    List<Block> bs = Block.split(rand(r, batch * 12, 1), rand(r, batch * 3, 2), batch);
    assertEquals(BatchBlocks.of(batch).count(), bs.size());
    return bs;
  }

  static AdamW optimizer() {
    return new AdamW(ParameterSet.of(model()), 1e-2).weightDecay(0.1);
  }

  @Test
  void sparkStepsEqualOneMachineForEveryPartitionCount() {
    AdamW local = optimizer();
    List<List<Block>> batches = List.of(batch(50, 1), batch(83, 2), batch(40, 3));
    List<Double> localNorms = new ArrayList<>();
    for (List<Block> batch : batches) {
      localNorms.add(DataParallelStep.stepLocally(batch, DataParallelStepTest::model, local, 0.5));
    }
    assertTrue(localNorms.get(0) > 0.5, "the clip is active: " + localNorms);
    for (int partitions : new int[] {1, 2, 3, 5}) {
      AdamW dist = optimizer();
      for (int s = 0; s < batches.size(); s++) {
        List<Block> shuffled = new ArrayList<>(batches.get(s));
        Collections.shuffle(shuffled, new Random(partitions * 31L + s));
        double norm = DataParallelStep.step(sc, sc.parallelize(shuffled, partitions),
            DataParallelStepTest::model, dist, 0.5);
        assertEquals(Double.doubleToRawLongBits(localNorms.get(s)),
            Double.doubleToRawLongBits(norm), partitions + " partitions, step " + s);
      }
      assertArrayEquals(local.parameters().values(), dist.parameters().values(),
          partitions + " partitions");
    }
    assertFalse(java.util.Arrays.equals(local.parameters().values(),
        ParameterSet.of(model()).values()), "the steps changed the weights");
  }

  @Test
  void splitCutsTheBatchIntoBatchBlocksInOrder() {
    Random r = new Random(4);
    float[] x = rand(r, 83 * 12, 1);
    float[] y = rand(r, 83 * 3, 1);
    List<Block> bs = Block.split(x, y, 83);
    BatchBlocks want = BatchBlocks.of(83);
    assertEquals(6, bs.size());
    for (int k = 0; k < bs.size(); k++) {
      Block b = bs.get(k);
      assertEquals(k, b.index());
      assertEquals(want.size(k), b.examples());
      assertArrayEquals(java.util.Arrays.copyOfRange(x, want.start(k) * 12,
          (want.start(k) + want.size(k)) * 12), b.x());
      assertArrayEquals(java.util.Arrays.copyOfRange(y, want.start(k) * 3,
          (want.start(k) + want.size(k)) * 3), b.y());
    }
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Block.split(x, new float[10], 83));
    assertTrue(e.getMessage().contains("whole rows of batch 83"), e.getMessage());
  }
}
