package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.BatchNorm;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.Dropout;
import gradkernel.chain.GradientCheck;
import gradkernel.chain.Mode;
import gradkernel.chain.Tape;
import gradkernel.tensor.Vec;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * BatchNorm and Dropout tied to their theory: BatchNorm's output is invariant to a positive scale
 * of a feature's inputs (with ε negligible), so its input gradient is orthogonal to the centred
 * input and sums to zero per feature; every new layer satisfies the adjoint identity and the
 * finite-difference gradient check.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class NormDropoutProperties {

  private static float[] rand(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  private static BatchNorm bn(SplittableRandom r, int n, double eps) {
    float[] var = new float[n];
    java.util.Arrays.fill(var, 1f);
    return new BatchNorm(Vec.of(rand(r, n, 2)), Vec.of(rand(r, n, 1)), Vec.zeros(n), Vec.of(var),
        eps, 0.1);
  }

  /**
   * Scaling feature j's inputs by c > 0 leaves the TRAIN output unchanged (ε = 1e-30 makes it
   * exact up to float rounding: |Δy| ≤ 2⁻¹⁸·(|γ|·max|x̂| + |β|)), and the input gradient of each
   * feature sums to 0 and is orthogonal to the centred input, within 8·b·2⁻²⁴·Σ|dx|(1 + |x − μ|).
   */
  @Property(tries = 100)
  void batchNormIsScaleInvariantAndItsGradientIsCentred(@ForAll @IntRange(min = 2, max = 40) int b,
      @ForAll @IntRange(min = 1, max = 12) int n, @ForAll @DoubleRange(min = 0.01, max = 100) double c,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    BatchNorm layer = bn(r, n, 1e-30);
    Chain chain = Chain.of(layer);
    float[] x = rand(r, b * n, 3);
    int j = r.nextInt(n);
    float[] xs = x.clone();
    for (int row = 0; row < b; row++) {
      xs[row * n + j] = (float) (xs[row * n + j] * c);
    }
    Tape t = chain.newTape();
    float[] y = chain.forward(t, x, 0, b).copy().data();
    float[] ys = chain.forward(chain.newTape(), xs, 0, b).copy().data();
    for (int row = 0; row < b; row++) {
      int e = row * n + j;
      double bound = 0x1p-18 * (Math.abs(layer.weight().get(j)) * Math.sqrt(b)
          + Math.abs(layer.bias().get(j)));
      assertEquals(y[e], ys[e], bound, "row " + row + " feature " + j);
    }
    float[] dx = chain.backward(t, rand(r, b * n, 1), 0, null, null).copy().data();
    for (int f = 0; f < n; f++) {
      double mean = 0;
      for (int row = 0; row < b; row++) {
        mean += x[row * n + f];
      }
      mean /= b;
      double sum = 0;
      double dot = 0;
      double mag = 0;
      for (int row = 0; row < b; row++) {
        double d = dx[row * n + f];
        double xc = x[row * n + f] - mean;
        sum += d;
        dot += d * xc;
        mag += Math.abs(d) * (1 + Math.abs(xc));
      }
      assertEquals(0, sum, 8 * b * 0x1p-24 * mag, "sum, feature " + f);
      assertEquals(0, dot, 8 * b * 0x1p-24 * mag, "orthogonality, feature " + f);
    }
  }

  /** Dense → BatchNorm (TRAIN or EVAL) → Dropout passes the gradient check and, where defined, the adjoint identity. */
  @Property(tries = 25)
  void newLayersPassTheGradientCheck(@ForAll @IntRange(min = 2, max = 6) int b,
      @ForAll @IntRange(min = 1, max = 5) int n, @ForAll boolean eval,
      @ForAll @DoubleRange(min = 0, max = 0.8) double p, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Chain chain = Chain.of(Dense.of(rand(r, n * 3, 0.6), n, 3, rand(r, n, 0.1), Activations.TANH),
        bn(r, n, 1e-5), new Dropout(n, p, seed));
    if (eval) {
      chain.mode(Mode.EVAL);
    }
    GradientCheck.Report rep = GradientCheck.of(chain, rand(r, b * 3, 1), b, seed);
    rep.assertPassed();
    assertEquals(eval, rep.adjointChecked());
    assertTrue(rep.checked() > 0);
  }
}
