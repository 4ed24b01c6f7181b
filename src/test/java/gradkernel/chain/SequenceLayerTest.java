package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rnn, Lstm and Gru on the sequence API against the double-precision reference {@link SeqRef}:
 * forward values, and the gradients w.r.t. x, every parameter, h_0 and c_0 against central
 * differences of uᵀ·output computed in double; JVP against the adjoint identity.
 */
class SequenceLayerTest {
  static final double U = 0x1p-24;
  static final double H = 1e-6;

  static SequenceLayer make(String kind, int m, int n, int cap, SequenceOutput mode, long seed) {
    return switch (kind) {
      case "rnn" -> Rnn.create(m, n, cap, mode, seed);
      case "relu" -> Rnn.create(m, n, Activations.RELU, cap, mode, seed);
      case "lstm" -> Lstm.create(m, n, cap, mode, seed);
      case "gru" -> Gru.create(m, n, cap, mode, seed);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /**
   * Normwise error budget of T float steps (as ChainGradientTest: u·(2k + 8)·√k per factor, k the
   * dot length m + n), times the number of gate blocks for the elementwise gate arithmetic.
   */
  static double tolerance(SequenceLayer l, int steps) {
    int k = l.stepInputSize() + l.hiddenSize();
    return U * steps * SeqRef.gates(l) * (2.0 * k + 8) * Math.sqrt(k);
  }

  static double relErr(double[] ref, float[] got, int off) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < ref.length; i++) {
      double d = got[off + i] - ref[i];
      num += d * d;
      den += ref[i] * ref[i];
    }
    return Math.sqrt(num / den);
  }

  static double[] d(float[] a) {
    return Reference.toDouble(a, 0, a.length);
  }

  /** Σ_r u_rᵀ out_r in double for a batch, with x [b, T, m], h0/c0 [b, n] (null: zeros). */
  static double loss(SequenceLayer l, double[] p, double[] x, int b, int steps, double[] h0,
      double[] c0, double[] u) {
    int n = l.hiddenSize();
    int per = steps * l.stepInputSize();
    double s = 0;
    for (int r = 0; r < b; r++) {
      double[] o = SeqRef.output(l, p, 0, x, r * per, steps, row(h0, r, n), row(c0, r, n));
      for (int i = 0; i < o.length; i++) {
        s += u[r * o.length + i] * o[i];
      }
    }
    return s;
  }

  static double[] row(double[] a, int r, int n) {
    return a == null ? null : java.util.Arrays.copyOfRange(a, r * n, (r + 1) * n);
  }

  /** Central differences of f w.r.t. every element of v (perturbed in place, restored). */
  static double[] centralDiff(double[] v, java.util.function.DoubleSupplier f) {
    double[] g = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double keep = v[i];
      v[i] = keep + H;
      double fp = f.getAsDouble();
      v[i] = keep - H;
      double fm = f.getAsDouble();
      v[i] = keep;
      g[i] = (fp - fm) / (2 * H);
    }
    return g;
  }

  @ParameterizedTest
  @CsvSource({"rnn, ALL_STEPS, 5", "rnn, LAST_STEP, 7", "relu, ALL_STEPS, 4", "lstm, ALL_STEPS, 5",
      "lstm, LAST_STEP, 7", "lstm, LAST_STEP, 3", "gru, ALL_STEPS, 6", "gru, LAST_STEP, 7"})
  void forwardAndGradientsMatchDoubleReference(String kind, SequenceOutput mode, int steps) {
    int m = 3;
    int n = 4;
    int cap = 7;
    int b = 3;
    Random rnd = new Random(kind.hashCode() * 31L + steps);
    SequenceLayer l = make(kind, m, n, cap, mode, rnd.nextLong());
    Chain c = Chain.of(l);
    float[] x = Reference.gaussian(rnd, b * steps * m, 1);
    float[] h0 = Reference.gaussian(rnd, b * n, 0.5);
    float[] c0 = Reference.gaussian(rnd, b * n, 0.5);
    Tape tape = c.newTape();
    tape.initialState(0, h0, 0);
    if (l.hasCell()) {
      tape.initialCell(0, c0, 0);
    }
    Matrix y = c.forward(tape, x, 0, b, steps);
    int outW = mode == SequenceOutput.ALL_STEPS ? steps * n : n;
    assertEquals(b, y.rows());
    assertEquals(outW, y.cols());
    double[] p = SeqRef.params(l);
    double[] xd = d(x);
    double[] h0d = d(h0);
    double[] c0d = l.hasCell() ? d(c0) : null;
    double tol = tolerance(l, steps);
    double[] ref = new double[b * outW];
    for (int r = 0; r < b; r++) {
      double[] o = SeqRef.output(l, p, 0, xd, r * steps * m, steps, row(h0d, r, n),
          row(c0d, r, n));
      System.arraycopy(o, 0, ref, r * outW, outW);
    }
    double ef = relErr(ref, y.data(), y.offset());
    assertTrue(ef <= tol, kind + " forward rel err " + ef + " > " + tol);

    float[] u = Reference.gaussian(rnd, b * outW, 1);
    double[] ud = d(u);
    Gradients grads = new Gradients(c);
    GradientProfile profile = new GradientProfile(c);
    Matrix dx = c.backward(tape, u, 0, grads, profile);
    assertEquals(steps * m, dx.cols());
    double[] gx = centralDiff(xd, () -> loss(l, p, xd, b, steps, h0d, c0d, ud));
    double[] gp = centralDiff(p, () -> loss(l, p, xd, b, steps, h0d, c0d, ud));
    double[] gh = centralDiff(h0d, () -> loss(l, p, xd, b, steps, h0d, c0d, ud));
    double ex = relErr(gx, dx.data(), dx.offset());
    double ep = relErr(gp, grads.data(), grads.offset());
    Matrix dh0 = c.initialStateGradient(tape, 0);
    double eh = relErr(gh, dh0.copy().data(), 0);
    String what = kind + " " + mode + " T " + steps;
    assertTrue(ex <= tol, what + ": dx rel err " + ex + " > " + tol);
    assertTrue(ep <= tol, what + ": dparams rel err " + ep + " > " + tol);
    assertTrue(eh <= tol, what + ": dh0 rel err " + eh + " > " + tol);
    if (l.hasCell()) {
      double[] gc = centralDiff(c0d, () -> loss(l, p, xd, b, steps, h0d, c0d, ud));
      double ec = relErr(gc, c.initialCellGradient(tape, 0).copy().data(), 0);
      assertTrue(ec <= tol, what + ": dc0 rel err " + ec + " > " + tol);
    }
    // Profile: the slots up to first + cap − T hold ‖∂L/∂h_0‖, the layer's weight norm in slot 0.
    double nh0 = Math.sqrt(Reference.dot(d(dh0.copy().data()), d(dh0.copy().data())));
    for (int s = 0; s <= cap - steps; s++) {
      assertEquals(nh0, profile.gradientNorm(s), 1e-12 * nh0, "slot " + s);
    }
    double gss = 0;
    for (int i = 0; i < c.parameterCount(); i++) {
      gss += (double) grads.data()[i] * grads.data()[i];
    }
    assertEquals(Math.sqrt(gss), profile.weightGradientNorm(0), 1e-9 * Math.sqrt(gss));
    assertEquals(Math.sqrt(Reference.dot(ud, ud)), profile.gradientNorm(cap), 1e-6);
  }
}
