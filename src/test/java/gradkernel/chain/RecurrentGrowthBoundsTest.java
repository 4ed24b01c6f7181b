package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.init.Init;
import gradkernel.spectral.GrowthBounds;
import gradkernel.tensor.Matrix;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-step profile norms of Rnn, Lstm and Gru stay inside GrowthBounds' per-step bounds
 * (widened only by the derived backward rounding, see {@link RecurrentBoundCheck}) for random
 * and adversarial weights, the bounds are attained in degenerate cases (so they are not vacuous),
 * and the a priori state bounds hold.
 */
class RecurrentGrowthBoundsTest {

  @ParameterizedTest
  @ValueSource(strings = {"rnn", "relu", "lstm", "gru"})
  void profileStaysInsideThePerStepBoundsForRandomCells(String kind) {
    Random rnd = new Random(kind.hashCode());
    double[] wScales = {1, 3, 10};
    for (int trial = 0; trial < 36; trial++) {
      int m = 1 + rnd.nextInt(4);
      int n = 1 + rnd.nextInt(9);
      int steps = 2 + rnd.nextInt(10);
      int b = 1 + rnd.nextInt(3);
      double ws = wScales[trial % 3];
      SequenceLayer l = RecurrentBoundCheck.layer(kind, m, n, steps, rnd.nextLong(), ws, ws);
      float[] x = Reference.gaussian(rnd, b * steps * m, 1 + 2 * rnd.nextDouble());
      float[] h0 = Reference.gaussian(rnd, b * n, kind.equals("gru") ? 2 : 0.5);
      float[] c0 = Reference.gaussian(rnd, b * n, 3);
      float[] u = Reference.gaussian(rnd, b * n, 1);
      RecurrentBoundCheck.Outcome o = RecurrentBoundCheck.run(l, x, b, h0, c0, u, 1);
      assertTrue(o.worst() <= 1, "trial " + trial + ": " + o.detail());
    }
  }

  /**
   * ALL_STEPS output: every h_{t−1} also receives its own upstream u_{t−1}, so the step bound
   * gains + ‖u_{t−1}‖; the profile stays inside it for random cells of every kind.
   */
  @ParameterizedTest
  @ValueSource(strings = {"rnn", "relu", "lstm", "gru"})
  void allStepsOutputAddsTheStepUpstream(String kind) {
    Random rnd = new Random(3 + kind.hashCode());
    for (int trial = 0; trial < 24; trial++) {
      int m = 1 + rnd.nextInt(4);
      int n = 1 + rnd.nextInt(9);
      int steps = 2 + rnd.nextInt(10);
      int b = 1 + rnd.nextInt(3);
      double ws = trial % 2 == 0 ? 1 : 5;
      SequenceLayer l = SequenceLayerTest.make(kind, m, n, steps, SequenceOutput.ALL_STEPS,
          rnd.nextLong());
      RecurrentBoundCheck.scale(l.weightHh(), ws);
      float[] x = Reference.gaussian(rnd, b * steps * m, 1);
      float[] h0 = Reference.gaussian(rnd, b * n, 0.5);
      float[] c0 = Reference.gaussian(rnd, b * n, 2);
      float[] u = Reference.gaussian(rnd, b * steps * n, trial % 3 == 0 ? 0.01 : 1);
      RecurrentBoundCheck.Outcome o = RecurrentBoundCheck.run(l, x, b, h0, c0, u, 1);
      assertTrue(o.worst() <= 1, "trial " + trial + ": " + o.detail());
    }
  }

  /**
   * Adversarial: weights 30× PyTorch's scale and large biases (saturated gates, σ_max ≫ 1), a
   * relu RNN whose gradient grows by σ_max per step, a huge c_0 (the LSTM's ‖c‖∞ term), and
   * W_hh equal to its own top singular direction repeated (rank one, σ_max = ‖W‖_F).
   */
  @ParameterizedTest
  @ValueSource(strings = {"rnn", "relu", "lstm", "gru"})
  void profileStaysInsideTheBoundsForAdversarialWeights(String kind) {
    Random rnd = new Random(7 + kind.hashCode());
    for (int trial = 0; trial < 12; trial++) {
      int n = 4 + rnd.nextInt(6);
      int m = 3;
      int steps = 8;
      int b = 2;
      double bs = trial % 2 == 0 ? 1 : 30;
      SequenceLayer l = RecurrentBoundCheck.layer(kind, m, n, steps, rnd.nextLong(), 30, bs);
      if (trial % 3 == 2) {
        // Rank one blocks: every row a multiple of one vector, σ_max = ‖W‖_F (no slack between).
        float[] v = Reference.gaussian(rnd, n, 1);
        Matrix w = l.weightHh();
        for (int i = 0; i < w.rows(); i++) {
          double a = 8 * rnd.nextGaussian();
          for (int j = 0; j < n; j++) {
            w.set(i, j, (float) (a * v[j]));
          }
        }
      }
      float[] x = Reference.gaussian(rnd, b * steps * m, 3);
      float[] h0 = Reference.gaussian(rnd, b * n, 5);
      float[] c0 = Reference.gaussian(rnd, b * n, 200);
      float[] u = Reference.gaussian(rnd, b * n, 1);
      RecurrentBoundCheck.Outcome o = RecurrentBoundCheck.run(l, x, b, h0, c0, u, 1);
      assertTrue(o.worst() <= 1, "trial " + trial + ": " + o.detail());
    }
  }

