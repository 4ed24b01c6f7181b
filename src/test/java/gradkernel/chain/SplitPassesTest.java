package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The element-wise passes a tape's threads share give the one-call bits for every thread count:
 * each built-in activation's fused backward around the block edges (a remainder shorter than a
 * vector, one block plus one element, several blocks) at odd offsets, and the column sums with a
 * remainder block.
 */
class SplitPassesTest {
  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * 3);
    }
    return x;
  }

  @Test
  void activationBackwardIsTheOneCallBitsForEveryThreadCount() {
    SplittableRandom r = new SplittableRandom(4);
    int blk = SplitPasses.BLOCK;
    Activation[] acts = {Activations.TANH, Activations.SIGMOID, Activations.RELU, Activations.GELU,
        Activations.SILU, Activations.GELU_TANH, Activations.SELU, Activations.IDENTITY};
    for (Activation g : acts) {
      for (int n : new int[] {2 * blk - 1, 2 * blk, 2 * blk + 1, 3 * blk + 7, 5 * blk + 100}) {
        float[] up = random(r, n + 3);
        float[] z = random(r, n + 5);
        float[] want = new float[n + 2];
        g.backward(up, 3, z, 5, want, 2, n);
        for (int threads : new int[] {2, 3, 8}) {
          float[] got = new float[n + 2];
          SplitPasses.activationBackward(threads, g, up, 3, z, 5, got, 2, n);
          assertArrayEquals(want, got, g.name() + " n=" + n + " threads=" + threads);
        }
      }
    }
  }

  @Test
  void columnSumsAreTheOneCallBitsForEveryThreadCount() {
    SplittableRandom r = new SplittableRandom(5);
    int cols = SplitPasses.COLUMNS;
    for (int n : new int[] {2 * cols - 1, 2 * cols, 3 * cols + 5}) {
      for (int b : new int[] {1, 7, 33}) {
        float[] src = random(r, 1 + b * n);
        float[] want = random(r, n + 4);
        float[] init = want.clone();
        Layer.columnSums(b, n, src, 1, want, 4);
        for (int threads : new int[] {2, 3, 8}) {
          float[] got = init.clone();
          SplitPasses.columnSums(threads, b, n, src, 1, got, 4);
          assertArrayEquals(want, got, "n=" + n + " b=" + b + " threads=" + threads);
        }
      }
    }
  }
}
