package gradkernel;

import gradkernel.activation.Activations;
import gradkernel.chain.Dense;
import java.util.SplittableRandom;

/** Seeded data and layers shared by the tests that build chains in child JVMs. */
public final class TestChains {
  private TestChains() {}

  /** n values uniform in (−scale, scale). */
  public static float[] random(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** A dense [out, in] layer with weights of scale 1/√in, biases of scale 0.1, activation act. */
  public static Dense dense(SplittableRandom r, int out, int in, String act) {
    return Dense.of(random(r, out * in, 1 / Math.sqrt(in)), out, in, random(r, out, 0.1),
        Activations.of(act));
  }
}
