package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fully connected layer a ↦ g(W a + b) with W stored [out, in] row-major (PyTorch's layout).
 * Jacobian diag(g'(z))·W. Gradient block layout: dW [out, in] (ld = in), then db [out].
 */
public final class Dense extends Layer {
  private final Matrix w;
  private final Vec bias;
  private final Activation g;

  /** W [out, in], bias of length out, activation g; views are kept, not copied. */
  public Dense(Matrix weight, Vec bias, Activation activation) {
    this.w = Objects.requireNonNull(weight, "weight");
    this.bias = Objects.requireNonNull(bias, "bias");
    this.g = Objects.requireNonNull(activation, "activation");
    if (bias.length() != weight.rows()) {
      throw new IllegalArgumentException("bias: length " + bias.length()
          + " does not match weight rows, weight is [out, in] = " + weight.shape());
    }
  }

  /** Convenience: W given as a dense out×in array, bias as an array of length out. */
  public static Dense of(float[] weight, int out, int in, float[] bias, Activation activation) {
    return new Dense(Matrix.of(weight, out, in), Vec.of(Objects.requireNonNull(bias, "bias")),
        activation);
  }

  /** The weight view [out, in]. */
  public Matrix weight() {
    return w;
  }

  /** The bias view [out]. */
  public Vec bias() {
    return bias;
  }

  /** The activation g. */
  public Activation activation() {
    return g;
  }

  @Override public int inputSize() { return w.cols(); }

  @Override public int outputSize() { return w.rows(); }

  @Override public int parameterCount() { return w.rows() * w.cols() + w.rows(); }

  /** {@code weight [out, in]} (decays), then {@code bias [out]} (exempt). */
  @Override public List<Parameter> parameters() {
    return List.of(Parameter.matrix("weight", 0, w.rows(), w.cols(), Decay.APPLY),
        Parameter.vector("bias", w.rows() * w.cols(), w.rows(), Decay.EXEMPT));
  }

  @Override List<Matrix> parameterValues() {
    return List.of(w, row(bias));
  }

  @Override Dense rebind(float[] data, int off) {
    int out = w.rows();
    int in = w.cols();
    return new Dense(new Matrix(data, off, out, in, Math.max(1, in)),
        new Vec(data, off + out * in, out), g);
  }

  @Override public String describe() {
    return "Dense[" + w.cols() + " -> " + w.rows() + ", " + g.name() + "]";
  }

  @Override int scratchPerExample() { return w.rows(); }

  /** z [b, out] sits at the start of the scratch (see {@link #forward}). */
  @Override Matrix preActivations(float[] t, int at, int b) {
    return new Matrix(t, at, b, w.rows(), w.rows());
  }

  /** δ = up ⊙ g'(z) goes to work, so kept upstream gradients survive. */
  @Override int workPerExample() { return w.rows(); }

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    int m = w.rows();
    int n = w.cols();
    for (int r = 0; r < b; r++) {
      System.arraycopy(bias.data(), bias.offset(), s, sOff + r * m, m);
    }
    if (b == 1) {
      K.gemv(m, n, 1f, w.data(), w.offset(), w.ld(), a, aOff, 1f, s, sOff);
    } else {
      K.gemmParallel(threads, false, true, b, m, n, 1f, a, aOff, n, w.data(), w.offset(), w.ld(),
          1f, s, sOff, m);
    }
    g.forward(s, sOff, out, outOff, b * m);
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] work, int wOff, GradientProfile p,
      int slot) {
    int m = w.rows();
    int n = w.cols();
    float[] d = work;
    int dOff = wOff;
    SplitPasses.activationBackward(threads, g, up, upOff, s, sOff, d, dOff, b * m);
    if (b == 1) {
      K.gemvT(m, n, 1f, w.data(), w.offset(), w.ld(), d, dOff, 0f, dIn, dInOff);
    } else {
      K.gemmParallel(threads, false, false, b, n, m, 1f, d, dOff, m, w.data(), w.offset(),
          w.ld(), 0f, dIn, dInOff, n);
    }
    double ss = 0;
    if (grad != null) {
      int db = gOff + m * n;
      if (b == 1) {
        // Row i of δ aᵀ is δ_i·a: zero-then-axpy per row keeps the row in L1, one memory pass.
        for (int i = 0; i < m; i++) {
          int row = gOff + i * n;
          Arrays.fill(grad, row, row + n, 0f);
          K.axpy(n, d[dOff + i], a, aOff, grad, row);
        }
        System.arraycopy(d, dOff, grad, db, m);
        double ds = K.sumOfSquares(m, d, dOff);
        if ((double) K.maxAbs(m, d, dOff) * K.maxAbs(n, a, aOff) < Float.MAX_VALUE) {
          // No product overflowed, so ‖δ aᵀ‖_F² = ‖δ‖²‖a‖² to rounding: no read pass over dW.
          ss = ds * K.sumOfSquares(n, a, aOff) + ds;
        } else {
          ss = K.sumOfSquares(m * n + m, grad, gOff);
        }
      } else {
        K.gemmParallel(threads, true, false, m, n, b, 1f, d, dOff, m, a, aOff, n, 0f, grad, gOff,
            n);
        SplitPasses.columnSums(threads, b, m, d, dOff, grad, db);
        // In fixed chunks, so the tape's threads share this read of dW with the same bits.
        ss = K.sumOfSquaresChunked(threads, m * n + m, grad, gOff);
      }
    }
    record(p, slot, dIn, dInOff, b * n, ss);
    return ss;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] work, int wOff) {
    int m = w.rows();
    K.gemv(m, w.cols(), 1f, w.data(), w.offset(), w.ld(), da, daOff, 0f, dOut, dOutOff);
    g.backward(dOut, dOutOff, s, sOff, dOut, dOutOff, m);
  }
}
