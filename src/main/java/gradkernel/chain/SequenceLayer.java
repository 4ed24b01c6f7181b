package gradkernel.chain;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A recurrent layer over a sequence, with PyTorch's conventions ({@code nn.RNN}, {@code nn.LSTM},
 * {@code nn.GRU} with {@code batch_first=True}): per example the input is x [T, m] (row-major, so
 * a batch is [batch, T, m]) and the output is every hidden state [T, n] or only h_T [n]
 * ({@link SequenceOutput}). The G gate blocks are stacked in {@code weight_ih [G·n, m]},
 * {@code weight_hh [G·n, n]}, {@code bias_ih [G·n]}, {@code bias_hh [G·n]}, in that order in the
 * parameter block (the layout of {@link #parameters()}, of {@link Gradients} and of
 * {@link #copyParametersTo}), so the four tensors of PyTorch's layer {@code k}
 * ({@code weight_ih_lk}, …) copy in and out unchanged.
 *
 * <p>In a {@link Chain} the layer is an ordinary layer whose width per example is its capacity:
 * input {@code capacity·m}, output {@code capacity·n} (ALL_STEPS) or {@code n}. Chains starting
 * with sequence layers also run shorter sequences: {@link Chain#forward(Tape, float[], int, int,
 * int)} takes the length T ≤ capacity per call, and x, the output and the upstream gradient are
 * then packed with that T ([batch, T, m] etc.). Initial states h_0 (and c_0) are zero unless set
 * with {@link Tape#initialState} / {@link Tape#initialCell}; their gradients come from
 * {@link Chain#initialStateGradient} / {@link Chain#initialCellGradient}.
 *
 * <p>Internally the input is transposed once to time-major [T, batch, m], the input projection
 * of all steps is one gemm ([T·batch, m]·weight_ihᵀ), each step adds its recurrent term with one
 * gemm ([batch, n]·weight_hhᵀ), and backward forms the weight gradients, summed over time and
 * batch, with one gemm each after the time loop. Nothing is allocated per call.
 *
 * <p>Profile slots: the layer owns {@code capacity} slots; for a run of T steps, slot
 * {@code first + capacity − T + j} holds ‖∂L/∂h_j‖ for j = 0 … T−1 (h_T's gradient is the
 * upstream, held by the next slot), and the slots before it repeat ‖∂L/∂h_0‖ (gain 1 for the
 * unused capacity). The layer's weight-gradient norm is reported in its first slot; an LSTM also
 * fills {@link GradientProfile#cellGradientNorm(int)} with ‖∂L/∂c_j‖.
 */
public abstract sealed class SequenceLayer extends Layer permits Rnn, Lstm, Gru {
  final Matrix wih;
  final Matrix whh;
  final Vec bih;
  final Vec bhh;
  final int m;
  final int n;
  final int gn;
  final int cap;
  final SequenceOutput mode;

  SequenceLayer(String gatesLabel, int gates, Matrix weightIh, Matrix weightHh, Vec biasIh,
      Vec biasHh, int capacity, SequenceOutput output) {
    this.wih = Objects.requireNonNull(weightIh, "weight_ih");
    this.whh = Objects.requireNonNull(weightHh, "weight_hh");
    this.bih = Objects.requireNonNull(biasIh, "bias_ih");
    this.bhh = Objects.requireNonNull(biasHh, "bias_hh");
    this.mode = Objects.requireNonNull(output, "output");
    int rows = weightIh.rows();
    if (rows == 0 || rows % gates != 0 || weightIh.cols() < 1) {
      throw new IllegalArgumentException("weight_ih: expected [" + gatesLabel + ", m] with n >= 1,"
          + " m >= 1 (" + gates + " gate blocks of n rows), got " + weightIh.shape());
    }
    this.n = rows / gates;
    this.m = weightIh.cols();
    this.gn = rows;
    if (weightHh.rows() != rows || weightHh.cols() != n) {
      throw new IllegalArgumentException("weight_hh: expected [" + gatesLabel + ", n] = " + rows
          + "x" + n + " for n = " + n + " (from weight_ih " + weightIh.shape() + "), got "
          + weightHh.shape());
    }
    if (biasIh.length() != rows || biasHh.length() != rows) {
      throw new IllegalArgumentException("bias_ih [" + biasIh.length() + "] and bias_hh ["
          + biasHh.length() + "]: expected [" + gatesLabel + "] = [" + rows + "] for n = " + n);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1 steps, got " + capacity);
    }
    this.cap = capacity;
  }

  /** Hidden width n. */
  public int hiddenSize() {
    return n;
  }

  /** Width m of each step's input x_t. */
  public int stepInputSize() {
    return m;
  }

  /** Longest sequence T this layer runs (its chain width is fixed by it). */
  public int capacity() {
    return cap;
  }

  /** Whether the layer outputs every step or only the last. */
  public SequenceOutput output() {
    return mode;
  }

  /** {@code weight_ih [G·n, m]} (view). */
  public Matrix weightIh() {
    return wih;
  }

  /** {@code weight_hh [G·n, n]} (view). */
  public Matrix weightHh() {
    return whh;
  }

  /** {@code bias_ih [G·n]} (view). */
  public Vec biasIh() {
    return bih;
  }

  /** {@code bias_hh [G·n]} (view). */
  public Vec biasHh() {
    return bhh;
  }

  /** Whether the layer carries a cell state c besides h (LSTM). */
  public boolean hasCell() {
    return false;
  }

  @Override public int inputSize() {
    return cap * m;
  }

  @Override public int outputSize() {
    return mode == SequenceOutput.ALL_STEPS ? cap * n : n;
  }

  @Override public int parameterCount() {
    return gn * (m + n + 2);
  }

  @Override public int profileSlots() {
    return cap;
  }

  /**
   * {@code weight_ih [G·n, m]}, {@code weight_hh [G·n, n]} (both decay), {@code bias_ih [G·n]},
   * {@code bias_hh [G·n]} (exempt): PyTorch's order and names without the {@code _l0} suffix.
   */
  @Override public List<Parameter> parameters() {
    return List.of(Parameter.matrix("weight_ih", 0, gn, m, Decay.APPLY),
        Parameter.matrix("weight_hh", gn * m, gn, n, Decay.APPLY),
        Parameter.vector("bias_ih", gn * (m + n), gn, Decay.EXEMPT),
        Parameter.vector("bias_hh", gn * (m + n + 1), gn, Decay.EXEMPT));
  }

  @Override List<Matrix> parameterValues() {
    return List.of(wih, whh, row(bih), row(bhh));
  }

  /** The four views of a parameter block at off, for {@link #rebind}. */
  final Matrix wihAt(float[] data, int off) {
    return new Matrix(data, off, gn, m, m);
  }

  final Matrix whhAt(float[] data, int off) {
    return new Matrix(data, off + gn * m, gn, n, n);
  }

  final Vec bihAt(float[] data, int off) {
    return new Vec(data, off + gn * (m + n), gn);
  }

  final Vec bhhAt(float[] data, int off) {
    return new Vec(data, off + gn * (m + n + 1), gn);
  }

  /** Builds a layer from its four parameter tensors. */
  interface Maker<L> {
    L make(Matrix weightIh, Matrix weightHh, Vec biasIh, Vec biasHh);
  }

  /** A layer of G gate blocks with {@link #uniformInit} parameters, m, n ≥ 1 checked. */
  static <L> L created(int gates, int m, int n, long seed, Maker<L> maker) {
    if (m < 1 || n < 1) {
      throw new IllegalArgumentException("m and n must be >= 1, got m " + m + ", n " + n);
    }
    int rows = gates * n;
    float[][] p = uniformInit(rows, m, n, seed);
    return maker.make(Matrix.of(p[0], rows, m), Matrix.of(p[1], rows, n), Vec.of(p[2]),
        Vec.of(p[3]));
  }

  /** PyTorch's default initialization: every parameter U(−1/√n, 1/√n), from a seed. */
  static float[][] uniformInit(int rows, int m, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double k = 1 / Math.sqrt(n);
    float[][] p = {new float[rows * m], new float[rows * n], new float[rows], new float[rows]};
    for (float[] a : p) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (k * (2 * r.nextDouble() - 1));
      }
    }
    return p;
  }

  String shapeText() {
    return "m " + m + ", n " + n + ", T <= " + cap + ", "
        + (mode == SequenceOutput.ALL_STEPS ? "all steps" : "last step");
  }

  // ---- layout (all offsets linear in the batch b, for a run of T steps) ----

  /** Floats per example and step of subclass-specific scratch (besides x, h and the gates). */
  abstract int extraPerStep();

  /** Number of state vectors (1: h; 2: h and c). */
  final int states() {
    return hasCell() ? 2 : 1;
  }

  /** Time-major copy of x: [T, b, m]. */
  static int xOff() {
    return 0;
  }

  /** Hidden states h_0 … h_T: [T+1, b, n]. */
  final int hOff(int b, int steps) {
    return b * steps * m;
  }

  /** Gate (pre-)activations of each step: [T, b, G·n]. */
  final int zOff(int b, int steps) {
    return hOff(b, steps) + b * (steps + 1) * n;
  }

  /** Subclass scratch: b·(T·extraPerStep() + n) floats (the + n lets an LSTM keep c_0). */
  final int eOff(int b, int steps) {
    return zOff(b, steps) + b * steps * gn;
  }

  /** ∂L/∂h_0 (then ∂L/∂c_0): [states, b, n]. */
  final int d0Off(int b, int steps) {
    return eOff(b, steps) + b * (steps * extraPerStep() + n);
  }

  /** The first slot holds ∂L/∂h_0, which is not part of the input gradient (x only). */
  @Override int firstSlotColumns() {
    return -1;
  }

  @Override int scratchPerExample() {
    return d0Off(1, cap) + states() * n;
  }

  /** Work: dG [T, b, G·n] at 0, the hh-side gradient (GRU only), dX [T, b, m], 5 vectors [b, n]. */
  boolean separateHhGradient() {
    return false;
  }

  final int daOff(int b, int steps) {
    return b * steps * gn;
  }

  final int dxOff(int b, int steps) {
    return daOff(b, steps) + (separateHhGradient() ? b * steps * gn : 0);
  }

  final int vOff(int b, int steps) {
    return dxOff(b, steps) + b * steps * m;
  }

  @Override int workPerExample() {
    int jvp = cap * gn + gn + 5 * n;
    return Math.max(vOff(1, cap) + 5 * n, jvp);
  }

  // ---- forward ----

  @Override
  final void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    forwardSteps(b, cap, a, aOff, out, outOff, s, sOff, null, 0, null, 0);
  }

  /**
   * Forward for b examples of T steps: x [b, T, m] at aOff, output [b, T, n] or [b, n] at
   * outOff; h0 / c0 [b, n] (null: zeros). Unchecked.
   */
  final void forwardSteps(int b, int steps, float[] a, int aOff, float[] out, int outOff,
      float[] s, int sOff, float[] h0, int h0Off, float[] c0, int c0Off) {
    int bn = b * n;
    int x = sOff + xOff();
    for (int r = 0; r < b; r++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(a, aOff + (r * steps + t) * m, s, x + (t * b + r) * m, m);
      }
    }
    int z = sOff + zOff(b, steps);
    int fused = fusedBiasBlocks() * n;
    for (int k = 0; k < gn; k++) {
      s[z + k] = k < fused ? bih.get(k) + bhh.get(k) : bih.get(k);
    }
    for (int row = 1; row < b * steps; row++) {
      System.arraycopy(s, z, s, z + row * gn, gn);
    }
    K.gemm(false, true, b * steps, gn, m, 1f, s, x, m, wih.data(), wih.offset(), wih.ld(), 1f, s,
        z, gn);
    int h = sOff + hOff(b, steps);
    copyOrZero(h0, h0Off, s, h, bn);
    if (hasCell()) {
      copyOrZero(c0, c0Off, s, sOff + eOff(b, steps), bn);
    }
    runSteps(b, steps, s, sOff);
    if (mode == SequenceOutput.ALL_STEPS) {
      for (int r = 0; r < b; r++) {
        for (int t = 1; t <= steps; t++) {
          System.arraycopy(s, h + (t * b + r) * n, out, outOff + (r * steps + t - 1) * n, n);
        }
      }
    } else {
      System.arraycopy(s, h + steps * bn, out, outOff, bn);
    }
  }

  private static void copyOrZero(float[] src, int off, float[] dst, int dOff, int len) {
    if (src == null) {
      java.util.Arrays.fill(dst, dOff, dOff + len, 0f);
    } else {
      System.arraycopy(src, off, dst, dOff, len);
    }
  }

  /** Number of leading gate blocks whose bias_hh is added to the projection (GRU: r, z). */
  int fusedBiasBlocks() {
    return gn / n;
  }

  /**
   * The recurrence for t = 1 … T: the gate block of step t already holds x_t·W_ihᵀ + biases;
   * writes h_t (and the subclass's scratch).
   */
  abstract void runSteps(int b, int steps, float[] s, int sOff);

  // ---- backward ----

  @Override
  final double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    return backwardSteps(b, cap, s, sOff, up, upOff, dIn, dInOff, grad, gOff, w, wOff, p, slot);
  }

  /** Backpropagation through T steps; see {@link Layer#backward} (a is not needed). Unchecked. */
  final double backwardSteps(int b, int steps, float[] s, int sOff, float[] up, int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    int bn = b * n;
    int v = wOff + vOff(b, steps);
    if (mode == SequenceOutput.ALL_STEPS) {
      for (int r = 0; r < b; r++) {
        System.arraycopy(up, upOff + (r * steps + steps - 1) * n, w, v + r * n, n);
      }
    } else {
      System.arraycopy(up, upOff, w, v, bn);
    }
    int slot0 = slot + cap - steps;
    backSteps(b, steps, s, sOff, up, upOff, w, wOff, p, slot0);
    int dg = wOff;
    int rows = b * steps;
    if (grad != null) {
      int hh = separateHhGradient() ? wOff + daOff(b, steps) : dg;
      K.gemm(true, false, gn, m, rows, 1f, w, dg, gn, s, sOff + xOff(), m, 0f, grad, gOff, m);
      K.gemm(true, false, gn, n, rows, 1f, w, hh, gn, s, sOff + hOff(b, steps), n, 0f, grad,
          gOff + gn * m, n);
      columnSums(rows, gn, w, dg, grad, gOff + gn * (m + n));
      columnSums(rows, gn, w, hh, grad, gOff + gn * (m + n + 1));
    }
    int dx = wOff + dxOff(b, steps);
    K.gemm(false, false, rows, m, gn, 1f, w, dg, gn, wih.data(), wih.offset(), wih.ld(), 0f, w,
        dx, m);
    for (int r = 0; r < b; r++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(w, dx + (t * b + r) * m, dIn, dInOff + (r * steps + t) * m, m);
      }
    }
    double ss = grad == null ? 0 : K.sumOfSquares(parameterCount(), grad, gOff);
    if (p != null) {
      int d0 = sOff + d0Off(b, steps);
      for (int j = slot; j <= slot0; j++) {
        p.record(j, s, d0, bn, j == slot ? ss : 0);
        if (hasCell()) {
          p.recordCell(j, s, d0 + bn, bn);
        }
      }
    }
    return ss;
  }

  /**
   * The time loop of backward, t = T … 1. On entry work vector 0 (at vOff) holds ∂L/∂h_T. Fills
   * the gate gradients dG_t (and the hh-side ones), writes ∂L/∂h_0 (and ∂L/∂c_0) to the scratch at
   * d0Off, and records profile slots slot0 + j for j = 1 … T−1.
   */
  abstract void backSteps(int b, int steps, float[] s, int sOff, float[] up, int upOff, float[] w,
      int wOff, GradientProfile p, int slot0);

  /**
   * ∂L/∂h_{t−1} [b, n] at next: beta·next + dA·W_hh (dA [b, G·n] at da, the gradient w.r.t. the
   * recurrent term W_hh h_{t−1} + b_hh), plus the upstream gradient of h_{t−1} for ALL_STEPS.
   */
  final void hiddenGradient(int b, int steps, int t, float[] w, int da, float beta, int next,
      float[] up, int upOff) {
    K.gemm(false, false, b, n, gn, 1f, w, da, gn, whh.data(), whh.offset(), whh.ld(), beta, w,
        next, n);
    addUpstream(b, steps, t - 1, up, upOff, w, next);
  }

  /** Adds the upstream gradient of h_t (t in 1 … T) to dst [b, n] when every step is output. */
  final void addUpstream(int b, int steps, int t, float[] up, int upOff, float[] dst, int dOff) {
    if (mode == SequenceOutput.ALL_STEPS && t >= 1) {
      for (int r = 0; r < b; r++) {
        K.axpy(n, 1f, up, upOff + (r * steps + t - 1) * n, dst, dOff + r * n);
      }
    }
  }

  static void recordCell(GradientProfile p, int slot, float[] v, int off, int len) {
    if (p != null) {
      p.recordCell(slot, v, off, len);
    }
  }

  // ---- forward mode ----

  @Override
  final void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    jvpSteps(cap, s, sOff, da, daOff, dOut, dOutOff, w, wOff);
  }

  /**
   * Forward-mode for one example of T steps (h_0, c_0 held fixed): dx [T, m] at daOff, dOut
   * [T, n] or [n]. Work: dP [T, G·n] at wOff, dq [G·n], then 5 vectors [n]. Unchecked.
   */
  final void jvpSteps(int steps, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    K.gemm(false, true, steps, gn, m, 1f, da, daOff, m, wih.data(), wih.offset(), wih.ld(), 0f, w,
        wOff, gn);
    int v = wOff + steps * gn + gn;
    java.util.Arrays.fill(w, v, v + 5 * n, 0f);
    jvpLoop(steps, s, sOff, w, wOff, v, dOut, dOutOff);
  }

  /**
   * The tangent recurrence: dP_t (at wOff + (t−1)·G·n) holds dx_t·W_ihᵀ; dq (after dP) is free;
   * v holds 5 zeroed vectors [n]. Writes dh_t to dOut + (t−1)·n (ALL_STEPS) or dh_T to dOut.
   */
  abstract void jvpLoop(int steps, float[] s, int sOff, float[] w, int wOff, int v, float[] dOut,
      int dOutOff);

  /**
   * Where the tangent dh_t goes: the output row for ALL_STEPS, else one of two work vectors;
   * t = 0 is the zeroed work vector at v (dh_0 = 0).
   */
  final int tangentOffset(int t, int v, int dOutOff) {
    return mode == SequenceOutput.ALL_STEPS && t > 0 ? dOutOff + (t - 1) * n : v + (t % 2) * n;
  }

  /** The array holding tangent dh_t: dOut for ALL_STEPS and t ≥ 1, else the work array. */
  final float[] tangentArray(int t, float[] w, float[] dOut) {
    return mode == SequenceOutput.ALL_STEPS && t > 0 ? dOut : w;
  }

  /** For LAST_STEP, copies dh_T from the work vectors to dOut. */
  final void finishTangent(int steps, float[] w, int v, float[] dOut, int dOutOff) {
    if (mode == SequenceOutput.LAST_STEP) {
      System.arraycopy(w, v + (steps % 2) * n, dOut, dOutOff, n);
    }
  }
}
