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
    return ChainGradientTest.relErr(ref, got, off);
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

  /** ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ at T < capacity, and J v against a central difference in double. */
  @ParameterizedTest
  @CsvSource({"rnn, ALL_STEPS", "relu, LAST_STEP", "lstm, ALL_STEPS", "lstm, LAST_STEP",
      "gru, ALL_STEPS", "gru, LAST_STEP"})
  void jvpIsAdjointToBackwardAndMatchesDirectionalDifference(String kind, SequenceOutput mode) {
    int m = 4;
    int n = 5;
    int steps = 6;
    Random rnd = new Random(kind.hashCode() + 7L * mode.ordinal());
    SequenceLayer l = make(kind, m, n, 9, mode, rnd.nextLong());
    Chain c = Chain.of(l);
    Tape tape = c.newTape();
    float[] x = Reference.gaussian(rnd, steps * m, 1);
    c.forward(tape, x, 0, 1, steps);
    int outW = mode == SequenceOutput.ALL_STEPS ? steps * n : n;
    float[] v = Reference.gaussian(rnd, steps * m, 1);
    float[] u = Reference.gaussian(rnd, outW, 1);
    float[] jv = new float[outW];
    c.jvp(tape, v, 0, jv, 0);
    float[] jtu = c.backward(tape, u, 0, null, null).copy().data();
    double lhs = Reference.dot(d(jv), d(u));
    double rhs = Reference.dot(d(v), d(jtu));
    double scale = Math.sqrt(Reference.dot(d(jv), d(jv)) * Reference.dot(d(u), d(u)))
        + Math.sqrt(Reference.dot(d(v), d(v)) * Reference.dot(d(jtu), d(jtu)));
    double tol = tolerance(l, steps);
    assertEquals(lhs, rhs, 2 * tol * scale, kind + " " + mode);
    double[] p = SeqRef.params(l);
    double[] xp = d(x);
    double[] xm = d(x);
    for (int i = 0; i < xp.length; i++) {
      xp[i] += H * v[i];
      xm[i] -= H * v[i];
    }
    double[] fp = SeqRef.output(l, p, 0, xp, 0, steps, null, null);
    double[] fm = SeqRef.output(l, p, 0, xm, 0, steps, null, null);
    double[] ref = new double[outW];
    for (int i = 0; i < outW; i++) {
      ref[i] = (fp[i] - fm[i]) / (2 * H);
    }
    double e = relErr(ref, jv, 0);
    assertTrue(e <= tol, kind + " " + mode + " jvp rel err " + e + " > " + tol);
  }

  /**
   * A 2-layer stack (LSTM all steps → GRU last step → Dense) at T &lt; capacity with initial
   * states on both recurrent layers: output, dx, every parameter, h_0 (both) and c_0 against the
   * double reference composed layer by layer.
   */
  @Test
  void stackedLayersAtShorterLengthMatchReference() {
    int m = 3;
    int n1 = 4;
    int n2 = 5;
    int cap = 8;
    int steps = 5;
    int b = 2;
    Random rnd = new Random(99);
    Lstm l1 = Lstm.create(m, n1, cap, SequenceOutput.ALL_STEPS, 1);
    Gru l2 = Gru.create(n1, n2, cap, SequenceOutput.LAST_STEP, 2);
    Dense head = Reference.dense(rnd, 2, n2, Activations.TANH);
    Chain c = Chain.of(l1, l2, head);
    assertEquals(cap, c.sequenceCapacity());
    float[] x = Reference.gaussian(rnd, b * steps * m, 1);
    float[] h1 = Reference.gaussian(rnd, b * n1, 0.5);
    float[] c1 = Reference.gaussian(rnd, b * n1, 0.5);
    float[] h2 = Reference.gaussian(rnd, 1 + b * n2, 0.5);
    Tape tape = c.newTape();
    tape.initialState(0, h1, 0).initialCell(0, c1, 0).initialState(1, h2, 1);
    Matrix y = c.forward(tape, x, 0, b, steps);
    float[] u = Reference.gaussian(rnd, b * 2, 1);
    Gradients grads = new Gradients(c);
    Matrix dx = c.backward(tape, u, 0, grads, new GradientProfile(c));

    double[] p = Reference.params(c);
    double[] xd = d(x);
    double[] h1d = d(h1);
    double[] c1d = d(c1);
    double[] h2d = java.util.Arrays.copyOfRange(d(h2), 1, 1 + b * n2);
    double[] ud = d(u);
    int o1 = c.parameterOffset(1);
    int o2 = c.parameterOffset(2);
    java.util.function.DoubleSupplier f = () -> {
      double s = 0;
      for (int r = 0; r < b; r++) {
        double[] a = SeqRef.output(l1, p, 0, xd, r * steps * m, steps, row(h1d, r, n1),
            row(c1d, r, n1));
        double[] hT = SeqRef.output(l2, p, o1, a, 0, steps, row(h2d, r, n2), null);
        for (int i = 0; i < 2; i++) {
          double z = p[o2 + 2 * n2 + i];
          for (int j = 0; j < n2; j++) {
            z += p[o2 + i * n2 + j] * hT[j];
          }
          double out = Math.tanh(z);
          assertEquals(out, y.get(r, i), 1e-5, "forward row " + r);
          s += ud[r * 2 + i] * out;
        }
      }
      return s;
    };
    double tol = tolerance(l1, steps) + tolerance(l2, steps);
    double ex = relErr(centralDiff(xd, f), dx.data(), dx.offset());
    double ep = relErr(centralDiff(p, f), grads.data(), 0);
    double eh1 = relErr(centralDiff(h1d, f), c.initialStateGradient(tape, 0).copy().data(), 0);
    double ec1 = relErr(centralDiff(c1d, f), c.initialCellGradient(tape, 0).copy().data(), 0);
    double eh2 = relErr(centralDiff(h2d, f), c.initialStateGradient(tape, 1).copy().data(), 0);
    assertTrue(ex <= tol && ep <= tol && eh1 <= tol && ec1 <= tol && eh2 <= tol,
        "rel errs dx " + ex + ", params " + ep + ", h0 " + eh1 + ", c0 " + ec1 + ", h0' " + eh2
            + " > " + tol);
  }

  /** At T = capacity the sequence layers are ordinary chain layers: the old entry point agrees. */
  @Test
  void fullLengthThroughPlainForwardAgreesWithSequenceForward() {
    Random rnd = new Random(5);
    Chain c = Chain.of(Lstm.create(2, 3, 4, SequenceOutput.ALL_STEPS, 3),
        Rnn.create(3, 3, 4, SequenceOutput.LAST_STEP, 4));
    float[] x = Reference.gaussian(rnd, 2 * c.inputSize(), 1);
    float[] u = Reference.gaussian(rnd, 2 * c.outputSize(), 1);
    Tape t1 = c.newTape();
    Tape t2 = c.newTape();
    float[] y1 = c.forward(t1, x, 0, 2).copy().data();
    float[] y2 = c.forward(t2, x, 0, 2, 4).copy().data();
    org.junit.jupiter.api.Assertions.assertArrayEquals(y1, y2);
    org.junit.jupiter.api.Assertions.assertArrayEquals(c.backward(t1, u, 0, null, null).copy()
        .data(), c.backward(t2, u, 0, null, null).copy().data());
    // And the chain-level double reference (Reference.forward) agrees with the float forward.
    double[] ref = Reference.forward(c, Reference.params(c), 0, Reference.toDouble(x, 0, 8));
    assertTrue(relErr(ref, y1, 0) < 1e-5);
  }

  @Test
  void parametersUsePyTorchNamesAndRebind() {
    Lstm l = Lstm.create(3, 2, 5, SequenceOutput.LAST_STEP, 11);
    List<Parameter> ps = l.parameters();
    assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
        ps.stream().map(Parameter::name).toList());
    assertEquals(List.of(8, 3), ps.get(0).shape());
    assertEquals(List.of(8, 2), ps.get(1).shape());
    assertEquals(List.of(8), ps.get(3).shape());
    assertEquals(8 * 3 + 8 * 2 + 8, ps.get(3).offset());
    assertEquals(l.parameterCount(), ps.get(3).offset() + 8);
    Chain c = Chain.of(l, Gru.create(2, 2, 1, SequenceOutput.LAST_STEP, 1));
    assertEquals("1.bias_hh", c.parameters().get(7).name());
    float[] flat = new float[c.parameterCount()];
    c.copyParametersTo(flat, 0);
    Chain bound = c.withParameters(flat, 0);
    Lstm lb = (Lstm) bound.layer(0);
    lb.setForgetBias(3f);
    for (int k = 0; k < 8; k++) {
      float want = k >= 2 && k < 4 ? 3f : l.biasIh().get(k);
      assertEquals(want, flat[8 * 3 + 8 * 2 + k], "bias_ih[" + k + "] after setForgetBias");
    }
    assertEquals(l.weightHh().get(5, 1), flat[24 + 5 * 2 + 1]);
  }

  @Test
  void badShapesNameTheExpectedLayout() {
    Chain c = Chain.of(Lstm.create(8, 6, 20, SequenceOutput.ALL_STEPS, 1),
        Lstm.create(6, 6, 20, SequenceOutput.LAST_STEP, 2));
    Tape tape = c.newTape();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(tape, new float[12], 0, 4, 20));
    assertEquals("x: expected [batch 4, T 20, m 8] = 640 floats at offset 0, array has 12",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(tape, new float[1000], 0, 4, 21));
    assertTrue(e.getMessage().contains("capacity 20"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.forward(tape, new float[1000], 0, 4, 0));
    assertTrue(e.getMessage().contains("steps"), e.getMessage());
    tape.initialState(1, new float[10], 0);
    e = assertThrows(IllegalArgumentException.class, () -> c.forward(tape, new float[640], 0, 4, 20));
    assertTrue(e.getMessage().contains("h0 of layer 1") && e.getMessage().contains("[batch 4, n 6]"),
        e.getMessage());
    tape.clearInitialStates();
    c.forward(tape, new float[320], 0, 4, 10);
    e = assertThrows(IllegalArgumentException.class,
        () -> c.backward(tape, new float[5], 0, null, null));
    assertTrue(e.getMessage().contains("[batch 4, out 6]"), e.getMessage());

    Chain all = Chain.of(Gru.create(2, 3, 5, SequenceOutput.ALL_STEPS, 1));
    Tape t2 = all.newTape();
    all.forward(t2, new float[2 * 3 * 2], 0, 2, 3);
    e = assertThrows(IllegalArgumentException.class,
        () -> all.backward(t2, new float[5], 0, null, null));
    assertTrue(e.getMessage().contains("[batch 2, T 3, n 3]"), e.getMessage());
    Tape t3 = all.newTape();
    all.forward(t3, new float[6], 0, 1, 3);
    e = assertThrows(IllegalArgumentException.class,
        () -> all.jvp(t3, new float[6], 0, new float[8], 0));
    assertEquals("dOut: expected [batch 1, T 3, n 3] = 9 floats at offset 0, array has 8",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t2.initialCell(0, new float[6], 0));
    assertTrue(e.getMessage().contains("no cell state"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> all.initialCellGradient(t2, 0));

    Chain dense = Chain.of(Rnn.create(2, 3, 5, SequenceOutput.ALL_STEPS, 1),
        Reference.dense(new Random(1), 2, 15, Activations.TANH));
    e = assertThrows(IllegalArgumentException.class,
        () -> dense.forward(dense.newTape(), new float[100], 0, 1, 4));
    assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("LAST_STEP"),
        e.getMessage());
    dense.forward(dense.newTape(), new float[10], 0, 1, 5);
    Chain notSeq = Chain.of(Reference.dense(new Random(1), 2, 2, Activations.TANH));
    assertThrows(IllegalArgumentException.class,
        () -> notSeq.forward(notSeq.newTape(), new float[2], 0, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> notSeq.newTape().initialState(0, new float[2], 0));

    e = assertThrows(IllegalArgumentException.class, () -> new Lstm(Matrix.zeros(8, 3),
        Matrix.zeros(8, 3), gradkernel.tensor.Vec.zeros(8), gradkernel.tensor.Vec.zeros(8), 4,
        SequenceOutput.LAST_STEP));
    assertTrue(e.getMessage().contains("weight_hh") && e.getMessage().contains("8x2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Gru(Matrix.zeros(8, 3),
        Matrix.zeros(8, 3), gradkernel.tensor.Vec.zeros(8), gradkernel.tensor.Vec.zeros(8), 4,
        SequenceOutput.LAST_STEP));
    assertTrue(e.getMessage().contains("weight_ih") && e.getMessage().contains("3n"),
        e.getMessage());
  }

  /** The README's "Recurrent layers and sequences" example, verbatim apart from the data. */
  @Test
  void readmeExampleRuns() {
    Random rnd = new Random(1);
    float[] wOut = Reference.gaussian(rnd, 10 * 32, 0.1);
    float[] bOut = new float[10];
    float[] h0 = Reference.gaussian(rnd, 4 * 32, 0.1);
    float[] c0 = Reference.gaussian(rnd, 4 * 32, 0.1);
    float[] x = Reference.gaussian(rnd, 4 * 20 * 8, 1);
    float[] dLdy = Reference.gaussian(rnd, 4 * 10, 1);
    int batch = 4, T = 20, m = 8, n = 32, cap = 50;          // T may change per call, up to cap
    Chain net = Chain.of(
        Lstm.create(m, n, cap, SequenceOutput.ALL_STEPS, 1).setForgetBias(1f),  // [T·m] -> [T·n]
        Lstm.create(n, n, cap, SequenceOutput.LAST_STEP, 2),                    // [T·n] -> [n]
        Dense.of(wOut, 10, n, bOut, Activations.IDENTITY));
    Tape tape = net.newTape();
    tape.initialState(0, h0, 0).initialCell(0, c0, 0);       // optional, [batch, n]; zeros otherwise
    Matrix y = net.forward(tape, x, 0, batch, T);             // x [batch, T, m] -> y [batch, 10]
    Gradients grads = new Gradients(net);
    GradientProfile prof = new GradientProfile(net);
    Matrix dx  = net.backward(tape, dLdy, 0, grads, prof);   // BPTT; dx [batch, T, m]
    Matrix dh0 = net.initialStateGradient(tape, 0);           // ∂L/∂h_0 [batch, n]
    Matrix dc0 = net.initialCellGradient(tape, 0);            // ∂L/∂c_0 [batch, n]
    gradkernel.tensor.Vec dWih = grads.of("0.weight_ih");     // [4n, m], summed over time and batch
    double early = prof.gradientNorm(cap - T + 1);            // ‖∂L/∂h_1‖ of layer 0
    double cell  = prof.cellGradientNorm(cap - T + 1);        // ‖∂L/∂c_1‖ (LSTM only)
    assertEquals(10, y.cols());
    assertEquals(T * m, dx.cols());
    assertEquals(n, dh0.cols());
    assertEquals(n, dc0.cols());
    assertEquals(4 * n * m, dWih.length());
    assertTrue(early > 0 && cell > 0 && Double.isFinite(early + cell));
  }

  /**
   * A sequence layer anywhere in a chain (after a Dense, inside a Residual) runs at its capacity
   * with zero initial states: input and parameter gradients against central differences of the
   * chain-level double reference.
   */
  @Test
  void sequenceLayersInsideOrdinaryChainsAtCapacity() {
    Random rnd = new Random(21);
    int cap = 4;
    int n = 3;
    Chain c = Chain.of(Reference.dense(rnd, cap * n, 5, Activations.TANH),
        Residual.of(Gru.create(n, n, cap, SequenceOutput.ALL_STEPS, 8)),
        Lstm.create(n, n, cap, SequenceOutput.LAST_STEP, 9),
        Reference.dense(rnd, 2, n, Activations.IDENTITY));
    float[] x = Reference.gaussian(rnd, 5, 1);
    float[] u = Reference.gaussian(rnd, 2, 1);
    Tape tape = c.newTape();
    Matrix y = c.forward(tape, x);
    Gradients grads = new Gradients(c);
    Matrix dx = c.backward(tape, u, grads, null);
    double[] p = Reference.params(c);
    double[] xd = d(x);
    double[] ud = d(u);
    double tol = ChainGradientTest.tolerance(c) + 2 * tolerance((SequenceLayer) c.layer(2), cap);
    assertTrue(relErr(Reference.forward(c, p, 0, xd), y.data(), y.offset()) <= tol);
    double ex = relErr(Reference.inputGradient(c, p, xd, ud, 1e-5), dx.data(), dx.offset());
    double ep = relErr(Reference.paramGradient(c, p, xd, ud, 1e-5), grads.data(), 0);
    assertTrue(ex <= tol && ep <= tol, "dx " + ex + ", params " + ep + " > " + tol);
  }
}
