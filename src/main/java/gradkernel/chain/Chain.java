package gradkernel.chain;

import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import java.util.List;
import java.util.Objects;

/**
 * A sequence of layers f_{L-1} ∘ ⋯ ∘ f_0 with shapes checked at construction. Forward records into
 * a {@link Tape}; {@link #backward} is the vector-Jacobian product v_l = J_lᵀ v_{l+1} with weight
 * gradients and an optional {@link GradientProfile}; {@link #jvp} is the Jacobian-vector product;
 * {@link #jacobian} forms J_{to-1} ⋯ J_from explicitly in matrix-chain order.
 *
 * <p>Batched buffers are row-major [batch, width]. Immutable and thread-safe; a tape is not.
 * Results do not depend on thread count (everything is single-threaded per call).
 */
public final class Chain {
  private final Layer[] layers;
  private final int[] dims;
  private final int[] actOff;
  private final int[] scrOff;
  private final int[] paramOff;
  private final int[] slotStart;
  private final int tapePer;
  private final int maxDim;
  private final int layerWork;
  private final int workPlain;
  private final int workKeep;

  private Chain(Layer[] layers) {
    if (layers.length == 0) {
      throw new IllegalArgumentException("layers: a chain needs at least one layer");
    }
    int n = layers.length;
    this.layers = layers;
    dims = new int[n + 1];
    actOff = new int[n + 1];
    scrOff = new int[n];
    paramOff = new int[n + 1];
    slotStart = new int[n + 1];
    for (int l = 0; l < n; l++) {
      Objects.requireNonNull(layers[l], "layers[" + l + "]");
      if (l > 0 && layers[l].inputSize() != layers[l - 1].outputSize()) {
        throw new IllegalArgumentException("layer " + l + " (" + layers[l].describe()
            + ") expects input width " + layers[l].inputSize() + " but layer " + (l - 1) + " ("
            + layers[l - 1].describe() + ") outputs width " + layers[l - 1].outputSize());
      }
      dims[l] = layers[l].inputSize();
      checkSizes(l, layers[l]);
    }
    dims[n] = layers[n - 1].outputSize();
    int acts = 0;
    int max = 0;
    for (int l = 0; l <= n; l++) {
      actOff[l] = acts;
      acts = Checks.sum("activations per example through layer " + l, acts, dims[l]);
      max = Math.max(max, dims[l]);
    }
    int scr = acts;
    int work = 0;
    for (int l = 0; l < n; l++) {
      scrOff[l] = scr;
      scr = Checks.sum("tape floats per example through layer " + l, scr,
          layers[l].scratchPerExample());
      paramOff[l + 1] = Checks.sum("parameters through layer " + l, paramOff[l],
          layers[l].parameterCount());
      slotStart[l + 1] = Checks.sum("profile slots through layer " + l, slotStart[l],
          layers[l].profileSlots());
      work = Math.max(work, layers[l].workPerExample());
    }
    tapePer = scr;
    maxDim = max;
    layerWork = work;
    int pingPong = Checks.size("work per example: 2 × widest layer", 2, max);
    workPlain = Checks.sum("work per example", work, pingPong);
    workKeep = Checks.sum("work per example keeping input gradients", work,
        Math.max(acts, pingPong));
  }

  /** A layer whose size arithmetic wrapped reports a negative size: name it instead. */
  private static void checkSizes(int l, Layer layer) {
    if (layer.inputSize() < 0 || layer.outputSize() < 0 || layer.parameterCount() < 0
        || layer.profileSlots() < 0 || layer.scratchPerExample() < 0
        || layer.workPerExample() < 0) {
      throw new IllegalArgumentException("layer " + l + " (" + layer.describe() + "): a size "
          + "overflows int (input " + layer.inputSize() + ", output " + layer.outputSize()
          + ", parameters " + layer.parameterCount() + ")");
    }
  }

  /** A chain of the given layers in application order; throws naming the first shape mismatch. */
  public static Chain of(Layer... layers) {
    return new Chain(Objects.requireNonNull(layers, "layers").clone());
  }

  /** A chain of the given layers in application order. */
  public static Chain of(List<? extends Layer> layers) {
    return new Chain(Objects.requireNonNull(layers, "layers").toArray(new Layer[0]));
  }

  /** Number of layers L. */
  public int size() {
    return layers.length;
  }

  /** Layer l (0-based, application order). */
  public Layer layer(int l) {
    return layers[Objects.checkIndex(l, layers.length)];
  }

