package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.Objects;

/**
 * Elman recurrent cell h_t = g(W h_{t-1} + U x_t + b) unrolled over T steps, as one layer mapping
 * the input [h_0 (n) ; x_1 (m) ; … ; x_T (m)] to h_T (n); backward is backpropagation through
 * time. W is [n, n], U is [n, m] (both [out, in] row-major). Gradient block layout: dW [n, n],
 * dU [n, m], db [n], each summed over time and batch. Profile slots t = 0 … T-1 hold the gradient
 * w.r.t. h_t (slot 0: w.r.t. h_0); the layer's whole weight-gradient norm is reported in slot 0.
 */
public final class Recurrent extends Layer {
  private final Matrix w;
  private final Matrix u;
  private final Vec bias;
  private final Activation g;
  private final int steps;
  private final int inputSize;
  private final int parameterCount;
  private final int scratch;
  private final int work;

  /**
   * W [n, n], U [n, m] (m may be 0), bias [n], activation g, T ≥ 1 steps. Throws
   * IllegalArgumentException naming steps and the shapes when a size (input width n + T·m,
   * parameters n·(n + m + 1), tape floats 2·T·n per example) exceeds int.
   */
  public Recurrent(Matrix w, Matrix u, Vec bias, Activation g, int steps) {
    this.w = Objects.requireNonNull(w, "w");
    this.u = Objects.requireNonNull(u, "u");
    this.bias = Objects.requireNonNull(bias, "bias");
    this.g = Objects.requireNonNull(g, "activation");
    if (w.rows() != w.cols()) {
      throw new IllegalArgumentException("w: recurrent weight must be square [n, n], got "
          + w.shape());
    }
    if (u.rows() != w.rows() || bias.length() != w.rows()) {
      throw new IllegalArgumentException("u " + u.shape() + " and bias [" + bias.length()
          + "] must have n = " + w.rows() + " rows to match w " + w.shape());
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    this.steps = steps;
    int n = w.rows();
    int m = u.cols();
    String what = "steps " + steps + " with w " + w.shape() + ", u " + u.shape() + ": ";
    inputSize = Checks.sum(what + "input width n + T·m", n, Checks.size(what + "T·m", steps, m));
    parameterCount = Checks.size(what + "parameters n·(n + m + 1)", n, (long) n + m + 1);
    scratch = Checks.size(what + "tape floats 2·T·n per example", 2L * steps, n);
    work = Checks.size(what + "work floats 3·n per example", 3, n);
  }

  /** Hidden width n. */
  public int hiddenSize() {
    return w.rows();
  }

  /** Width m of each x_t. */
  public int stepInputSize() {
    return u.cols();
  }

  /** The recurrent weight W [n, n] (parameter {@code weight_hh}). */
  public Matrix weightHh() {
    return w;
  }

  /** The input weight U [n, m] (parameter {@code weight_ih}). */
  public Matrix weightIh() {
    return u;
  }

  /** The bias b [n] (parameter {@code bias}). */
  public Vec bias() {
    return bias;
  }

  /** The activation g. */
  public Activation activation() {
    return g;
  }

  /** Number of unrolled steps T. */
  public int steps() {
    return steps;
  }

  @Override public int inputSize() { return inputSize; }

  @Override public int outputSize() { return w.rows(); }

  @Override public int parameterCount() { return parameterCount; }

  @Override public int profileSlots() { return steps; }

  /** z_1 … z_T stacked [T·b, n] at the start of the scratch. */
  @Override Matrix preActivations(float[] t, int at, int b) {
    return new Matrix(t, at, steps * b, w.rows(), w.rows());
  }

  /** Slot 0 records ∂L/∂h_0, the first n columns of the input gradient [b, n + T·m]. */
  @Override int firstSlotColumns() {
    return w.rows();
  }

  /**
   * {@code weight_hh [n, n]} (W), {@code weight_ih [n, m]} (U), both decaying, then
   * {@code bias [n]} (exempt).
   */
  @Override public List<Parameter> parameters() {
    int n = w.rows();
    int m = u.cols();
    return List.of(Parameter.matrix("weight_hh", 0, n, n, Decay.APPLY),
        Parameter.matrix("weight_ih", n * n, n, m, Decay.APPLY),
        Parameter.vector("bias", n * n + n * m, n, Decay.EXEMPT));
  }

  @Override List<Matrix> parameterValues() {
    return List.of(w, u, row(bias));
  }

  @Override Recurrent rebind(float[] data, int off) {
    int n = w.rows();
    int m = u.cols();
    return new Recurrent(new Matrix(data, off, n, n, Math.max(1, n)),
        new Matrix(data, off + n * n, n, m, Math.max(1, m)), new Vec(data, off + n * n + n * m, n),
        g, steps);
  }

  @Override public String describe() {
    return "Recurrent[n " + w.rows() + ", m " + u.cols() + ", T " + steps + ", " + g.name() + "]";
  }

  /** z_t and h_t for t = 1 … T, each [batch, n]. */
  @Override int scratchPerExample() { return scratch; }

  /** δ_t plus two ping-pong hidden gradients, so the upstream is never overwritten. */
  @Override int workPerExample() { return work; }

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    int n = w.rows();
    int m = u.cols();
    int in = inputSize();
    int block = b * n;
    int hs = sOff + steps * block;
    for (int t = 0; t < steps; t++) {
      int z = sOff + t * block;
      for (int r = 0; r < b; r++) {
        System.arraycopy(bias.data(), bias.offset(), s, z + r * n, n);
      }
      float[] hp = t == 0 ? a : s;
      int hpOff = t == 0 ? aOff : hs + (t - 1) * block;
      int ldh = t == 0 ? in : n;
      K.gemm(false, true, b, n, n, 1f, hp, hpOff, ldh, w.data(), w.offset(), w.ld(), 1f, s, z, n);
      if (m > 0) {
        K.gemm(false, true, b, n, m, 1f, a, aOff + n + t * m, in, u.data(), u.offset(), u.ld(),
            1f, s, z, n);
      }
      g.forward(s, z, s, hs + t * block, block);
    }
    System.arraycopy(s, hs + (steps - 1) * block, out, outOff, block);
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] work, int wOff, GradientProfile p,
      int slot) {
    int n = w.rows();
    int m = u.cols();
    int in = inputSize();
    int block = b * n;
    int hs = sOff + steps * block;
    int dU = gOff + n * n;
    int db = dU + n * m;
    float[] cur = up;
    int curOff = upOff;
    for (int t = steps - 1; t >= 0; t--) {
      g.backward(cur, curOff, s, sOff + t * block, work, wOff, block); // δ_t
      float beta = t == steps - 1 ? 0f : 1f;
      float[] hp = t == 0 ? a : s;
      int hpOff = t == 0 ? aOff : hs + (t - 1) * block;
      int ldh = t == 0 ? in : n;
      if (grad != null) {
        K.gemm(true, false, n, n, b, 1f, work, wOff, n, hp, hpOff, ldh, beta, grad, gOff, n);
        if (m > 0) {
          K.gemm(true, false, n, m, b, 1f, work, wOff, n, a, aOff + n + t * m, in, beta, grad,
              dU, m);
        }
        if (t == steps - 1) {
          java.util.Arrays.fill(grad, db, db + n, 0f);
        }
        for (int r = 0; r < b; r++) {
          K.axpy(n, 1f, work, wOff + r * n, grad, db);
        }
      }
      if (m > 0) {
        K.gemm(false, false, b, m, n, 1f, work, wOff, n, u.data(), u.offset(), u.ld(), 0f, dIn,
            dInOff + n + t * m, in);
      }
      int next = wOff + (1 + (steps - 1 - t) % 2) * block;
      K.gemm(false, false, b, n, n, 1f, work, wOff, n, w.data(), w.offset(), w.ld(), 0f, work,
          next, n);
      if (t > 0) {
        record(p, slot + t, work, next, block, 0);
      }
      cur = work;
      curOff = next;
    }
    for (int r = 0; r < b; r++) {
      System.arraycopy(cur, curOff + r * n, dIn, dInOff + r * in, n);
    }
    double ss = grad == null ? 0 : K.sumOfSquares(parameterCount(), grad, gOff);
    record(p, slot, cur, curOff, block, ss);
    return ss;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] work, int wOff) {
    int n = w.rows();
    int m = u.cols();
    float[] dh = da;
    int dhOff = daOff;
    for (int t = 0; t < steps; t++) {
      int dz = wOff + (1 + t % 2) * n;
      K.gemv(n, n, 1f, w.data(), w.offset(), w.ld(), dh, dhOff, 0f, work, dz);
      if (m > 0) {
        K.gemv(n, m, 1f, u.data(), u.offset(), u.ld(), da, daOff + n + t * m, 1f, work, dz);
      }
      g.backward(work, dz, s, sOff + t * n, work, dz, n);
      dh = work;
      dhOff = dz;
    }
    System.arraycopy(dh, dhOff, dOut, dOutOff, n);
  }
}
