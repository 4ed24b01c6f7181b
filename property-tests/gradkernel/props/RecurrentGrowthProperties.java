package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.RecurrentBoundCheck;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceLayer;
import gradkernel.chain.SequenceOutput;
import gradkernel.init.Init;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Growth bounds of the gated cells (issue 15): every BPTT step of Rnn, Lstm and Gru stays inside
 * {@link gradkernel.spectral.GrowthBounds}' per-step bound (σ_max of the gate blocks of
 * weight_hh, sup σ' = 1/4, sup tanh' = 1, a priori ‖c‖∞ / ‖h‖∞), measured on the profile's
 * per-step slots. The float allowance is derived, not picked ({@link RecurrentBoundCheck}): the
 * computed gain is ≤ (1 + γ_8)·(B(σ) + √2·γ_k·B(F)) with k = G·n (+1 GRU) the backward gemm's
 * length and F the blocks' Frobenius norms — for n ≤ 32 a relative widening below 2·10⁻⁵.
 * A bound only 0.1 % too small is caught on cells that attain their bound, so the property can
 * fail.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class RecurrentGrowthProperties {

  @Provide
  Arbitrary<Long> seeds() {
    return Gen.seed();
  }

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of("rnn", "relu", "lstm", "gru");
  }

  /**
   * Log-uniform scale in [e^−2.3, e^3.4] ≈ [0.1, 30] (× PyTorch's init): contracting, critical
   * and saturated cells.
   */
  @Provide
  Arbitrary<Double> scales() {
    return Arbitraries.doubles().between(-2.3, 3.4).ofScale(3).map(Math::exp);
  }

  static float[] gaussian(Random r, int len, double s) {
    float[] a = new float[len];
    for (int i = 0; i < len; i++) {
      a[i] = (float) (s * r.nextGaussian());
    }
    return a;
  }

  /**
   * For random cells (weights and biases of any scale from contracting to saturated, inputs,
   * initial states h_0 and c_0 up to |·| ≈ 20), every step's ‖∂L/∂h_{t−1}‖ (and the LSTM's
   * ‖∂L/∂c_{t−1}‖, and their pair norm) is within the per-step bound of the step's gradients
   * (+ ‖u_{t−1}‖ when every step has an upstream gradient, ALL_STEPS).
   */
  @Property(tries = 300)
  void profileStaysInsideThePerStepBound(@ForAll("kinds") String kind,
      @ForAll @IntRange(min = 1, max = 6) int m, @ForAll @IntRange(min = 1, max = 24) int n,
      @ForAll @IntRange(min = 1, max = 16) int steps, @ForAll @IntRange(min = 1, max = 3) int b,
      @ForAll("scales") double wScale, @ForAll("scales") double bScale,
      @ForAll("scales") double stateScale, @ForAll SequenceOutput mode,
      @ForAll("seeds") long seed) {
    Random r = new Random(seed);
    SequenceLayer l = RecurrentBoundCheck.layer(kind, mode, m, n, steps, r.nextLong(), wScale,
        bScale);
    float[] x = gaussian(r, b * steps * m, 1);
    float[] h0 = gaussian(r, b * n, kind.equals("gru") ? stateScale : Math.min(1, stateScale));
    float[] c0 = gaussian(r, b * n, stateScale);
    float[] u = gaussian(r, b * (mode == SequenceOutput.ALL_STEPS ? steps : 1) * n, 1);
    RecurrentBoundCheck.Outcome o = RecurrentBoundCheck.run(l, x, b, h0, c0, u, 1);
    Statistics.label("kind").collect(kind);
    Statistics.label("output").collect(mode);
    Statistics.label("worst measured/bound").collect(o.worst() > 0.5 ? "> 0.5"
        : o.worst() > 0.01 ? "0.01 .. 0.5" : "<= 0.01");
    assertTrue(o.worst() <= 1, o.detail());
  }

  /**
   * Cells that attain their bound, so a bound scaled by any factor ≤ 0.999 is caught (the derived
   * allowance is below 1.00002 for these sizes): a linear RNN with W_hh = c·Q (Q orthogonal, gain
   * exactly c per step); an LSTM with W_hh = 0 and the forget gate at 1 in float (‖∂L/∂c‖ carried
   * unchanged, bound 1); a GRU with W_hh = 0 and z = 1 (‖∂L/∂h‖ carried, bound 1).
   */
  @Property(tries = 100)
  void aTooSmallBoundIsCaught(@ForAll @IntRange(min = 0, max = 2) int which,
      @ForAll @IntRange(min = 1, max = 32) int n, @ForAll @IntRange(min = 2, max = 12) int steps,
      @ForAll @DoubleRange(min = 0.5, max = 1.5) @Scale(4) double c,
      @ForAll @DoubleRange(min = 0.3, max = 0.999) @Scale(4) double tooSmall,
      @ForAll("seeds") long seed) {
    Random r = new Random(seed);
    int m = 3;
    SequenceLayer l;
    if (which == 0) {
      l = Rnn.create(m, n, Activations.IDENTITY, steps, SequenceOutput.LAST_STEP, r.nextLong());
      Init.orthogonal(l.weightHh(), c, r.nextLong());
    } else {
      l = which == 1 ? Lstm.create(m, n, steps, SequenceOutput.LAST_STEP, r.nextLong())
          : Gru.create(m, n, steps, SequenceOutput.LAST_STEP, r.nextLong());
      RecurrentBoundCheck.scale(l.weightHh(), 0);
      for (int k = n; k < 2 * n; k++) {
        l.biasIh().set(k, 40f); // forget gate (LSTM) / update gate z (GRU): σ(40) = 1 in float
      }
    }
    float[] x = gaussian(r, 2 * steps * m, 0.1);
    float[] u = gaussian(r, 2 * n, 1);
    Statistics.label("cell").collect(l.describe().substring(0, 3));
    assertTrue(RecurrentBoundCheck.run(l, x, 2, null, null, u, 1).worst() <= 1);
    RecurrentBoundCheck.Outcome wrong = RecurrentBoundCheck.run(l, x, 2, null, null, u,
        tooSmall);
    assertTrue(wrong.worst() > 1, "a bound scaled by " + tooSmall + " went unnoticed: "
        + wrong.detail());
  }
}
