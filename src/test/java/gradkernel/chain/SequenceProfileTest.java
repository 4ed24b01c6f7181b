package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-step profile slots of sequence layers (‖∂L/∂h_j‖, and ‖∂L/∂c_j‖ for an LSTM) against
 * central differences of the double reference continued from step j, and the LSTM constant
 * error carousel reproduced bit for bit.
 */
class SequenceProfileTest {

  @ParameterizedTest
  @CsvSource({"rnn, ALL_STEPS", "rnn, LAST_STEP", "lstm, ALL_STEPS", "lstm, LAST_STEP",
      "gru, ALL_STEPS", "gru, LAST_STEP"})
  void slotsHoldTheHiddenAndCellGradientNormOfEveryStep(String kind, SequenceOutput mode) {
    int m = 3;
    int n = 4;
    int cap = 8;
    int steps = 5;
    int b = 2;
    Random rnd = new Random(kind.hashCode() + 13L * mode.ordinal());
    SequenceLayer l = SequenceLayerTest.make(kind, m, n, cap, mode, rnd.nextLong());
    Chain c = Chain.of(l);
    float[] x = Reference.gaussian(rnd, b * steps * m, 1);
    float[] h0 = Reference.gaussian(rnd, b * n, 0.5);
    Tape tape = c.newTape().initialState(0, h0, 0);
    c.forward(tape, x, 0, b, steps);
    int outW = mode == SequenceOutput.ALL_STEPS ? steps * n : n;
    float[] u = Reference.gaussian(rnd, b * outW, 1);
    GradientProfile prof = new GradientProfile(c);
    c.backward(tape, u, 0, null, prof);
    double[] p = SeqRef.params(l);
    double[] xd = SequenceLayerTest.d(x);
    double[] ud = SequenceLayerTest.d(u);
    double tol = SequenceLayerTest.tolerance(l, steps);
    for (int j = 1; j < steps; j++) {
      double ssH = 0;
      double ssC = 0;
      for (int r = 0; r < b; r++) {
        // State after j steps, then the loss of the remaining T − j steps as a function of it.
        double[] st = SeqRef.run(l, p, 0, xd, r * steps * m, j,
            SequenceLayerTest.row(SequenceLayerTest.d(h0), r, n), null);
        double[] hj = java.util.Arrays.copyOfRange(st, st.length - 2 * n, st.length - n);
        double[] cj = java.util.Arrays.copyOfRange(st, st.length - n, st.length);
        int from = j;
        int row = r;
        java.util.function.DoubleSupplier rest = () -> {
          double[] o = SeqRef.output(l, p, 0, xd, row * steps * m + from * m, steps - from, hj,
              l.hasCell() ? cj : null);
          int uOff = row * outW + (mode == SequenceOutput.ALL_STEPS ? from * n : 0);
          double s = 0;
          for (int i = 0; i < o.length; i++) {
            s += ud[uOff + i] * o[i];
          }
          return s;
        };
        double[] gh = SequenceLayerTest.centralDiff(hj, rest);
        if (mode == SequenceOutput.ALL_STEPS) {
          for (int k = 0; k < n; k++) {
            gh[k] += ud[r * outW + (j - 1) * n + k]; // h_j is itself an output
          }
        }
        ssH += Reference.dot(gh, gh);
        if (l.hasCell()) {
          // BPTT's δc_j counts the path through h_j = o_j ⊙ tanh(c_j) too.
          double[] gc = SequenceLayerTest.centralDiff(cj, rest);
          for (int k = 0; k < n; k++) {
            double th = Math.tanh(cj[k]);
            gc[k] += gh[k] * (hj[k] / th) * (1 - th * th);
          }
          ssC += Reference.dot(gc, gc);
        }
      }
      int slot = cap - steps + j;
      double nh = Math.sqrt(ssH);
      assertEquals(nh, prof.gradientNorm(slot), tol * nh + 1e-9, kind + " ‖∂L/∂h_" + j + "‖");
      double nc = Math.sqrt(ssC);
      assertEquals(nc, prof.cellGradientNorm(slot), tol * nc + 1e-9, kind + " ‖∂L/∂c_" + j + "‖");
    }
    Matrix dh0 = c.initialStateGradient(tape, 0);
    double nd = Math.sqrt(Reference.dot(SequenceLayerTest.d(dh0.copy().data()),
        SequenceLayerTest.d(dh0.copy().data())));
    assertEquals(nd, prof.gradientNorm(cap - steps), 1e-12 * nd);
    assertEquals(nd, prof.gradientNorm(0), 1e-12 * nd, "unused capacity repeats ‖∂L/∂h_0‖");
    assertEquals(1.0, prof.gain(0), 1e-15);
  }

  /**
   * With W_hh = 0 (so only the cell path links c_0 to c_T) and the loss on h_T, backward gives
   * ∂L/∂c_0 = Π_t f_t ⊙ ∂L/∂c_T: here reproduced bit for bit from the recorded forget gates, and
   * within (1+u)^T − 1 of the exact product in double.
   */
  @Test
  void cellPathGradientIsTheProductOfForgetGatesExactly() {
    int m = 3;
    int n = 5;
    int steps = 40;
    int b = 2;
    Random rnd = new Random(3);
    Lstm l = Lstm.create(m, n, steps, SequenceOutput.LAST_STEP, 4).setForgetBias(3f);
    java.util.Arrays.fill(l.weightHh().data(), 0f);
    Chain c = Chain.of(l);
    float[] x = Reference.gaussian(rnd, b * steps * m, 1);
    float[] c0 = Reference.gaussian(rnd, b * n, 1);
    Tape tape = c.newTape().initialCell(0, c0, 0);
    c.forward(tape, x, 0, b, steps);
    float[] u = Reference.gaussian(rnd, b * n, 1);
    c.backward(tape, u, 0, null, null);
    float[] dc0 = c.initialCellGradient(tape, 0).copy().data();
    Matrix gates = c.gateActivations(tape, 0);
    // ∂L/∂c_T = u ⊙ o_T ⊙ (1 − tanh²(c_T)) with the layer's own tanh(c_T) from the tape.
    int bn = b * n;
    int tc = b * (c.inputSize() + c.outputSize()) + l.eOff(b, steps) + (steps + 1) * bn
        + (steps - 1) * bn;
    float[] dcT = new float[bn];
    for (int r = 0; r < b; r++) {
      for (int k = 0; k < n; k++) {
        dcT[r * n + k] = u[r * n + k] * gates.get((steps - 1) * b + r, 3 * n + k);
      }
    }
    Activations.TANH.backwardFromOutput(dcT, 0, tape.data, tc, dcT, 0, bn);
    for (int i = 0; i < bn; i++) {
      int r = i / n;
      int k = i % n;
      float f = dcT[i];
      double exact = dcT[i];
      for (int t = steps; t >= 1; t--) {
        float ft = gates.get((t - 1) * b + r, n + k);
        f *= ft;
        exact *= ft;
      }
      assertEquals(f, dc0[i], "element " + i + ": bitwise Π f_t ⊙ ∂L/∂c_T");
      double bound = (Math.pow(1 + 0x1p-24, steps) - 1) * Math.abs(exact);
      assertTrue(Math.abs(dc0[i] - exact) <= bound, "element " + i);
    }
  }
}
