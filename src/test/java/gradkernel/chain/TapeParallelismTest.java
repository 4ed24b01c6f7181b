package gradkernel.chain;

import static gradkernel.TestChains.dense;
import static gradkernel.TestChains.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Vec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A tape's {@link Parallelism} splits the batched dense layers' gemms over threads; every output,
 * gradient and profile value must be the sequential pass's bits, for 2, 3 and 5 threads.
 */
class TapeParallelismTest {

  private static Chain net() {
    SplittableRandom r = new SplittableRandom(21);
    // widths of 200–320 give 4–5 column blocks of 64: uneven blocks and a short last one; the
    // second layer's 200×330 + 200 gradient spans two chunks of the chunked sum of squares
    return Chain.of(dense(r, 330, 130, "tanh"), dense(r, 200, 330, "gelu"),
        Residual.of(dense(r, 192, 200, "relu"), dense(r, 200, 192, "identity")),
        new LayerNorm(Vec.of(random(r, 200, 1)), Vec.of(random(r, 200, 1)), 1e-5),
        dense(r, 70, 200, "sigmoid"));
  }

  @Test
  void parallelPassesAreBitIdenticalToSequential() {
    Chain net = net();
    SplittableRandom r = new SplittableRandom(5);
    int batch = 9;
    float[] x = random(r, batch * net.inputSize(), 2);
    float[] up = random(r, batch * net.outputSize(), 1);
    Pass seq = Pass.run(net, Parallelism.SEQUENTIAL, x, up, batch);
    for (int threads : new int[] {2, 3, 5}) {
      Pass par = Pass.run(net, Parallelism.threads(threads), x, up, batch);
      String where = threads + " threads";
      assertArrayEquals(seq.out, par.out, where + ": output");
      assertArrayEquals(seq.dIn, par.dIn, where + ": input gradient");
      assertArrayEquals(seq.grads, par.grads, where + ": parameter gradients");
      for (int s = 0; s <= seq.profile.slots(); s++) {
        assertEquals(Double.doubleToRawLongBits(seq.profile.gradientNorm(s)),
            Double.doubleToRawLongBits(par.profile.gradientNorm(s)), where + ": slot " + s);
      }
      assertEquals(Double.doubleToRawLongBits(seq.profile.globalWeightGradientNorm()),
          Double.doubleToRawLongBits(par.profile.globalWeightGradientNorm()), where);
    }
  }

  @Test
  void parallelismIsATapeSettingWithADefault() {
    Tape t = net().newTape();
    assertSame(Parallelism.SEQUENTIAL, t.parallelism());
    assertSame(t, t.parallelism(Parallelism.threads(2)));
    assertEquals(Parallelism.threads(2), t.parallelism());
    assertEquals("par", assertThrows(NullPointerException.class, () -> t.parallelism(null))
        .getMessage());
  }

  private record Pass(float[] out, float[] dIn, float[] grads, GradientProfile profile) {
    static Pass run(Chain net, Parallelism par, float[] x, float[] up, int batch) {
      Tape tape = net.newTape().parallelism(par);
      float[] out = net.forward(tape, x, 0, batch).copy().data();
      Gradients g = new Gradients(net);
      GradientProfile p = new GradientProfile(net);
      float[] dIn = net.backward(tape, up, 0, g, p).copy().data();
      return new Pass(out, dIn, g.values().toArray(), p);
    }
  }
}
