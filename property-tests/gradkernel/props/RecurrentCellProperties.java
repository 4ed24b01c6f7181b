package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceLayer;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Recurrent layers against the theory of vanishing gradients (Hochreiter & Schmidhuber 1997;
 * Pascanu, Mikolov & Bengio 2013): the LSTM's constant error carousel keeps a gradient along the
 * cell path, ∂c_0/∂c_T = Π_t diag(f_t), while a tanh RNN whose recurrent weights have spectral
 * norm 0.9 loses it like 0.9^T; and JVP and backward of every cell are adjoint.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class RecurrentCellProperties {
  static final double U = Exact.U32;

  @Provide
  Arbitrary<Long> seeds() {
    return Gen.seed();
  }

  @Provide
  Arbitrary<Integer> widths() {
    return Gen.width();
  }

  private static float[] uniform(Random r, int len, double bound) {
    float[] a = new float[len];
    for (int i = 0; i < len; i++) {
      a[i] = (float) (bound * (2 * r.nextDouble() - 1));
    }
    return a;
  }

  /**
   * Constant error carousel: with W_hh = 0 (only the cell path links c_0 to c_100) and the loss
   * on h_101, ∂L/∂c_0 = Π_{t=1}^{100} f_t ⊙ ∂L/∂c_100 elementwise, each product one rounding, so
   * the profile's ratio ‖∂L/∂c_0‖/‖∂L/∂c_100‖ lies within [min_k, max_k] of Π_t f_t[k] times
   * (1 ∓ ((1+u)^100 − 1)), from the recorded float gates. Forget bias 6 with Σ|W_if|·|x| ≤ 0.5
   * keeps every f_t ≥ σ(5.5) > 0.995, so the gradient keeps ≥ 0.995^100 ≈ 0.606 > 0.6 of its
   * norm over T = 100 steps.
   */
  @Property(tries = 60)
  void lstmCellPathKeepsTheGradient(@ForAll("widths") int m, @ForAll("widths") int n,
      @ForAll("seeds") long seed) {
    int steps = 101;
    Lstm l = Lstm.create(m, n, steps, SequenceOutput.LAST_STEP, seed).setForgetBias(6f);
    Matrix whh = l.weightHh();
    Matrix wih = l.weightIh();
    for (int i = 0; i < 4 * n; i++) {
      for (int j = 0; j < n; j++) {
        whh.set(i, j, 0f);
      }
    }
    for (int i = n; i < 2 * n; i++) {
      l.biasHh().set(i, 0f);
      for (int j = 0; j < m; j++) {
        wih.set(i, j, wih.get(i, j) * 0.5f / m); // |W_if| ≤ 1/√n·0.5/m, so Σ_j |W_if x| ≤ 0.5
      }
    }
    Chain c = Chain.of(l);
    Random r = new Random(seed);
    Tape tape = c.newTape().initialCell(0, uniform(r, n, 1), 0);
    c.forward(tape, uniform(r, steps * m, 1), 0, 1, steps);
    GradientProfile prof = new GradientProfile(c);
    c.backward(tape, uniform(r, n, 1), 0, null, prof);
    Matrix gates = c.gateActivations(tape, 0);
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int k = 0; k < n; k++) {
      double prod = 1;
      for (int t = 1; t <= 100; t++) {
        float f = gates.get(t - 1, n + k);
        assertTrue(f >= 0.995f, "forget gate " + f + " at step " + t);
        prod *= f;
      }
      lo = Math.min(lo, prod);
      hi = Math.max(hi, prod);
    }
    double c100 = prof.cellGradientNorm(100);
    Assume.that(c100 > 1e-30);
    double ratio = prof.cellGradientNorm(0) / c100;
    double g = Math.pow(1 + U, 100) - 1 + 1e-12;
    assertTrue(ratio >= lo * (1 - g) && ratio <= hi * (1 + g),
        "‖∂L/∂c_0‖/‖∂L/∂c_100‖ = " + ratio + " outside [" + lo + ", " + hi + "]·(1 ∓ " + g + ")");
    assertTrue(ratio >= 0.6, "carousel kept only " + ratio);
    assertEquals(prof.cellGradientNorm(0), Exact.norm(c.initialCellGradient(tape, 0).copy()
        .data()), 1e-12 * prof.cellGradientNorm(0));
  }

  /**
   * A tanh RNN with W_hh = 0.9·Q (Q orthogonal): |tanh'| ≤ 1, so each step of backward maps
   * ‖∂L/∂h_t‖ to at most (σ_max(W_hh) + γ_n‖W_hh‖_F)(1+u)(1+4u) times it, and after 100 steps
   * ‖∂L/∂h_0‖ ≤ 0.9^100·‖∂L/∂h_100‖ (to those rounding factors): the gradient vanishes.
   */
  @Property(tries = 60)
  void tanhRnnWithSpectralNormBelowOneForgets(@ForAll("widths") int m, @ForAll("widths") int n,
      @ForAll("seeds") long seed) {
    int steps = 100;
    Rnn l = Rnn.create(m, n, steps, SequenceOutput.LAST_STEP, seed);
    float[] q = Exact.orthogonal(n, seed);
    Matrix whh = l.weightHh();
    double fro = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        whh.set(i, j, (float) (0.9 * q[i * n + j]));
        fro += (double) whh.get(i, j) * whh.get(i, j);
      }
    }
    float[] w = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[i * n + j] = whh.get(i, j);
      }
    }
    double perStep = (Exact.sigmaMax(w, n, n) + Exact.gamma(n) * Math.sqrt(fro)) * (1 + U)
        * (1 + 4 * U);
    assertTrue(perStep <= 0.9 * (1 + 1e-5), "σ_max " + perStep);
    Chain c = Chain.of(l);
    Random r = new Random(seed);
    Tape tape = c.newTape();
    c.forward(tape, uniform(r, steps * m, 1), 0, 1, steps);
    float[] u = uniform(r, n, 1);
    GradientProfile prof = new GradientProfile(c);
    c.backward(tape, u, 0, null, prof);
    double n0 = Exact.norm(c.initialStateGradient(tape, 0).copy().data());
    double bound = Math.pow(perStep, steps) * Exact.norm(u);
    assertTrue(n0 <= bound, "‖∂L/∂h_0‖ = " + n0 + " > " + bound);
    assertTrue(bound <= Math.pow(0.9, 100) * 1.001 * Exact.norm(u));
    assertEquals(n0, prof.gradientNorm(0), 1e-12 * n0 + 1e-300);
    for (int t = 0; t < steps - 1; t++) {
      // (0/0 reads as gain 1: once tanh saturates to ±1 exactly, the gradient is exactly 0.)
      assertTrue(prof.gradientNorm(t + 1) == 0 || prof.gain(t) <= perStep,
          "slot " + t + " gain " + prof.gain(t));
    }
  }

  /**
   * ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ for every cell, output mode and T ≤ capacity at the recorded point,
   * to the forward-backward rounding budget u·T·G·(2k+8)·√k (k = m + n) of both sides.
   */
  @Property(tries = 150)
  void jvpAndBackwardAreAdjoint(@ForAll @IntRange(min = 0, max = 3) int kind,
      @ForAll("widths") int m, @ForAll("widths") int n, @ForAll @IntRange(min = 1, max = 12)
      int steps, @ForAll boolean all, @ForAll("seeds") long seed) {
    SequenceOutput mode = all ? SequenceOutput.ALL_STEPS : SequenceOutput.LAST_STEP;
    int cap = 12;
    SequenceLayer l = switch (kind) {
      case 0 -> Rnn.create(m, n, cap, mode, seed);
      case 1 -> Rnn.create(m, n, gradkernel.activation.Activations.RELU, cap, mode, seed);
      case 2 -> Lstm.create(m, n, cap, mode, seed);
      default -> Gru.create(m, n, cap, mode, seed);
    };
    int gates = kind == 2 ? 4 : kind == 3 ? 3 : 1;
    Chain c = Chain.of(l);
    Random r = new Random(seed);
    Tape tape = c.newTape();
    c.forward(tape, uniform(r, steps * m, 2), 0, 1, steps);
    int outW = all ? steps * n : n;
    float[] v = uniform(r, steps * m, 1);
    float[] u = uniform(r, outW, 1);
    float[] jv = new float[outW];
    c.jvp(tape, v, 0, jv, 0);
    float[] jtu = c.backward(tape, u, 0, null, null).copy().data();
    double lhs = 0;
    for (int i = 0; i < outW; i++) {
      lhs += (double) jv[i] * u[i];
    }
    double rhs = 0;
    for (int i = 0; i < v.length; i++) {
      rhs += (double) v[i] * jtu[i];
    }
    int k = m + n;
    double tol = U * steps * gates * (2.0 * k + 8) * Math.sqrt(k);
    double scale = Exact.norm(jv) * Exact.norm(u) + Exact.norm(v) * Exact.norm(jtu);
    assertEquals(lhs, rhs, 2 * tol * scale + 1e-30, l.describe());
  }

  /** Weights move unchanged: a layer built on PyTorch-ordered tensors reports them back. */
  @Property(tries = 30)
  void parameterBlockIsPyTorchOrder(@ForAll("widths") int m, @ForAll("widths") int n,
      @ForAll("seeds") long seed) {
    Random r = new Random(seed);
    float[] wih = uniform(r, 4 * n * m, 1);
    float[] whh = uniform(r, 4 * n * n, 1);
    float[] bih = uniform(r, 4 * n, 1);
    float[] bhh = uniform(r, 4 * n, 1);
    Lstm l = new Lstm(Matrix.of(wih, 4 * n, m), Matrix.of(whh, 4 * n, n), Vec.of(bih),
        Vec.of(bhh), 3, SequenceOutput.LAST_STEP);
    float[] flat = new float[l.parameterCount()];
    l.copyParametersTo(flat, 0);
    float[] expect = new float[flat.length];
    System.arraycopy(wih, 0, expect, 0, wih.length);
    System.arraycopy(whh, 0, expect, wih.length, whh.length);
    System.arraycopy(bih, 0, expect, wih.length + whh.length, bih.length);
    System.arraycopy(bhh, 0, expect, wih.length + whh.length + bih.length, bhh.length);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expect, flat);
  }
}
