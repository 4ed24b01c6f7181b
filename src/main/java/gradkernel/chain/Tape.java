package gradkernel.chain;

import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Reusable record of a forward pass (every layer's input and pre-activations) plus the work space
 * of backward and jvp. Tied to one {@link Chain}; buffers are allocated on the first forward and
 * again only when the batch grows. Not thread-safe: use one tape per thread.
 */
public final class Tape {
  final Chain chain;
  private final boolean keep;
  float[] data = new float[0];
  float[] work = new float[0];
  int batch;
  boolean backwardDone;
  private Matrix outputView;
  private Matrix inputGradientView;

  Tape(Chain chain, boolean keepInputGradients) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.keep = keepInputGradients;
  }

  /** A tape that also keeps the gradient w.r.t. every layer's input (see Chain#inputGradient). */
  public static Tape keepingInputGradients(Chain chain) {
    return new Tape(chain, true);
  }

  /** The chain this tape belongs to. */
  public Chain chain() {
    return chain;
  }

  /** Whether backward keeps every layer's input gradient. */
  public boolean keepsInputGradients() {
    return keep;
  }

  /** Batch size of the recorded forward pass, 0 if none. */
  public int batch() {
    return batch;
  }

  void ensure(int b, int tapePer, int workPer) {
    long t = (long) b * tapePer;
    long w = (long) b * workPer;
    if (t > Integer.MAX_VALUE - 8 || w > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("batch " + b + " needs " + t + " + " + w
          + " tape floats, more than a Java array holds");
    }
    if (data.length < t) {
      data = new float[(int) t];
    }
    if (work.length < w) {
      work = new float[(int) w];
    }
    batch = 0;
    backwardDone = false;
  }

  /** The output view [b, cols] at off in data; reused while it matches, so repeated passes allocate nothing. */
  Matrix outputView(int off, int b, int cols) {
    outputView = reuse(outputView, data, off, b, cols);
    return outputView;
  }

  /** The input-gradient view [b, cols] at off in work, reused like {@link #outputView}. */
  Matrix inputGradientView(int off, int b, int cols) {
    inputGradientView = reuse(inputGradientView, work, off, b, cols);
    return inputGradientView;
  }

  private static Matrix reuse(Matrix m, float[] a, int off, int rows, int cols) {
    if (m != null && m.data() == a && m.offset() == off && m.rows() == rows && m.cols() == cols) {
      return m;
    }
    return new Matrix(a, off, rows, cols, cols);
  }
}
