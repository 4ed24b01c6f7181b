package gradkernel.chain;

import gradkernel.spectral.GrowthBounds;
import gradkernel.tensor.Matrix;

/**
 * Runs one forward + backward of a sequence layer and checks every BPTT step's profile
 * norms against {@link GrowthBounds}' per-step bounds, widened only by the float rounding of the
 * backward step (shared by RecurrentGrowthBoundsTest and the jqwik RecurrentGrowthProperties).
 *
 * <p>Rounding slack, derived: one backward step first forms the gate gradients elementwise (at
 * most 8 roundings along any chain: the LSTM's δh·o, ·tanh', + δc, ·g, ·σ' is 5, the GRU's 1 − z
 * one more, and 2 spare for activations whose float derivative might overshoot its sup — the
 * library's σ' = y − y² and tanh' = 1 − y² are single roundings of values ≤ 1/4 and ≤ 1, so they
 * never do), so each gate gradient is its exact value for the computed coefficients times
 * (1 + θ), |θ| ≤ γ_8; then one gemm of length k = G·n (+1 for the GRU, which accumulates into
 * z ⊙ δh), whose error is ≤ γ_k·Σ|W_X|ᵀ|d_X| (any summation order), and ‖|W_X|ᵀ|d|‖ ≤
 * ‖W_X‖_F‖d‖. So the computed gain is ≤ (1 + γ_8)·(B(σ) + γ_k·B⁺(F)) where B⁺(F) is the
 * triangle-inequality form of the same bound with the blocks' Frobenius norms F in place of σ;
 * B⁺ ≤ √2·B(F) (only the GRU's √(1 + m²) differs from 1 + m). The LSTM's cell row reuses the
 * computed a_{t−1}, hence the square. With ALL_STEPS output the upstream u_{t−1} of h_{t−1}
 * enters the step additively (after the gemm, one more rounding: γ_9 in place of γ_8), so every
 * bound gains + ‖u_{t−1}‖ (by Minkowski also over the batch). γ_j = j·u/(1 − j·u), u = 2⁻²⁴.
 */
public final class RecurrentBoundCheck {
  static final double U = 0x1p-24;
  static final int ELEMENTWISE_ROUNDINGS = 8;

  private RecurrentBoundCheck() {}

  /**
   * Worst measured/bound ratio over the steps (≤ 1: every step inside its bound) and where.
   *
   * @param worst max over steps of ‖measured‖ / bound (0 when every measured norm is 0)
   * @param step the step t−1 of the worst ratio
   * @param detail a readable description of the worst step
   */
  public record Outcome(double worst, int step, String detail) {}

  /**
   * A LAST_STEP layer (kind rnn, relu, lstm, gru; PyTorch init from seed) with weights scaled
   * by wScale and biases by bScale.
   */
  public static SequenceLayer layer(String kind, int m, int n, int steps, long seed, double wScale,
      double bScale) {
    return layer(kind, SequenceOutput.LAST_STEP, m, n, steps, seed, wScale, bScale);
  }

  /** As {@link #layer(String, int, int, int, long, double, double)} with the given output mode. */
  public static SequenceLayer layer(String kind, SequenceOutput mode, int m, int n, int steps,
      long seed, double wScale, double bScale) {
    SequenceLayer l = SequenceLayerTest.make(kind, m, n, steps, mode, seed);
    scale(l.weightIh(), wScale);
    scale(l.weightHh(), wScale);
    for (int i = 0; i < l.biasIh().length(); i++) {
      l.biasIh().set(i, (float) (l.biasIh().get(i) * bScale));
      l.biasHh().set(i, (float) (l.biasHh().get(i) * bScale));
    }
    return l;
  }