  /** Input width of layer l, for l in [0, L]; width(L) is the chain's output width. */
  public int width(int l) {
    return dims[Objects.checkIndex(l, dims.length)];
  }

  /** Input width of the chain. */
  public int inputSize() {
    return dims[0];
  }

  /** Output width of the chain. */
  public int outputSize() {
    return dims[layers.length];
  }

  /** Total floats of parameter gradients (size of a {@link Gradients} buffer). */
  public int parameterCount() {
    return paramOff[layers.length];
  }

  /** Offset of layer l's block in a {@link Gradients} buffer, l in [0, L]. */
  public int parameterOffset(int l) {
    return paramOff[Objects.checkIndex(l, paramOff.length)];
  }

  /** Number of profile slots (Σ of each layer's {@link Layer#profileSlots()}). */
  public int profileSlots() {
    return slotStart[layers.length];
  }

  /** First profile slot of layer l, l in [0, L]. */
  public int firstSlot(int l) {
    return slotStart[Objects.checkIndex(l, slotStart.length)];
  }

  /** A new reusable tape for this chain (buffers allocated on first forward). */
  public Tape newTape() {
    return new Tape(this, false);
  }

  /**
   * Forward pass of {@code batch} examples x [batch, inputSize] (row-major at xOff), recording into
   * the tape. Returns a view of the output [batch, outputSize] inside the tape, valid until the
   * tape's next forward. Allocates only when the tape's capacity grows.
   */
  public Matrix forward(Tape tape, float[] x, int xOff, int batch) {
    checkTape(tape);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    long need = (long) batch * dims[0];
    if (need > Integer.MAX_VALUE) { // message built only on failure: forward allocates nothing
      Checks.size("x: batch " + batch + " × inputSize " + dims[0], batch, dims[0]);
    }
    Checks.range("x", x, xOff, (int) need);
    tape.ensure(batch, tapePer, workPerExample(tape.keepsInputGradients()));
    forwardCore(batch, x, xOff, tape.data, 0);
    tape.batch = batch;
    return tape.outputView(batch * actOff[layers.length], batch, outputSize());
  }

  /** Forward pass of one example x of length inputSize; returns the output view. */
  public Matrix forward(Tape tape, float[] x) {
    return forward(tape, x, 0, 1);
  }

  /**
   * Backward pass (VJP) for the batch recorded in the tape. upstream is ∂loss/∂output,
   * [batch, outputSize] at upOff (not modified). Writes every layer's weight and bias gradients,
   * summed over the batch, into grads (overwriting; null to skip them), and fills profile
   * (null to skip). Returns a view of ∂loss/∂input [batch, inputSize] inside the tape. All
   * arguments are validated before anything is written: grads must not overlap upstream or lie
   * in the tape's buffers, and upstream must not lie in the tape's work buffer (a view returned
   * by an earlier backward: copy it first), else IllegalArgumentException. upstream may be a view
   * of the recorded forward (it is only read).
   */
  public Matrix backward(Tape tape, float[] upstream, int upOff, Gradients grads,
      GradientProfile profile) {
    checkRecorded(tape);
    int b = tape.batch;
    Objects.requireNonNull(upstream, "upstream");
    long need = (long) b * outputSize();
    if (upOff < 0 || upOff + need > upstream.length) {
      throw new IllegalArgumentException("upstream: need " + need + " floats = [batch " + b
          + ", out " + outputSize() + "] of layer " + (layers.length - 1) + " ("
          + layers[layers.length - 1].describe() + ") at offset " + upOff + ", array has "
          + upstream.length);
    }
    if (grads != null && grads.chain() != this) {
      throw new IllegalArgumentException("grads: belong to another chain (" + grads.chain()
          + "), not " + this);
    }
    if (profile != null && profile.chain() != this) {
      throw new IllegalArgumentException("profile: belongs to another chain (" + profile.chain()
          + "), not " + this);
    }
    notInWork(tape, "upstream", upstream, upOff, (int) need);
    if (grads != null) {
      int pc = parameterCount();
      Checks.noOverlap("grads", grads.data(), grads.offset(), pc, "upstream", upstream, upOff,
          (int) need);
      notInTape(tape, "grads", grads.data(), grads.offset(), pc);
    }
    boolean keep = tape.keepsInputGradients();
    float[] w = tape.work;
    float[] top = upstream;
    int topOff = upOff;
    if (keep) {
      top = w;
      topOff = gradOffset(b, layers.length, true);
      System.arraycopy(upstream, upOff, w, topOff, b * outputSize());
    }
    if (profile != null) {
      profile.begin(top, topOff, b * outputSize());
    }
    int in0 = gradOffset(b, 0, keep);
    double ss = backwardCore(b, tape.data, 0, top, topOff, w, in0,
        grads == null ? null : grads.data(), grads == null ? 0 : grads.offset(), w, 0, keep,
        profile, 0);
    if (profile != null) {
      profile.finish(ss);
    }
    tape.backwardDone = true;
    return tape.inputGradientView(in0, b, inputSize());
  }

