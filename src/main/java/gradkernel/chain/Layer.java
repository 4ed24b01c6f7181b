package gradkernel.chain;

import gradkernel.kernel.Kernels;
import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.Objects;

/**
 * One differentiable map R^in → R^out of a {@link Chain}. Subclasses hold their parameters as
 * views (no copy) and implement unchecked per-batch kernels; the chain validates shapes once at its
 * public entry points and lays out every buffer, so layers never allocate on the hot path.
 *
 * <p>Batched buffers are row-major [batch, width] (rows = examples). Scratch and work sizes are
 * linear in the batch size so nested chains ({@link Residual}) can be laid out without allocation.
 */
public abstract sealed class Layer
    permits Dense, Residual, Recurrent, LayerNorm, BatchNorm, Dropout, SequenceLayer {

  static final Kernels K = Kernels.active();

  Layer() {}

  /** Width of the input vector of one example. */
  public abstract int inputSize();

  /** Width of the output vector of one example. */
  public abstract int outputSize();

  /** Number of floats in this layer's block of a {@link Gradients} buffer (layout per subclass). */
  public abstract int parameterCount();

  /**
   * The layer's parameter tensors in block order, with local PyTorch-style names ({@code "weight"},
   * {@code "bias"}, ...) and offsets within the layer's block. The same layout holds the values
   * ({@link #copyParametersTo}, {@link #withParameters}) and the gradients ({@link Gradients}).
   */
  public abstract List<Parameter> parameters();

  /**
   * A layer of the same kind and configuration whose parameters are views of
   * {@code data[off, off + parameterCount())} in the layout of {@link #parameters()} (no copy), e.g.
   * to let an optimizer update every layer's weights in one flat buffer.
   */
  public final Layer withParameters(float[] data, int off) {
    Checks.range("data", Objects.requireNonNull(data, "data"), off, parameterCount());
    return rebind(data, off);
  }

  /** Copies the current parameter values into {@code dst[off, off + parameterCount())}. */
  public final void copyParametersTo(float[] dst, int off) {
    Checks.range("dst", Objects.requireNonNull(dst, "dst"), off, parameterCount());
    List<Parameter> ps = parameters();
    List<Matrix> vs = parameterValues();
    for (int i = 0; i < ps.size(); i++) {
      Matrix v = vs.get(i);
      int base = off + ps.get(i).offset();
      for (int r = 0; r < v.rows() && v.cols() > 0; r++) {
        System.arraycopy(v.data(), v.offset() + r * v.ld(), dst, base + r * v.cols(), v.cols());
      }
    }
  }

  /**
   * The parameter named {@code name} in {@link #parameters()} (a local name such as
   * {@code "weight"}, {@code "weight_hh"}, {@code "f.bias"}); IllegalArgumentException listing the
   * layer's names if there is none.
   */
  public final Parameter parameter(String name) {
    return Parameter.named(parameters(), name, this);
  }

  /** {@link #withParameters} after validation. */
  abstract Layer rebind(float[] data, int off);

  /**
   * The current values of {@link #parameters()}, in the same order, as views (a vector as a
   * one-row matrix); their shapes' products equal the parameters' sizes.
   */
  abstract List<Matrix> parameterValues();

  /** A one-row matrix view of v. */
  static Matrix row(Vec v) {
    return new Matrix(v.data(), v.offset(), 1, v.length(), Math.max(1, v.length()));
  }

  /**
   * The pre-activations z this layer recorded for {@code b} examples, as a view into the tape
   * record {@code t} whose layer scratch starts at {@code at}; null for a layer that keeps no
   * single z (the default).
   */
  Matrix preActivations(float[] t, int at, int b) {
    return null;
  }

  /**
   * How many leading columns of this layer's input gradient [batch, inputSize] its first profile
   * slot records (the slot's vector is that [batch, columns] block); -1 when the first slot's
   * vector is not part of the input gradient (sequence layers record ∂L/∂h_0 there).
   */
  int firstSlotColumns() {
    return inputSize();
  }

  /** Switches TRAIN/EVAL behaviour; a no-op for layers without one. */
  void mode(Mode mode) {}

  /** Number of {@link GradientProfile} slots this layer fills (1, or T for a recurrent layer). */
  public int profileSlots() {
    return 1;
  }

  /** Human-readable kind and shape, used in error messages, e.g. {@code "Dense[64 -> 32, tanh]"}. */
  public abstract String describe();

  /** Tape floats (pre-activations etc.) per example, besides the layer's input and output. */
  abstract int scratchPerExample();

  /** Work floats per example needed by backward and jvp. */
  abstract int workPerExample();

  /** Forward for {@code b} examples: out = f(a), recording what backward needs in scratch s. */
  abstract void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff);

  /**
   * Backward for {@code b} examples. {@code up} (the upstream gradient) is only read. Writes
   * the input gradient to dIn, the parameter gradients (overwriting) to grad if non-null, records
   * profile slots if p is non-null, and returns the sum of squares of the parameter gradients
   * (0 when grad is null).
   */
  abstract double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot);

  /** Forward-mode for one example: dOut = J·da at the recorded point. */
  abstract void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff);

  /**
   * The explicit out×in Jacobian at the recorded point (one example), column by column through
   * {@link #jvp}; allocates, meant for small widths.
   */
  Matrix jacobian(float[] a, int aOff, float[] s, int sOff) {
    int in = inputSize();
    int out = outputSize();
    Matrix jac = Matrix.zeros(out, in);
    float[] e = new float[in];
    float[] col = new float[out];
    float[] w = new float[workPerExample()];
    for (int j = 0; j < in; j++) {
      e[j] = 1f;
      jvp(a, aOff, s, sOff, e, 0, col, 0, w, 0);
      e[j] = 0f;
      for (int i = 0; i < out; i++) {
        jac.data()[i * in + j] = col[i];
      }
    }
    return jac;
  }

  /** Records a gradient vector into the profile, if there is one. */
  static void record(GradientProfile p, int slot, float[] v, int off, int len, double weightSs) {
    if (p != null) {
      p.record(slot, v, off, len, weightSs);
    }
  }

  /** Adds the b rows (width n, contiguous) of src into one row dst: column sums. */
  static void columnSums(int b, int n, float[] src, int sOff, float[] dst, int dOff) {
    columnSums(b, n, 0, n, src, sOff, dst, dOff);
  }

  /** Columns [j0, j0 + cols) of {@link #columnSums(int, int, float[], int, float[], int)}. */
  static void columnSums(int b, int n, int j0, int cols, float[] src, int sOff, float[] dst,
      int dOff) {
    java.util.Arrays.fill(dst, dOff + j0, dOff + j0 + cols, 0f);
    for (int r = 0; r < b; r++) {
      K.axpy(cols, 1f, src, sOff + r * n + j0, dst, dOff + j0);
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
