package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.chain.GradientProfile.Verdict;
import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The verdict rule of {@link VerdictRule} on the cases of issue 17 and its thresholds. */
class VerdictRuleTest {

  private static final double INF = Double.POSITIVE_INFINITY;

  private static float[] diagonal(int n, float c) {
    float[] w = new float[n * n];
    for (int i = 0; i < n; i++) {
      w[i * n + i] = c;
    }
    return w;
  }

  private static GradientProfile run(Chain c, float[] x, float[] up) {
    Tape t = c.newTape();
    c.forward(t, x);
    GradientProfile p = new GradientProfile(c);
    c.backward(t, up, new Gradients(c), p);
    return p;
  }

  /**
   * A diverged step: tanh saturated at z = ±100 (g' = 0 in float, so ‖v_0‖ = 0 and R = 0) under
   * a layer whose weights blew up to 1.8e20, so the top layer's weight gradient is 3.6e20. The old
   * ratio-only rule called this VANISHING.
   */
  @Test
  void divergedStepWithSaturatedTanhIsExplodingNotVanishing() {
    int n = 4;
    Chain c = Chain.of(
        Dense.of(diagonal(n, 100f), n, n, new float[n], Activations.TANH),
        Dense.of(diagonal(n, 1.8e20f), n, n, new float[n], Activations.IDENTITY),
        Dense.of(diagonal(n, 1f), n, n, new float[n], Activations.IDENTITY));
    GradientProfile p = run(c, new float[] {1, -1, 1, -1}, new float[] {1, 0, 0, 0});
    assertEquals(0, p.totalGain(), "saturated tanh zeroes the input gradient");
    assertEquals(3.6e20, p.weightGradientNorm(2), 1e-6 * 3.6e20);
    assertEquals(Verdict.EXPLODING, p.verdict());
    // Each size limit on its own catches it: the weight gradients ...
    assertEquals(Verdict.EXPLODING, p.verdict(VerdictRule.DEFAULT.withMaxGradientNorm(INF)));
    // ... and the gradient ‖v_1‖ = 1.8e20.
    assertEquals(Verdict.EXPLODING,
        p.verdict(VerdictRule.DEFAULT.withMaxWeightGradientNorm(INF)));
    // With both off, only the ratio is left: R = 0 is VANISHING (the old verdict).
    assertEquals(Verdict.VANISHING, p.verdict(
        VerdictRule.DEFAULT.withMaxGradientNorm(INF).withMaxWeightGradientNorm(INF)));
  }

  /** 85× over 8 layers (G = 85^(1/8) ≈ 1.74 per layer) is EXPLODING; the old rule said STABLE. */
  @Test
  void steadyGrowthOf85xOverEightLayersIsExploding() {
    int n = 4;
    float c = (float) Math.pow(85, 1.0 / 8);
    Layer[] ls = new Layer[8];
    for (int l = 0; l < 8; l++) {
      ls[l] = Dense.of(diagonal(n, c), n, n, new float[n], Activations.IDENTITY);
    }
    GradientProfile p = run(Chain.of(ls), new float[n], new float[] {1, -2, 3, 0.5f});
    assertEquals(85, p.totalGain(), 1e-4 * 85);
    assertEquals(Verdict.EXPLODING, p.verdict());
    assertEquals(Verdict.STABLE, p.verdict(VerdictRule.DEFAULT.withMeanGainLimit(INF)));
    assertEquals(Verdict.STABLE, p.verdict(VerdictRule.DEFAULT.withMeanGainLimit(1.8)));
    GradientProfile two = run(Chain.of(ls[0], ls[1]), new float[n], new float[] {1, -2, 3, 0.5f});
    assertEquals(Verdict.STABLE, two.verdict(), "3× over 2 layers is not an explosion");
    assertEquals(Verdict.STABLE, p.verdict(VerdictRule.DEFAULT.withMinTotalChange(100)));
  }