  /** Backward for a single example; see {@link #backward(Tape, float[], int, Gradients, GradientProfile)}. */
  public Matrix backward(Tape tape, float[] upstream, Gradients grads, GradientProfile profile) {
    return backward(tape, upstream, 0, grads, profile);
  }

  /**
   * The gradient w.r.t. layer l's input ([batch, width(l)]) from the last backward; needs a tape
   * made by {@link Tape#keepingInputGradients(Chain)}. l in [0, L] (L: the upstream itself).
   */
  public Matrix inputGradient(Tape tape, int l) {
    checkRecorded(tape);
    Objects.checkIndex(l, dims.length);
    if (!tape.keepsInputGradients()) {
      throw new IllegalStateException("tape does not keep per-layer input gradients; create it "
          + "with Tape.keepingInputGradients(chain)");
    }
    if (!tape.backwardDone) {
      throw new IllegalStateException("no backward pass since the last forward");
    }
    int b = tape.batch;
    return new Matrix(tape.work, gradOffset(b, l, true), b, dims[l], dims[l]);
  }

  /**
   * The pre-activations z recorded by the last forward for layer l: [batch, out] for a
   * {@link Dense} layer, [steps·batch, n] (z_1 … z_T stacked) for a {@link Recurrent} one. A view
   * into the tape, valid until its next forward. Other layers keep no single z: they throw.
   */
  public Matrix preActivations(Tape tape, int l) {
    checkRecorded(tape);
    Layer layer = layers[Objects.checkIndex(l, layers.length)];
    int b = tape.batch;
    int at = b * scrOff[l];
    if (layer instanceof Dense d) {
      return new Matrix(tape.data, at, b, d.outputSize(), d.outputSize());
    }
    if (layer instanceof Recurrent r) {
      return new Matrix(tape.data, at, r.steps() * b, r.hiddenSize(), r.hiddenSize());
    }
    throw new IllegalArgumentException("layer " + l + " (" + layer.describe()
        + ") records no single pre-activation; only Dense and Recurrent layers do");
  }

  /**
   * Forward-mode JVP at the single example recorded in the tape: dOut = J·direction, direction of
   * length inputSize, dOut of length outputSize. Validated before anything is written. dOut must
   * not overlap direction or lie in the tape's buffers, and direction must not lie in the tape's
   * work buffer (e.g. a view returned by backward or inputGradient: copy it first), else
   * IllegalArgumentException; direction may be a view of the recorded forward (only read).
   */
  public void jvp(Tape tape, float[] direction, int dOff, float[] dOut, int outOff) {
    checkRecorded(tape);
    if (tape.batch != 1) {
      throw new IllegalArgumentException("jvp needs a tape recorded with batch 1, got batch "
          + tape.batch);
    }
    Checks.range("direction", direction, dOff, inputSize());
    Checks.range("dOut", dOut, outOff, outputSize());
    Checks.noOverlap("dOut", dOut, outOff, outputSize(), "direction", direction, dOff,
        inputSize());
    notInTape(tape, "dOut", dOut, outOff, outputSize());
    notInWork(tape, "direction", direction, dOff, inputSize());
    jvpCore(tape.data, 0, direction, dOff, dOut, outOff, tape.work, 0);
    tape.backwardDone = false;
  }

  /**
   * The explicit Jacobian J_{to-1} ⋯ J_from ([width(to), width(from)]) at the single example
   * recorded in the tape, 0 ≤ from < to ≤ L, multiplied in the order that minimizes
   * multiply-adds (matrix-chain dynamic programming). Allocates; meant for small widths.
   */
  public Matrix jacobian(Tape tape, int from, int to) {
    checkRecorded(tape);
    if (tape.batch != 1) {
      throw new IllegalArgumentException("jacobian needs a tape recorded with batch 1, got batch "
          + tape.batch);
    }
    if (from < 0 || to > layers.length || from >= to) {
      throw new IllegalArgumentException("layer range [" + from + ", " + to + ") is not a "
          + "non-empty range within [0, " + layers.length + "]");
    }
    Matrix[] factors = new Matrix[to - from];
    for (int l = from; l < to; l++) {
      factors[to - 1 - l] = layers[l].jacobian(tape.data, actOff[l], tape.data, scrOff[l]);
    }
    return MatrixChain.multiply(factors);
  }