  /** Linear RNN with W_hh = 0.9·Q (Q orthogonal): every step's gain is exactly the bound 0.9. */
  @Test
  void linearRnnAttainsItsBound() {
    int n = 16;
    int steps = 20;
    Rnn l = Rnn.create(4, n, Activations.IDENTITY, steps, SequenceOutput.LAST_STEP, 3);
    Init.orthogonal(l.weightHh(), 0.9, 5);
    Random rnd = new Random(9);
    float[] x = Reference.gaussian(rnd, 2 * steps * 4, 1);
    float[] u = Reference.gaussian(rnd, 2 * n, 1);
    RecurrentBoundCheck.Outcome o = RecurrentBoundCheck.run(l, x, 2, null, null, u, 1);
    assertTrue(o.worst() <= 1, o.detail());
    assertTrue(o.worst() >= 1 - 1e-5, "tight: " + o.detail());
    double bound = GrowthBounds.rnnStep(Activations.IDENTITY,
        GrowthBounds.gateSigmaMax(l.weightHh(), 1)[0]);
    assertEquals(0.9, bound, 1e-6);
  }

  /**
   * Gated cells whose state is carried unchanged: with W_hh = 0 and the forget gate (LSTM) or
   * the update gate z (GRU) saturated at 1 in float, ‖δc‖ (LSTM) and ‖δh‖ (GRU) keep their norm,
   * and the bound is 1. With tiny W_hh (σ ≈ 1e-3) the gain stays within 1 % of the bound.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0, 1e-3})
  void gatedCellsAttainTheirBoundWhenTheStateIsCarried(double wScale) {
    int n = 6;
    int steps = 12;
    Random rnd = new Random(11);
    Lstm lstm = (Lstm) RecurrentBoundCheck.layer("lstm", 3, n, steps, 5, 1, 0);
    RecurrentBoundCheck.scale(lstm.weightHh(), wScale);
    lstm.setForgetBias(40f);
    float[] x = Reference.gaussian(rnd, 2 * steps * 3, 0.1);
    float[] u = Reference.gaussian(rnd, 2 * n, 1);
    RecurrentBoundCheck.Outcome lo = RecurrentBoundCheck.run(lstm, x, 2, null, null, u, 1);
    assertTrue(lo.worst() <= 1, lo.detail());
    assertTrue(lo.worst() >= 0.99, "LSTM tight: " + lo.detail());

    Gru gru = (Gru) RecurrentBoundCheck.layer("gru", 3, n, steps, 6, 1, 0);
    RecurrentBoundCheck.scale(gru.weightHh(), wScale);
    for (int k = n; k < 2 * n; k++) {
      gru.biasIh().set(k, 40f); // z = σ(40) = 1 in float
    }
    RecurrentBoundCheck.Outcome go = RecurrentBoundCheck.run(gru, x, 2, null, null, u, 1);
    assertTrue(go.worst() <= 1, go.detail());
    assertTrue(go.worst() >= 0.99, "GRU tight: " + go.detail());
  }

  /** A bound 10 % too small is caught by the same check on ordinary cells. */
  @ParameterizedTest
  @ValueSource(strings = {"rnn", "lstm", "gru"})
  void aTooSmallBoundIsCaught(String kind) {
    int n = 6;
    int steps = 12;
    Random rnd = new Random(13);
    SequenceLayer l;
    if (kind.equals("rnn")) {
      l = Rnn.create(3, n, Activations.IDENTITY, steps, SequenceOutput.LAST_STEP, 3);
      Init.orthogonal(l.weightHh(), 1.1, 4);
    } else {
      l = RecurrentBoundCheck.layer(kind, 3, n, steps, 5, 1, 0);
      RecurrentBoundCheck.scale(l.weightHh(), 1e-3);
      for (int k = n; k < 2 * n; k++) { // forget gate (LSTM) / update gate (GRU): rows n..2n
        l.biasIh().set(k, 40f);
      }
    }
    float[] x = Reference.gaussian(rnd, 2 * steps * 3, 0.1);
    float[] u = Reference.gaussian(rnd, 2 * n, 1);
    assertTrue(RecurrentBoundCheck.run(l, x, 2, null, null, u, 0.9).worst() > 1, kind);
  }

