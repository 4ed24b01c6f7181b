package gradkernel.chain;

import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Parallelism;
import java.util.Objects;

/**
 * Reusable record of a forward pass (every layer's input and pre-activations) plus the work space
 * of backward and jvp. Tied to one {@link Chain}, made by {@link Chain#newTape()} or
 * {@link Chain#newTape(Keep)}; buffers are allocated on the first forward and again only when the
 * batch grows. Not thread-safe: use one tape per thread.
 */
public final class Tape {
  /** What a backward pass through the tape leaves behind besides the parameter gradients. */
  public enum Keep {
    /**
     * Only the gradient w.r.t. the chain's input (the view backward returns): inner layers'
     * input gradients go through two alternating buffers of the widest layer and are overwritten.
     * The smallest tape; what training needs.
     */
    CHAIN_INPUT_GRADIENT,
    /**
     * Also every layer's input gradient, for {@link Chain#inputGradient} and
     * {@link Chain#slotGradient}: the work space then holds one buffer per layer (the sum of all
     * layer widths per example instead of twice the widest), and backward writes each gradient
     * to its own place. What gradient-flow probes need.
     */
    INPUT_GRADIENTS
  }

  final Chain chain;
  private final Keep keep;
  float[] data = new float[0];
  float[] work = new float[0];
  int batch;
  int steps;
  boolean backwardDone;
  final float[][] h0;
  final int[] h0Off;
  final float[][] c0;
  final int[] c0Off;
  private Matrix outputView;
  private Parallelism parallelism = Parallelism.SEQUENTIAL;
  private Matrix inputGradientView;

  Tape(Chain chain, Keep keep) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.keep = Objects.requireNonNull(keep, "keep");
    int n = chain.size();
    h0 = new float[n][];
    h0Off = new int[n];
    c0 = new float[n][];
    c0Off = new int[n];
  }

  /** The chain this tape belongs to. */
  public Chain chain() {
    return chain;
  }

  /** What backward through this tape keeps. */
  public Keep keep() {
    return keep;
  }

  /**
   * Lets forward and backward through this tape run the batched layers' matrix products (a
   * {@link Dense} layer's x·Wᵀ, δ·W and δᵀ·x when the batch is above 1) on up to
   * {@code par.threads()} threads, split into row or column blocks of C, and with them backward's
   * element-wise passes of those layers (the activation backward in blocks of 16 384 elements,
   * the bias gradient's column sums, the weight gradient's sum of squares in fixed chunks). Every
   * output, gradient and profile value is bit-identical to the sequential pass for every
   * {@link Parallelism} (an {@link gradkernel.activation.Activation}'s backward is element by
   * element); forward's activations, single examples and recurrent layers stay on the calling
   * thread. Default {@link Parallelism#SEQUENTIAL}. Returns this tape.
   */
  public Tape parallelism(Parallelism par) {
    this.parallelism = Objects.requireNonNull(par, "par");
    return this;
  }

  /** The parallelism set by {@link #parallelism(Parallelism)}. */
  public Parallelism parallelism() {
    return parallelism;
  }

  int threads() {
    return parallelism.threads();
  }

  /** Whether backward keeps every layer's input gradient ({@link Keep#INPUT_GRADIENTS}). */
  boolean keepsInputGradients() {
    return keep == Keep.INPUT_GRADIENTS;
  }

  /** Batch size of the recorded forward pass, 0 if none. */
  public int batch() {
    return batch;
  }

  /**
   * Sequence length T of the recorded forward pass when the chain starts with sequence layers
   * (the capacity for {@link Chain#forward(Tape, float[], int, int)}), 0 otherwise.
   */
  public int steps() {
    return steps;
  }

  /**
   * Sets the initial hidden state h_0 [batch, n] of the {@link SequenceLayer} at chain index
   * {@code layer}, read from {@code h0} at {@code off} by every later forward (checked there
   * against the batch); null restores zeros. The array is referenced, not copied, until then.
   * Returns this tape.
   */
  public Tape initialState(int layer, float[] h0, int off) {
    sequenceLayer(layer, "initialState");
    this.h0[layer] = h0;
    this.h0Off[layer] = Checks.nonNegative("off", off);
    return this;
  }

  /**
   * Sets the initial cell state c_0 [batch, n] of the {@link Lstm} at chain index {@code layer};
   * see {@link #initialState}. Returns this tape.
   */
  public Tape initialCell(int layer, float[] c0, int off) {
    SequenceLayer s = sequenceLayer(layer, "initialCell");
    if (!s.hasCell()) {
      throw new IllegalArgumentException("layer " + layer + " (" + s.describe()
          + ") has no cell state; only an Lstm takes c_0");
    }
    this.c0[layer] = c0;
    this.c0Off[layer] = Checks.nonNegative("off", off);
    return this;
  }

  /**
   * {@link #initialState(int, float[], int)} from a [batch, n] view with contiguous rows (n the
   * layer's hidden size, checked here; the batch is checked by forward); null restores zeros.
   */
  public Tape initialState(int layer, Matrix h0) {
    if (h0 == null) {
      return initialState(layer, null, 0);
    }
    stateView("h0", sequenceLayer(layer, "initialState"), h0);
    return initialState(layer, h0.data(), h0.offset());
  }

  /** {@link #initialCell(int, float[], int)} from a [batch, n] view; see the Matrix initialState. */
  public Tape initialCell(int layer, Matrix c0) {
    if (c0 == null) {
      return initialCell(layer, null, 0);
    }
    stateView("c0", sequenceLayer(layer, "initialCell"), c0);
    return initialCell(layer, c0.data(), c0.offset());
  }

  private static void stateView(String name, SequenceLayer s, Matrix v) {
    if (v.cols() != s.hiddenSize() || (v.rows() > 1 && v.ld() != v.cols())) {
      throw new IllegalArgumentException(name + ": " + v + " but " + s.describe() + " needs "
          + "[batch, " + s.hiddenSize() + "] with contiguous rows");
    }
  }

  /** Resets every initial state to zeros. Returns this tape. */
  public Tape clearInitialStates() {
    java.util.Arrays.fill(h0, null);
    java.util.Arrays.fill(c0, null);
    return this;
  }

  private SequenceLayer sequenceLayer(int layer, String what) {
    Layer l = chain.layer(layer);
    if (l instanceof SequenceLayer s) {
      return s;
    }
    throw new IllegalArgumentException(what + ": layer " + layer + " (" + l.describe()
        + ") is not a sequence layer (Rnn, Lstm, Gru)");
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