  /** The full Jacobian ∂output/∂input at the recorded single example. */
  public Matrix jacobian(Tape tape) {
    return jacobian(tape, 0, layers.length);
  }

  // ---- unchecked cores, shared with nested chains (Residual) ----

  int tapePerExample() {
    return tapePer;
  }

  int workPerExample(boolean keep) {
    return keep ? workKeep : workPlain;
  }

  int outputOffset(int b, int base) {
    return base + b * actOff[layers.length];
  }

  private int gradOffset(int b, int l, boolean keep) {
    return b * (layerWork + (keep ? actOff[l] : (l % 2) * maxDim));
  }

  void forwardCore(int b, float[] x, int xOff, float[] t, int base) {
    System.arraycopy(x, xOff, t, base, b * dims[0]);
    for (int l = 0; l < layers.length; l++) {
      layers[l].forward(b, t, base + b * actOff[l], t, base + b * actOff[l + 1], t,
          base + b * scrOff[l]);
    }
  }

  /**
   * Backward from up (only read); writes the input gradient to dIn (when non-null; else to the
   * layer-0 gradient region). Work regions start at wBase. Returns Σ of parameter squares.
   */
  double backwardCore(int b, float[] t, int base, float[] up, int upOff, float[] dIn, int dInOff,
      float[] grad, int gBase, float[] w, int wBase, boolean keep, GradientProfile p,
      int slotBase) {
    float[] cur = up;
    int curOff = upOff;
    double ss = 0;
    for (int l = layers.length - 1; l >= 0; l--) {
      float[] dst = l == 0 ? dIn : w;
      int dstOff = l == 0 ? dInOff : wBase + gradOffset(b, l, keep);
      ss += layers[l].backward(b, t, base + b * actOff[l], t, base + b * scrOff[l], cur, curOff,
          dst, dstOff, grad, gBase + paramOff[l], w, wBase, p, slotBase + slotStart[l]);
      cur = dst;
      curOff = dstOff;
    }
    return ss;
  }

  void jvpCore(float[] t, int base, float[] da, int daOff, float[] dOut, int outOff, float[] w,
      int wBase) {
    float[] cur = da;
    int curOff = daOff;
    for (int l = 0; l < layers.length; l++) {
      boolean last = l == layers.length - 1;
      float[] dst = last ? dOut : w;
      int dstOff = last ? outOff : wBase + layerWork + (l % 2) * maxDim;
      layers[l].jvp(t, base + actOff[l], t, base + scrOff[l], cur, curOff, dst, dstOff, w, wBase);
      cur = dst;
      curOff = dstOff;
    }
  }

  /** Throws if a caller's (written) region lies in the tape's record or work buffer. */
  private static void notInTape(Tape tape, String name, float[] a, int off, int len) {
    Checks.noOverlap(name, a, off, len, "the tape's record (a view returned by forward)",
        tape.data, 0, tape.data.length);
    notInWork(tape, name, a, off, len);
  }

  /** Throws if a caller's region lies in the tape's work buffer, which backward/jvp overwrite. */
  private static void notInWork(Tape tape, String name, float[] a, int off, int len) {
    Checks.noOverlap(name, a, off, len,
        "the tape's work buffer (a view returned by backward or inputGradient; copy it first)",
        tape.work, 0, tape.work.length);
  }

  private void checkTape(Tape tape) {
    Objects.requireNonNull(tape, "tape");
    if (tape.chain != this) {
      throw new IllegalArgumentException("tape: belongs to another chain (" + tape.chain
          + "), not " + this);
    }
  }

  private void checkRecorded(Tape tape) {
    checkTape(tape);
    if (tape.batch < 1) {
      throw new IllegalStateException("tape: no forward pass recorded yet for " + this);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Chain[");
    for (int l = 0; l < layers.length; l++) {
      sb.append(l == 0 ? "" : ", ").append(l).append(": ").append(layers[l].describe());
    }
    return sb.append(']').toString();
  }
}
