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
  /** Layers [0, seqEnd) are sequence layers whose length T is chosen per call (0: none). */
  private final int seqEnd;
  private final int seqCap;
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
    int end = 0;
    if (layers[0] instanceof SequenceLayer first) {
      end = 1;
      while (end < n && layers[end] instanceof SequenceLayer next
          && layers[end - 1] instanceof SequenceLayer prev
          && prev.output() == SequenceOutput.ALL_STEPS && next.capacity() == first.capacity()
          && next.stepInputSize() == prev.hiddenSize()) {
        end++;
      }
    }
    seqEnd = end;
    seqCap = end > 0 ? ((SequenceLayer) layers[0]).capacity() : 0;
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

  /**
   * Every layer's parameters with chain-wide names {@code "l.name"} (l 0-based, e.g.
   * {@code "0.weight"}, {@code "2.f.1.bias"}) and offsets into a chain-wide block of
   * {@link #parameterCount()} floats: the layout of {@link Gradients} and of
   * {@link #copyParametersTo}.
   */
  public List<Parameter> parameters() {
    List<Parameter> all = new java.util.ArrayList<>();
    for (int l = 0; l < layers.length; l++) {
      for (Parameter p : layers[l].parameters()) {
        all.add(p.within(l + ".", paramOff[l]));
      }
    }
    return List.copyOf(all);
  }

  /** Copies every layer's parameter values into {@code dst[off, off + parameterCount())}. */
  public void copyParametersTo(float[] dst, int off) {
    Checks.range("dst", Objects.requireNonNull(dst, "dst"), off, parameterCount());
    for (int l = 0; l < layers.length; l++) {
      layers[l].copyParametersTo(dst, off + paramOff[l]);
    }
  }

  /**
   * The same network whose parameters are views of {@code data[off, off + parameterCount())} in
   * the layout of {@link #parameters()} (no copy): one flat buffer an optimizer updates in place.
   */
  public Chain withParameters(float[] data, int off) {
    Checks.range("data", Objects.requireNonNull(data, "data"), off, parameterCount());
    Layer[] bound = new Layer[layers.length];
    for (int l = 0; l < layers.length; l++) {
      bound[l] = layers[l].withParameters(data, off + paramOff[l]);
    }
    return new Chain(bound);
  }

  /**
   * Puts every layer that has a mode ({@link BatchNorm}, {@link Dropout}, also inside residual
   * branches) into {@code mode}, like PyTorch's {@code train()} / {@code eval()}; returns this.
   */
  public Chain mode(Mode mode) {
    Objects.requireNonNull(mode, "mode");
    for (Layer l : layers) {
      l.mode(mode);
    }
    return this;
  }

  /** Number of profile slots (Σ of each layer's {@link Layer#profileSlots()}). */
  public int profileSlots() {
    return slotStart[layers.length];
  }

  /** First profile slot of layer l, l in [0, L]. */
  public int firstSlot(int l) {
    return slotStart[Objects.checkIndex(l, slotStart.length)];
  }

  /**
   * The longest sequence {@link #forward(Tape, float[], int, int, int)} takes: the capacity of the
   * sequence layers the chain starts with, 0 if its first layer is not a {@link SequenceLayer}.
   */
  public int sequenceCapacity() {
    return seqCap;
  }

  /**
   * A new reusable tape for this chain that keeps only the gradient w.r.t. the chain's input
   * ({@link Tape.Keep#CHAIN_INPUT_GRADIENT}, the smallest); buffers allocated on first forward.
   */
  public Tape newTape() {
    return new Tape(this, Tape.Keep.CHAIN_INPUT_GRADIENT);
  }

  /**
   * A new reusable tape for this chain keeping what {@code keep} says; see {@link Tape.Keep} for
   * what each choice keeps and what it costs. Buffers allocated on first forward.
   */
  public Tape newTape(Tape.Keep keep) {
    return new Tape(this, keep);
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
    return record(tape, x, xOff, batch, seqCap);
  }

  /**
   * Forward pass of {@code batch} sequences of length {@code steps} (1 ≤ T ≤
   * {@link #sequenceCapacity()}) through a chain that starts with {@link SequenceLayer}s:
   * x is [batch, T, m] row-major at xOff, and the output is [batch, T, n] (last sequence layer
   * ALL_STEPS and nothing after it) or [batch, width] (after a LAST_STEP layer). Initial states
   * come from {@link Tape#initialState} / {@link Tape#initialCell} (zeros by default).
   * T &lt; capacity needs the leading sequence layers to end the chain or end with a LAST_STEP
   * layer, since later layers have fixed widths. Returns a view of the output inside the tape.
   * Example (2-layer LSTM, see the README):
   * <pre>{@code
   * Chain net = Chain.of(Lstm.create(8, 32, 50, SequenceOutput.ALL_STEPS, 1),
   *     Lstm.create(32, 32, 50, SequenceOutput.LAST_STEP, 2));
   * Matrix hT = net.forward(tape, x, 0, batch, 20); // x [batch, 20, 8] -> [batch, 32]
   * }</pre>
   */
  public Matrix forward(Tape tape, float[] x, int xOff, int batch, int steps) {
    checkTape(tape);
    if (seqEnd == 0) {
      throw new IllegalArgumentException("steps: layer 0 (" + layers[0].describe() + ") is not a "
          + "sequence layer (Rnn, Lstm, Gru); use forward(tape, x, xOff, batch)");
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (steps < 1 || steps > seqCap) {
      throw new IllegalArgumentException("steps must be in [1, capacity " + seqCap + "], got "
          + steps);
    }
    if (steps < seqCap && seqEnd < layers.length
        && ((SequenceLayer) layers[seqEnd - 1]).output() == SequenceOutput.ALL_STEPS) {
      throw new IllegalArgumentException("steps " + steps + " < capacity " + seqCap + ": layer "
          + seqEnd + " (" + layers[seqEnd].describe() + ") takes a fixed width " + dims[seqEnd]
          + " = T " + seqCap + " x n; end the sequence layers with SequenceOutput.LAST_STEP or "
          + "pass T = " + seqCap);
    }
    Objects.requireNonNull(x, "x");
    long need = (long) batch * widthAt(0, steps);
    if (xOff < 0 || xOff + need > x.length) {
      throw new IllegalArgumentException("x: expected " + layout(0, batch, steps) + " = " + need
          + " floats at offset " + xOff + ", array has " + x.length);
    }
    return record(tape, x, xOff, batch, steps);
  }

  private Matrix record(Tape tape, float[] x, int xOff, int batch, int steps) {
    for (int l = 0; l < layers.length; l++) {
      if (layers[l] instanceof SequenceLayer sl) {
        checkState("h0", l, sl, tape.h0[l], tape.h0Off[l], batch);
        checkState("c0", l, sl, tape.c0[l], tape.c0Off[l], batch);
      }
    }
    tape.ensure(batch, tapePer, workPerExample(tape.keepsInputGradients()));
    forwardCore(tape.threads(), batch, steps, tape, x, xOff, tape.data, 0);
    tape.batch = batch;
    tape.steps = steps;
    return tape.outputView(batch * actOff[layers.length], batch, widthAt(layers.length, steps));
  }

  private static void checkState(String what, int l, SequenceLayer sl, float[] a, int off,
      int batch) {
    long need = (long) batch * sl.hiddenSize();
    if (a != null && off + need > a.length) {
      throw new IllegalArgumentException(what + " of layer " + l + " (" + sl.describe()
          + "): expected [batch " + batch + ", n " + sl.hiddenSize() + "] = " + need
          + " floats at offset " + off + ", array has " + a.length);
    }
  }

  /** Width per example of layer l's input (l = L: the output) for a run of T = steps. */
  private int widthAt(int l, int steps) {
    if (seqEnd == 0 || steps == seqCap || l > seqEnd) {
      return dims[l];
    }
    if (l < seqEnd) {
      return steps * ((SequenceLayer) layers[l]).stepInputSize();
    }
    SequenceLayer last = (SequenceLayer) layers[seqEnd - 1];
    return last.output() == SequenceOutput.ALL_STEPS ? steps * last.hiddenSize()
        : last.hiddenSize();
  }

  /** Throws unless a holds one example of layer l's input width (l = L: output) at off. */
  private void checkLayout(String what, float[] a, int off, int l, int steps) {
    Objects.requireNonNull(a, what);
    long need = widthAt(l, steps);
    if (off < 0 || off + need > a.length) {
      throw new IllegalArgumentException(what + ": expected " + layout(l, 1, steps) + " = " + need
          + " floats at offset " + off + ", array has " + a.length);
    }
  }

  /** "[batch b, T t, m k]" for a sequence-shaped width, else "[batch b, width w]". */
  private String layout(int l, int b, int steps) {
    if (seqEnd > 0 && l < seqEnd) {
      return "[batch " + b + ", T " + steps + ", m "
          + ((SequenceLayer) layers[l]).stepInputSize() + "]";
    }
    if (seqEnd > 0 && l == seqEnd && layers[l - 1] instanceof SequenceLayer last
        && last.output() == SequenceOutput.ALL_STEPS) {
      return "[batch " + b + ", T " + steps + ", n " + last.hiddenSize() + "]";
    }
    return "[batch " + b + ", out " + widthAt(l, steps) + "]";
  }

  /**
   * The gates recorded by the last forward for the {@link SequenceLayer} at index l, time-major:
   * [T·batch, G·n] with row t·batch + r for step t+1 of example r. An {@link Lstm} keeps the
   * activated σ(i), σ(f), tanh(g), σ(o); a {@link Gru} σ(r), σ(z), n; an {@link Rnn} the
   * pre-activation z. A view into the tape, valid until its next forward (e.g. to count saturated
   * forget gates).
   */
  public Matrix gateActivations(Tape tape, int l) {
    checkRecorded(tape);
    Layer layer = layers[Objects.checkIndex(l, layers.length)];
    if (!(layer instanceof SequenceLayer sl)) {
      throw new IllegalArgumentException("layer " + l + " (" + layer.describe()
          + ") has no gates; only Rnn, Lstm and Gru do");
    }
    int b = tape.batch;
    int steps = stepsOf(l, tape.steps);
    return new Matrix(tape.data, b * scrOff[l] + sl.zOff(b, steps), steps * b, sl.gn, sl.gn);
  }

  /**
   * ∂L/∂h_0 [batch, n] of the {@link SequenceLayer} at index l, from the last backward: a view
   * into the tape, valid until its next forward.
   */
  public Matrix initialStateGradient(Tape tape, int l) {
    return stateGradient(tape, l, 0);
  }

  /** ∂L/∂c_0 [batch, n] of the {@link Lstm} at index l; see {@link #initialStateGradient}. */
  public Matrix initialCellGradient(Tape tape, int l) {
    return stateGradient(tape, l, 1);
  }

  private Matrix stateGradient(Tape tape, int l, int which) {
    checkRecorded(tape);
    Layer layer = layers[Objects.checkIndex(l, layers.length)];
    if (!(layer instanceof SequenceLayer sl) || (which == 1 && !sl.hasCell())) {
      throw new IllegalArgumentException("layer " + l + " (" + layer.describe() + ") has no "
          + (which == 0 ? "hidden state; only Rnn, Lstm and Gru do" : "cell state; only Lstm does"));
    }
    if (!tape.backwardDone) {
      throw new IllegalStateException("no backward pass since the last forward");
    }
    int b = tape.batch;
    int steps = stepsOf(l, tape.steps);
    int n = sl.hiddenSize();
    return new Matrix(tape.data, b * scrOff[l] + sl.d0Off(b, steps) + which * b * n, b, n, n);
  }

  /** The T layer l runs with when the chain runs T = steps. */
  private int stepsOf(int l, int steps) {
    return l < seqEnd ? steps : ((SequenceLayer) layers[l]).capacity();
  }

  /** Forward pass of one example x of length inputSize; returns the output view. */
  public Matrix forward(Tape tape, float[] x) {
    return forward(tape, x, 0, 1);
  }

  /**
   * {@link #forward(Tape, float[], int, int)} with x a [batch, width] view: width = inputSize
   * (for a chain starting with sequence layers, T·m at the full capacity T). Rows must be
   * contiguous (ld = cols, or a single row), since the tape copies x in one block.
   *
   * @throws IllegalArgumentException naming x and its shape, before anything is written
   */
  public Matrix forward(Tape tape, Matrix x) {
    Objects.requireNonNull(x, "x");
    contiguous("x", x, dims[0]);
    return forward(tape, x.data(), x.offset(), x.rows());
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
    int outW = widthAt(layers.length, tape.steps);
    long need = (long) b * outW;
    if (upOff < 0 || upOff + need > upstream.length) {
      throw new IllegalArgumentException("upstream: need " + need + " floats = "
          + layout(layers.length, b, tape.steps) + " of layer " + (layers.length - 1) + " ("
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
      System.arraycopy(upstream, upOff, w, topOff, b * outW);
    }
    if (profile != null) {
      profile.begin(top, topOff, b * outW);
    }
    int in0 = gradOffset(b, 0, keep);
    double ss = backwardCore(tape.threads(), b, tape.steps, tape.data, 0, top, topOff, w, in0,
        grads == null ? null : grads.data(), grads == null ? 0 : grads.offset(), w, 0, keep,
        profile, 0);
    if (profile != null) {
      profile.finish(ss);
    }
    tape.backwardDone = true;
    return tape.inputGradientView(in0, b, widthAt(0, tape.steps));
  }

  /**
   * {@link #backward(Tape, float[], int, Gradients, GradientProfile)} with upstream a
   * [batch, outputSize] view of the recorded batch; rows must be contiguous (ld = cols, or a
   * single row).
   *
   * @throws IllegalArgumentException naming upstream and its shape, before anything is written
   */
  public Matrix backward(Tape tape, Matrix upstream, Gradients grads, GradientProfile profile) {
    Objects.requireNonNull(upstream, "upstream");
    checkRecorded(tape);
    if (upstream.rows() != tape.batch) {
      throw new IllegalArgumentException("upstream: " + upstream.shape() + " but the tape holds a "
          + "batch of " + tape.batch);
    }
    contiguous("upstream", upstream, widthAt(layers.length, tape.steps));
    return backward(tape, upstream.data(), upstream.offset(), grads, profile);
  }

  /** Throws unless v is [rows, width] with contiguous rows. */
  private static void contiguous(String name, Matrix v, int width) {
    if (v.cols() != width) {
      throw new IllegalArgumentException(name + ": " + v.shape() + " but the chain needs "
          + width + " columns");
    }
    if (v.rows() > 1 && v.ld() != v.cols()) {
      throw new IllegalArgumentException(name + ": rows must be contiguous (ld " + v.ld()
          + " != cols " + v.cols() + "); pass " + name + ".copy()");
    }
  }

  /** Backward for a single example; see {@link #backward(Tape, float[], int, Gradients, GradientProfile)}. */
  public Matrix backward(Tape tape, float[] upstream, Gradients grads, GradientProfile profile) {
    return backward(tape, upstream, 0, grads, profile);
  }

  /**
   * The gradient w.r.t. layer l's input ([batch, width(l)]) from the last backward; needs a tape
   * made by {@code newTape(Tape.Keep.INPUT_GRADIENTS)}. l in [0, L] (L: the upstream itself).
   */
  public Matrix inputGradient(Tape tape, int l) {
    checkRecorded(tape);
    Objects.checkIndex(l, dims.length);
    if (!tape.keepsInputGradients()) {
      throw new IllegalStateException("tape does not keep per-layer input gradients; create it "
          + "with chain.newTape(Tape.Keep.INPUT_GRADIENTS)");
    }
    if (!tape.backwardDone) {
      throw new IllegalStateException("no backward pass since the last forward");
    }
    int b = tape.batch;
    int width = widthAt(l, tape.steps);
    return new Matrix(tape.work, gradOffset(b, l, true), b, width, Math.max(1, width));
  }

  /**
   * The pre-activations z recorded by the last forward for layer l: [batch, out] for a
   * {@link Dense} layer, [steps·batch, n] (z_1 … z_T stacked) for a {@link Recurrent} one. A view
   * into the tape, valid until its next forward. Other layers keep no single z: they throw.
   */
  public Matrix preActivations(Tape tape, int l) {
    checkRecorded(tape);
    Layer layer = layers[Objects.checkIndex(l, layers.length)];
    Matrix z = layer.preActivations(tape.data, tape.batch * scrOff[l], tape.batch);
    if (z == null) {
      throw new IllegalArgumentException("layer " + l + " (" + layer.describe()
          + ") records no single pre-activation; only Dense and Recurrent layers do");
    }
    return z;
  }

  /**
   * The vector a {@link GradientProfile} recorded in {@code slot} during the last backward, as a
   * [batch, width] view into the tape when the pass kept it, so that
   * {@link GradientProfile#firstNonFiniteIndex()} (row-major within [batch, width]) indexes it:
   * slot {@link #firstSlot(int) firstSlot(l)} is layer l's input gradient (for a
   * {@link Recurrent} layer its ∂L/∂h_0 columns), slot {@link #profileSlots()} the upstream. Empty
   * for the inner steps of a recurrent layer and the ∂L/∂h_0 of a {@link SequenceLayer} (see
   * {@link #initialStateGradient}), which the input gradients do not hold. Needs a tape made by
   * {@code newTape(Tape.Keep.INPUT_GRADIENTS)}.
   */
  public java.util.Optional<Matrix> slotGradient(Tape tape, int slot) {
    Objects.checkIndex(slot, profileSlots() + 1);
    int l = 0;
    while (l < layers.length && slotStart[l + 1] <= slot) {
      l++;
    }
    if (l == layers.length) {
      return java.util.Optional.of(inputGradient(tape, l));
    }
    Matrix in = inputGradient(tape, l);
    int cols = layers[l].firstSlotColumns();
    if (slot != slotStart[l] || cols < 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Matrix(in.data(), in.offset(), in.rows(), cols, in.ld()));
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
    checkLayout("direction", direction, dOff, 0, tape.steps);
    checkLayout("dOut", dOut, outOff, layers.length, tape.steps);
    int inW = widthAt(0, tape.steps);
    int outW = widthAt(layers.length, tape.steps);
    Checks.noOverlap("dOut", dOut, outOff, outW, "direction", direction, dOff, inW);
    notInTape(tape, "dOut", dOut, outOff, outW);
    notInWork(tape, "direction", direction, dOff, inW);
    jvpCore(tape.steps, tape.data, 0, direction, dOff, dOut, outOff, tape.work, 0);
    tape.backwardDone = false;
  }

  /**
   * The explicit Jacobian J_{to-1} ⋯ J_from ([width(to), width(from)]) at the single example
   * recorded in the tape, 0 ≤ from &lt; to ≤ L, multiplied in the order that minimizes
   * multiply-adds (matrix-chain dynamic programming). Allocates; meant for small widths.
   */
  public Matrix jacobian(Tape tape, int from, int to) {
    checkRecorded(tape);
    if (tape.batch != 1) {
      throw new IllegalArgumentException("jacobian needs a tape recorded with batch 1, got batch "
          + tape.batch);
    }
    if (tape.steps != seqCap) {
      throw new IllegalArgumentException("jacobian needs a tape recorded with T = capacity "
          + seqCap + ", got T " + tape.steps + "; use jvp for shorter sequences");
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

  void forwardCore(int threads, int b, float[] x, int xOff, float[] t, int base) {
    forwardCore(threads, b, seqCap, null, x, xOff, t, base);
  }

  /** Forward with the leading sequence layers run for T = steps, initial states from tape. */
  private void forwardCore(int threads, int b, int steps, Tape tape, float[] x, int xOff,
      float[] t, int base) {
    System.arraycopy(x, xOff, t, base, b * widthAt(0, steps));
    for (int l = 0; l < layers.length; l++) {
      int a = base + b * actOff[l];
      int out = base + b * actOff[l + 1];
      int sc = base + b * scrOff[l];
      if (layers[l] instanceof SequenceLayer sl) {
        sl.forwardSteps(b, stepsOf(l, steps), t, a, t, out, t, sc,
            tape == null ? null : tape.h0[l], tape == null ? 0 : tape.h0Off[l],
            tape == null ? null : tape.c0[l], tape == null ? 0 : tape.c0Off[l]);
      } else {
        layers[l].forward(threads, b, t, a, t, out, t, sc);
      }
    }
  }

  /**
   * Backward from up (only read); writes the input gradient to dIn (when non-null; else to the
   * layer-0 gradient region). Work regions start at wBase. Returns Σ of parameter squares.
   */
  double backwardCore(int threads, int b, float[] t, int base, float[] up, int upOff, float[] dIn,
      int dInOff, float[] grad, int gBase, float[] w, int wBase, boolean keep, GradientProfile p,
      int slotBase) {
    return backwardCore(threads, b, seqCap, t, base, up, upOff, dIn, dInOff, grad, gBase, w,
        wBase, keep, p, slotBase);
  }

  private double backwardCore(int threads, int b, int steps, float[] t, int base, float[] up,
      int upOff, float[] dIn, int dInOff, float[] grad, int gBase, float[] w, int wBase,
      boolean keep, GradientProfile p, int slotBase) {
    float[] cur = up;
    int curOff = upOff;
    double ss = 0;
    for (int l = layers.length - 1; l >= 0; l--) {
      float[] dst = l == 0 ? dIn : w;
      int dstOff = l == 0 ? dInOff : wBase + gradOffset(b, l, keep);
      if (layers[l] instanceof SequenceLayer sl) {
        ss += sl.backwardSteps(b, stepsOf(l, steps), t, base + b * scrOff[l], cur, curOff, dst,
            dstOff, grad, gBase + paramOff[l], w, wBase, p, slotBase + slotStart[l]);
      } else {
        ss += layers[l].backward(threads, b, t, base + b * actOff[l], t, base + b * scrOff[l], cur,
            curOff, dst, dstOff, grad, gBase + paramOff[l], w, wBase, p, slotBase + slotStart[l]);
      }
      cur = dst;
      curOff = dstOff;
    }
    return ss;
  }

  void jvpCore(float[] t, int base, float[] da, int daOff, float[] dOut, int outOff, float[] w,
      int wBase) {
    jvpCore(seqCap, t, base, da, daOff, dOut, outOff, w, wBase);
  }

  private void jvpCore(int steps, float[] t, int base, float[] da, int daOff, float[] dOut,
      int outOff, float[] w, int wBase) {
    float[] cur = da;
    int curOff = daOff;
    for (int l = 0; l < layers.length; l++) {
      boolean last = l == layers.length - 1;
      float[] dst = last ? dOut : w;
      int dstOff = last ? outOff : wBase + layerWork + (l % 2) * maxDim;
      if (layers[l] instanceof SequenceLayer sl) {
        sl.jvpSteps(stepsOf(l, steps), t, base + scrOff[l], cur, curOff, dst, dstOff, w, wBase);
      } else {
        layers[l].jvp(t, base + actOff[l], t, base + scrOff[l], cur, curOff, dst, dstOff, w,
            wBase);
      }
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