  /** w ← s·w in place (rounded to float). */
  public static void scale(Matrix w, double s) {
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        w.set(i, j, (float) (w.get(i, j) * s));
      }
    }
  }

  /** v ← s·v in place. */
  public static void scale(gradkernel.tensor.Vec v, double s) {
    for (int i = 0; i < v.length(); i++) {
      v.set(i, (float) (v.get(i) * s));
    }
  }

  static double gamma(int j) {
    return j * U / (1 - j * U);
  }

  /**
   * Checks layer (capacity = steps) on x [b, steps, m], h0 and c0 [b, n] (c0 ignored without a
   * cell, null for zeros) and upstream u ([b, n] for LAST_STEP, [b, steps, n] for ALL_STEPS); the
   * bound is multiplied by scale (1 for the real check; below 1 to show that a too-small bound is
   * caught).
   */
  public static Outcome run(SequenceLayer layer, float[] x, int b, float[] h0, float[] c0,
      float[] u, double scale) {
    int steps = layer.capacity();
    int n = layer.hiddenSize();
    boolean all = layer.output() == SequenceOutput.ALL_STEPS;
    int gates = layer.weightHh().rows() / n;
    Chain c = Chain.of(layer);
    Tape tape = c.newTape();
    if (h0 != null) {
      tape.initialState(0, h0, 0);
    }
    if (c0 != null && layer.hasCell()) {
      tape.initialCell(0, c0, 0);
    }
    c.forward(tape, x, 0, b, steps);
    GradientProfile prof = new GradientProfile(c);
    c.backward(tape, u, 0, null, prof);

    Matrix whh = layer.weightHh();
    double[] sigma = GrowthBounds.gateSigmaMax(whh, gates);
    double[] frob = new double[gates];
    for (int k = 0; k < gates; k++) {
      frob[k] = frobenius(whh.view(k * n, 0, n, n));
    }
    boolean gru = layer instanceof Gru;
    double gk = gamma(gates * n + (gru ? 1 : 0));
    double gc = 1 + gamma(ELEMENTWISE_ROUNDINGS + (all ? 1 : 0));
    double h0Max = maxAbs(h0);
    double c0Max = maxAbs(c0);
    double uNorm = all ? stepNorm(u, b, steps, n, steps) : prof.gradientNorm(steps);
    double worst = 0;
    int worstStep = -1;
    String detail = "every measured norm was 0";
    for (int t = steps; t >= 1; t--) {
      double a = t == steps ? uNorm : prof.gradientNorm(t);
      double aPrev = prof.gradientNorm(t - 1);
      double e = all && t > 1 ? stepNorm(u, b, steps, n, t - 1) : 0; // h_0 is no output
      double bound;
      double ratio;
      String what;
      if (layer instanceof Rnn rnn) {
        double up = GrowthBounds.rnnStep(rnn.activation(), sigma[0]);
        double upF = GrowthBounds.rnnStep(rnn.activation(), frob[0]);
        bound = scale * gc * ((up + Math.sqrt(2) * gk * upF) * a + e);
        ratio = ratio(aPrev, bound);
        what = "‖δh_" + (t - 1) + "‖ = " + aPrev + " vs bound " + bound;
      } else if (gru) {
        double hMax = GrowthBounds.gruHiddenBound(h0Max, t - 1);
        double qMax = qBound(layer, hMax);
        double up = GrowthBounds.gruStep(sigma, hMax, qMax);
        double upF = GrowthBounds.gruStep(frob, hMax, qMax);
        bound = scale * gc * ((up + Math.sqrt(2) * gk * upF) * a + e);
        ratio = ratio(aPrev, bound);
        what = "‖δh_" + (t - 1) + "‖ = " + aPrev + " vs bound " + bound;
      } else {
        // δc_T = u ⊙ o_T ⊙ tanh'(c_T) is not recorded; |o·tanh'| ≤ 1 gives ‖δc_T‖ ≤ ‖u‖.
        double bc = t == steps ? uNorm : prof.cellGradientNorm(t);
        double bPrev = prof.cellGradientNorm(t - 1);
        double cMax = GrowthBounds.lstmCellBound(c0Max, t - 1);
        GrowthBounds.LstmStep s = GrowthBounds.lstmStep(sigma, cMax);
        GrowthBounds.LstmStep f = GrowthBounds.lstmStep(frob, cMax);
        double w = Math.sqrt(2) * gk;
        double ha = scale * gc * ((s.hh() + w * f.hh()) * a + (s.hc() + w * f.hc()) * bc + e);
        double hb = scale * gc * gc * ((s.ch() + w * f.ch()) * a + (s.cc() + w * f.cc()) * bc
            + e);
        double ra = ratio(aPrev, ha);
        double rb = ratio(bPrev, hb);
        // The scalar form: the pair norm grows by at most norm() of the widened matrix.
        GrowthBounds.LstmStep wide = new GrowthBounds.LstmStep(gc * (s.hh() + w * f.hh()),
            gc * (s.hc() + w * f.hc()), gc * gc * (s.ch() + w * f.ch()),
            gc * gc * (s.cc() + w * f.cc()));
        double rn = ratio(Math.hypot(aPrev, bPrev),
            scale * (wide.norm() * Math.hypot(a, bc) + Math.sqrt(2) * gc * gc * e));
        ratio = Math.max(ra, Math.max(rb, rn));
        bound = ra >= rb ? ha : hb;
        what = "‖δh_" + (t - 1) + "‖ = " + aPrev + " (bound " + ha + "), ‖δc_" + (t - 1)
            + "‖ = " + bPrev + " (bound " + hb + "), pair ratio " + rn;
      }
      if (ratio > worst || worstStep < 0 && ratio >= worst) {
        worst = ratio;
        worstStep = t - 1;
        detail = layer.describe() + " step " + (t - 1) + ": " + what;
      }
    }
    return new Outcome(worst, worstStep, detail);
  }

  /** ‖W_hn h + b_hn‖∞ for ‖h‖∞ ≤ hMax, as computed in float (n + 1 terms, γ_{n+1}). */
  static double qBound(SequenceLayer l, double hMax) {
    int n = l.hiddenSize();
    Matrix w = l.weightHh();
    double worst = 0;
    for (int i = 2 * n; i < 3 * n; i++) {
      double s = Math.abs((double) l.biasHh().get(i));
      for (int j = 0; j < n; j++) {
        s += Math.abs((double) w.get(i, j)) * hMax;
      }
      worst = Math.max(worst, s);
    }
    return worst * (1 + gamma(n + 1));
  }

  /** ‖u_t‖ over the batch for an ALL_STEPS upstream [b, steps, n], t in 1..steps. */
  static double stepNorm(float[] u, int b, int steps, int n, int t) {
    double s = 0;
    for (int r = 0; r < b; r++) {
      for (int k = 0; k < n; k++) {
        double v = u[(r * steps + t - 1) * n + k];
        s += v * v;
      }
    }
    return Math.sqrt(s);
  }

  private static double ratio(double measured, double bound) {
    if (measured == 0) {
      return 0;
    }
    return measured / bound; // +∞ when the bound is 0 but the measurement is not
  }

  static double frobenius(Matrix a) {
    double s = 0;
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        double v = a.get(i, j);
        s += v * v;
      }
    }
    return Math.sqrt(s);
  }

  static double maxAbs(float[] a) {
    double m = 0;
    if (a != null) {
      for (float v : a) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }
}