  /**
   * The network: an 8-layer tanh MLP with orthogonal weights of gain 4 (width 64, batch
   * 8: R ≈ 41, G ≈ 1.59). Saturation keeps the end-to-end growth below 1e3, so only the per-layer
   * rule sees the explosion.
   */
  @Test
  void tanhMlpWithOrthogonalGainFourIsExploding() {
    int n = 64;
    int batch = 8;
    Layer[] ls = new Layer[8];
    for (int l = 0; l < 8; l++) {
      Matrix w = Matrix.zeros(n, n);
      Init.orthogonal(w, 4.0, 100 + l);
      ls[l] = Dense.of(w.data(), n, n, new float[n], Activations.TANH);
    }
    SplittableRandom rnd = new SplittableRandom(7);
    float[] x = new float[n * batch];
    float[] up = new float[n * batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
      up[i] = (float) rnd.nextGaussian();
    }
    Chain c = Chain.of(ls);
    Tape t = c.newTape();
    c.forward(t, x, 0, batch);
    GradientProfile p = new GradientProfile(c);
    c.backward(t, up, 0, null, p);
    double r = p.totalGain();
    assertTrue(r > 10 && r < 1e3, "end-to-end gain " + r);
    assertTrue(p.geometricMeanGain() > 1.5, "mean gain " + p.geometricMeanGain());
    assertEquals(Verdict.EXPLODING, p.verdict());
    assertEquals(Verdict.STABLE, p.verdict(VerdictRule.DEFAULT.withMeanGainLimit(INF)));
  }

  @Test
  void decayMirrorsGrowthAndMinimumNormIsOptIn() {
    int n = 4;
    float c = (float) Math.pow(85, -1.0 / 8);
    Layer[] ls = new Layer[8];
    for (int l = 0; l < 8; l++) {
      ls[l] = Dense.of(diagonal(n, c), n, n, new float[n], Activations.IDENTITY);
    }
    Chain chain = Chain.of(ls);
    float[] up = {1, -2, 3, 0.5f};
    GradientProfile p = run(chain, new float[n], up);
    assertEquals(Verdict.VANISHING, p.verdict());
    assertEquals(Verdict.STABLE, p.verdict(VerdictRule.DEFAULT.withMeanGainLimit(INF)));

    Activation id = Activations.IDENTITY;
    Chain unit = Chain.of(Dense.of(diagonal(n, 1f), n, n, new float[n], id));
    GradientProfile q = run(unit, new float[n], up); // ‖v_0‖ = ‖up‖ ≈ 3.77
    assertEquals(Verdict.STABLE, q.verdict());
    assertEquals(Verdict.VANISHING, q.verdict(VerdictRule.DEFAULT.withMinGradientNorm(10)));
    GradientProfile zero = run(unit, new float[n], new float[n]);
    assertEquals(Verdict.STABLE, zero.verdict(VerdictRule.DEFAULT.withMinGradientNorm(10)),
        "no upstream, nothing to vanish");
  }

  @Test
  void badThresholdsAreRejected() {
    VerdictRule d = VerdictRule.DEFAULT;
    assertThrows(IllegalArgumentException.class, () -> d.withMeanGainLimit(0.5));
    assertThrows(IllegalArgumentException.class, () -> d.withMeanGainLimit(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> d.withMinTotalChange(0.9));
    assertThrows(IllegalArgumentException.class, () -> d.withTotalGainLimit(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withMaxGradientNorm(0));
    assertThrows(IllegalArgumentException.class, () -> d.withMaxWeightGradientNorm(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> d.withMinGradientNorm(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withMinGradientNorm(INF));
    assertEquals(1.25, d.meanGainLimit());
    assertEquals(10, d.minTotalChange());
    assertEquals(1e3, d.totalGainLimit());
    assertEquals(1e6, d.maxGradientNorm());
    assertEquals(1e6, d.maxWeightGradientNorm());
    assertEquals(0, d.minGradientNorm());
    assertThrows(NullPointerException.class,
        () -> run(Chain.of(Dense.of(diagonal(2, 1f), 2, 2, new float[2], Activations.IDENTITY)),
            new float[2], new float[] {1, 1}).verdict(null));
  }
}