  /** The a priori state bounds: ‖c_t‖∞ ≤ lstmCellBound(‖c_0‖∞, t), ‖h_t‖∞ ≤ gruHiddenBound. */
  @Test
  void stateBoundsHoldAtSaturation() {
    int n = 5;
    int m = 2;
    int steps = 30;
    int b = 3;
    Random rnd = new Random(17);
    // Input and forget gates saturated open, g = ±1: |c| grows by exactly 1 per step.
    Lstm lstm = (Lstm) RecurrentBoundCheck.layer("lstm", m, n, steps, 3, 1, 0);
    lstm.setForgetBias(40f);
    for (int k = 0; k < n; k++) {
      lstm.biasIh().set(k, 40f);
      lstm.biasIh().set(2 * n + k, 40f);
    }
    Chain c = Chain.of(lstm);
    float[] c0 = Reference.gaussian(rnd, b * n, 2);
    for (int i = 0; i < c0.length; i++) {
      c0[i] = Math.abs(c0[i]); // c grows by +1 per step, so the largest |c_0| must be positive
    }
    Tape tape = c.newTape().initialCell(0, c0, 0);
    c.forward(tape, Reference.gaussian(rnd, b * steps * m, 0.01), 0, b, steps);
    int bn = b * n;
    int cells = b * (c.inputSize() + c.outputSize()) + lstm.eOff(b, steps);
    double c0Max = RecurrentBoundCheck.maxAbs(c0);
    for (int t = 0; t <= steps; t++) {
      float[] ct = Arrays.copyOfRange(tape.data, cells + t * bn, cells + (t + 1) * bn);
      double bound = GrowthBounds.lstmCellBound(c0Max, t);
      double got = RecurrentBoundCheck.maxAbs(ct);
      assertTrue(got <= bound, "‖c_" + t + "‖∞ = " + got + " > " + bound);
      assertTrue(got >= bound - 1e-3 * (t + 1), "attained: ‖c_" + t + "‖∞ = " + got);
    }

    Gru gru = Gru.create(m, n, steps, SequenceOutput.ALL_STEPS, 4);
    RecurrentBoundCheck.scale(gru.weightHh(), 50);
    RecurrentBoundCheck.scale(gru.weightIh(), 50);
    Chain g = Chain.of(gru);
    float[] h0 = Reference.gaussian(rnd, b * n, 4);
    Tape gt = g.newTape().initialState(0, h0, 0);
    Matrix out = g.forward(gt, Reference.gaussian(rnd, b * steps * m, 3), 0, b, steps);
    double h0Max = RecurrentBoundCheck.maxAbs(h0);
    for (int t = 1; t <= steps; t++) {
      double got = 0;
      for (int r = 0; r < b; r++) {
        for (int k = 0; k < n; k++) {
          got = Math.max(got, Math.abs(out.get(r, (t - 1) * n + k)));
        }
      }
      assertTrue(got <= GrowthBounds.gruHiddenBound(h0Max, t), "‖h_" + t + "‖∞ = " + got);
    }
  }

  /** LstmStep.norm() is the 2×2 spectral norm (against the maximum over unit vectors). */
  @Test
  void lstmStepNormIsTheSpectralNorm() {
    Random rnd = new Random(19);
    for (int trial = 0; trial < 50; trial++) {
      GrowthBounds.LstmStep s = new GrowthBounds.LstmStep(3 * rnd.nextDouble(),
          3 * rnd.nextDouble(), 3 * rnd.nextDouble(), 1 + 3 * rnd.nextDouble());
      double best = 0;
      for (int i = 0; i <= 200_000; i++) {
        double th = Math.PI * i / 200_000;
        double a = Math.cos(th);
        double b = Math.sin(th);
        best = Math.max(best, Math.hypot(s.hh() * a + s.hc() * b, s.ch() * a + s.cc() * b));
      }
      assertTrue(s.norm() >= best * (1 - 1e-15), s + ": " + s.norm() + " < " + best);
      assertEquals(best, s.norm(), 1e-9 * best, s.toString());
    }
    GrowthBounds.LstmStep id = GrowthBounds.lstmStep(new double[4], 5);
    assertEquals(1, id.norm(), 1e-15, "W_hh = 0: only the carousel, gain 1");
  }

  @Test
  void badArgumentsNameTheArgument() {
    Matrix w = Matrix.zeros(12, 4);
    assertEquals(3, GrowthBounds.gateSigmaMax(w, 3).length);
    var e = assertThrows(IllegalArgumentException.class, () -> GrowthBounds.gateSigmaMax(w, 4));
    assertTrue(e.getMessage().contains("12x4") && e.getMessage().contains("gates 4"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.lstmStep(new double[3], 1));
    assertTrue(e.getMessage().contains("4 gate blocks"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.gruStep(new double[] {1, Double.NaN, 1}, 1, 1));
    assertTrue(e.getMessage().contains("sigma[1]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.gruStep(new double[3], -1, 1));
    assertTrue(e.getMessage().contains("hMax"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GrowthBounds.rnnStep(Activations.TANH, Double.POSITIVE_INFINITY));
    assertTrue(e.getMessage().contains("sigmaHh"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GrowthBounds.lstmCellBound(1, -1));
    assertTrue(e.getMessage().contains("t must be"), e.getMessage());
    assertThrows(NullPointerException.class, () -> GrowthBounds.gateSigmaMax(null, 1));
  }
}
