package gradkernel.optim;

import gradkernel.clip.Clip;
import gradkernel.clip.NonFiniteException;
import gradkernel.clip.NormAccumulator;
import gradkernel.kernel.OptimizerKernels;
import gradkernel.kernel.Workers;
import gradkernel.tensor.Parallelism;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Base of the optimizers: the <b>fused step</b>. One call reads each tensor's weights w,
 * gradients g and state once and, per element, scales g by the clip coefficient c, adds the
 * coupled penalties (L2: {@code l2·w}, L1: {@code l1·sign(w)}; only tensors with
 * {@link gradkernel.chain.Decay#APPLY}), updates the state and writes w: clipping and
 * regularization cost no extra memory pass. g is not modified.
 *
 * <pre>{@code
 * acc.reset().addSumOfSquares(profile.weightGradientSumOfSquares()); // norm from backward
 * boolean applied = opt.step(acc, 1.0);  // c = clipCoefficient(norm, 1.0); skip on NaN/∞
 * }</pre>
 *
 * <p><b>Clip coefficient.</b> {@link #clipCoefficient}: 1 when norm ≤ maxNorm (so also at norm
 * 0: nothing to clip), else maxNorm/norm·(1 − 2⁻²²) rounded down to float — exactly the factor
 * {@link Clip#scaleToNorm} applies, so a fused step equals {@code Clip.scaleToNorm} followed by a
 * step with c = 1 bit for bit whenever c ≥ 2⁻¹²⁶ (norm ≤ 8.5·10³⁷·maxNorm). Below that, c is a
 * subnormal float with fewer significant bits and the clipped norm lies within
 * [maxNorm·(1 − 2⁻ᵏ), maxNorm] with k the bits of c. PyTorch's {@code clip_grad_norm_} uses
 * max_norm/(norm + 10⁻⁶), which differs by about 10⁻⁶/norm relative.
 *
 * <p><b>Non-finite norms</b> follow {@link OnNonFinite}: SKIP (default) leaves every buffer
 * bit-identical and counts the step in {@link #skipped()}; THROW throws. Skipped steps do not
 * advance {@link #steps()}, which drives bias correction and the learning-rate schedule.
 *
 * <p><b>Determinism.</b> Each element's update depends only on that element and per-step
 * scalars (computed in double with StrictMath, rounded once to float), so the result is the same
 * for the Vector API kernels and the scalar twin, for {@link #step(Parallelism, float)} with any
 * {@link Parallelism}, and cold or warm. Steady-state steps allocate nothing, the parallel ones
 * included.
 *
 * @param <O> the concrete optimizer, for fluent setters
 */
public abstract class Optimizer<O extends Optimizer<O>> {
  /** Elements per block of a parallel step: fixed, never dependent on the thread count. */
  public static final int BLOCK = 1 << 14;

  final ParameterSet params;
  private final String kind;
  private OptimizerKernels kernels = OptimizerKernels.active();
  private LearningRate schedule;
  private double l2;
  private double l1;
  float l2f;
  float l1f;
  private OnNonFinite onNonFinite = OnNonFinite.SKIP;
  private int steps;
  private int skipped;
  private float lastClip = Float.NaN;
  private double lastLr = Double.NaN;
  // parallel step
  private int[] blockTensor;
  private int[] blockStart;
  private int[] blockLength;
  private final IntConsumer blockJob = this::updateBlock; // allocated once, not per step
  private float parallelClip;

  Optimizer(String kind, ParameterSet params, LearningRate lr) {
    this.kind = kind;
    this.params = Objects.requireNonNull(params, "params");
    this.schedule = Objects.requireNonNull(lr, "lr");
  }

  @SuppressWarnings("unchecked")
  final O self() {
    return (O) this;
  }

  // ---- configuration ----

  /** Replaces the learning-rate schedule (indexed by {@link #steps()}). */
  public O learningRate(LearningRate lr) {
    this.schedule = Objects.requireNonNull(lr, "lr");
    return self();
  }

  /** A constant learning rate (finite, ≥ 0). */
  public O learningRate(double lr) {
    return learningRate(LearningRate.constant(lr));
  }

  /**
   * Coupled L2 penalty λ₂ ≥ 0 (torch's {@code weight_decay} of SGD, Adam, RMSprop, Adagrad):
   * g' += λ₂·w on tensors that decay; 0 (default) leaves g' untouched.
   */
  public O l2(double lambda) {
    this.l2 = nonNegative("l2", lambda);
    this.l2f = (float) lambda;
    return self();
  }

  /** L1 penalty λ₁ ≥ 0: g' += λ₁·sign(w) (sign(0) = 0) on tensors that decay; default 0. */
  public O l1(double lambda) {
    this.l1 = nonNegative("l1", lambda);
    this.l1f = (float) lambda;
    return self();
  }

  /** What a non-finite norm or clip coefficient does (default {@link OnNonFinite#SKIP}). */
  public O onNonFinite(OnNonFinite policy) {
    this.onNonFinite = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /** The kernels to run (default {@link OptimizerKernels#active()}); results are identical. */
  public O kernels(OptimizerKernels k) {
    this.kernels = Objects.requireNonNull(k, "k");
    return self();
  }

  /** The parameter set this optimizer updates. */
  public ParameterSet parameters() {
    return params;
  }

  /** Coupled L2 penalty λ₂. */
  public double l2() {
    return l2;
  }

  /** L1 penalty λ₁. */
  public double l1() {
    return l1;
  }

  /** Number of applied steps t (the next step is t + 1 in torch's 1-based count). */
  public int steps() {
    return steps;
  }

  /** Number of steps skipped because of a non-finite norm or coefficient. */
  public int skipped() {
    return skipped;
  }

  /** The learning rate the next step will use: schedule.at(steps()). */
  public double learningRate() {
    return schedule.at(steps);
  }

  /** The learning rate of the last applied step (NaN before the first). */
  public double lastLearningRate() {
    return lastLr;
  }

  /** The clip coefficient of the last applied step (NaN before the first). */
  public float lastClipCoefficient() {
    return lastClip;
  }

  // ---- the step ----

  /**
   * The float factor a global-norm clip to {@code maxNorm} applies: 1 when norm ≤ maxNorm (norm
   * 0 included), else maxNorm/norm·(1 − 2⁻²²) rounded down, as {@link Clip#clipCoefficient}.
   * Both arguments finite and ≥ 0 (IllegalArgumentException otherwise).
   */
  public static float clipCoefficient(double norm, double maxNorm) {
    double c = Clip.clipCoefficient(norm, maxNorm);
    float f = (float) c;
    return f > c ? Math.nextDown(f) : f;
  }

  /** An unclipped step (c = 1). Returns true (a step without a norm is never skipped). */
  public final boolean step() {
    return step(1f);
  }

  /**
   * One fused step with clip coefficient {@code clip} (finite, ≥ 0; values above 1 scale up,
   * e.g. to undo a loss scale). NaN or ±∞ follows {@link OnNonFinite}. Returns true when applied,
   * false when skipped.
   */
  public final boolean step(float clip) {
    return step(Parallelism.SEQUENTIAL, clip);
  }

  /**
   * One fused step clipping the gradients, whose global L2 norm is {@code norm}, to
   * {@code maxNorm} (finite, ≥ 0). A NaN or ∞ norm follows {@link OnNonFinite}.
   */
  public final boolean step(double norm, double maxNorm) {
    return step(Parallelism.SEQUENTIAL, norm, maxNorm);
  }

  /**
   * One fused step clipping to {@code maxNorm} with the global norm in {@code acc} (e.g. filled
   * from {@link gradkernel.chain.GradientProfile#weightGradientSumOfSquares()} during backward);
   * under THROW a non-finite norm throws the accumulator's {@link NonFiniteException}.
   */
  public final boolean step(NormAccumulator acc, double maxNorm) {
    Objects.requireNonNull(acc, "acc");
    checkMaxNorm(maxNorm);
    double norm = acc.norm();
    if (!Double.isFinite(norm)) {
      return nonFinite(acc, norm);
    }
    return apply(clipCoefficient(norm, maxNorm), 1);
  }

  /**
   * {@link #step(float)} with the tensors cut into blocks of {@value #BLOCK} elements updated on
   * up to {@code par.threads()} threads: bit-identical to the sequential step for any
   * {@link Parallelism}.
   */
  public final boolean step(Parallelism par, float clip) {
    Objects.requireNonNull(par, "par");
    if (!Float.isFinite(clip)) {
      return nonFinite(null, clip);
    }
    checkClip(clip);
    return apply(clip, par.threads());
  }

  /** {@link #step(double, double)} on up to {@code par.threads()} threads, bit-identical to it. */
  public final boolean step(Parallelism par, double norm, double maxNorm) {
    Objects.requireNonNull(par, "par");
    checkMaxNorm(maxNorm);
    if (!Double.isFinite(norm)) {
      return nonFinite(null, norm);
    }
    return apply(clipCoefficient(norm, maxNorm), par.threads());
  }

  private boolean nonFinite(NormAccumulator acc, double value) {
    if (onNonFinite == OnNonFinite.THROW) {
      if (acc != null) {
        acc.requireFinite();
      }
      throw new NonFiniteException("global gradient norm or clip coefficient", -1, -1,
          (float) value);
    }
    skipped++;
    return false;
  }

  private boolean apply(float clip, int threads) {
    double lr = schedule.at(steps);
    if (!(lr >= 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("lr: the schedule gave " + lr + " at step " + steps
          + "; need finite >= 0");
    }
    begin(steps + 1, lr);
    OptimizerKernels k = kernels;
    if (threads == 1) {
      for (int t = 0, n = params.count(); t < n; t++) {
        update(k, params.offset(t), params.length(t), params.decays(t), clip);
      }
    } else {
      runParallel(threads, clip);
    }
    steps++;
    lastClip = clip;
    lastLr = lr;
    return true;
  }

  /**
   * Prepares step t (1-based) with learning rate lr: per-step scalars in float, state buffers
   * created on first use. Called after every check, right before the updates.
   */
  abstract void begin(int t, double lr);

  /** Updates elements [off, off + n) of one tensor (decays: penalties apply) with clip c. */
  abstract void update(OptimizerKernels k, int off, int n, boolean decays, float clip);

  /** State slots a snapshot taken after the first step must contain for this configuration. */
  abstract List<String> requiredSlots();

  final float penaltyL2(boolean decays) {
    return decays ? l2f : 0f;
  }

  final float penaltyL1(boolean decays) {
    return decays ? l1f : 0f;
  }

  // ---- snapshots ----

  /**
   * Values, state and metadata {@code optimizer} (e.g. {@code "AdamW"}), {@code step} and
   * {@code skipped}: everything needed to resume bit for bit (hyperparameters and the schedule
   * are code, not state).
   */
  public Snapshot snapshot() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("optimizer", kind);
    m.put("step", Integer.toString(steps));
    m.put("skipped", Integer.toString(skipped));
    return params.snapshot().withMetadata(m);
  }

  /**
   * Restores values, state and counters from {@code snap} (validated before anything is
   * written): metadata {@code optimizer}, when present, must name this optimizer; {@code step}
   * and {@code skipped} default to 0; a snapshot with step &gt; 0 must hold this configuration's
   * state slots.
   */
  public void restore(Snapshot snap) {
    Objects.requireNonNull(snap, "snap");
    String k = snap.metadata().get("optimizer");
    if (k != null && !k.equals(kind)) {
      throw new IllegalArgumentException("snap: saved by optimizer " + k + ", this is " + kind);
    }
    int s = counter(snap, "step");
    int sk = counter(snap, "skipped");
    if (s > 0 && params.count() > 0) {
      String first = params.tensors().get(0).name();
      for (String slot : requiredSlots()) {
        if (!snap.tensors().containsKey(Snapshot.stateKey(slot, first))) {
          throw new IllegalArgumentException("snap: step " + s + " but no state slot '" + slot
              + "' (needed by " + kind + " as configured)");
        }
      }
    }
    params.restore(snap);
    steps = s;
    skipped = sk;
  }

  private static int counter(Snapshot snap, String key) {
    String v = snap.metadata().get(key);
    if (v == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("snap: metadata " + key + " = '" + v
          + "' is not a count >= 0");
    }
  }

  @Override
  public String toString() {
    return kind + "[steps " + steps + ", skipped " + skipped + ", l2 " + l2 + ", l1 " + l1
        + ", " + params + "]";
  }

  // ---- validation helpers ----

  static double nonNegative(String name, double v) {
    if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
    return v;
  }

  static double unitInterval(String name, double v) {
    if (!(v >= 0 && v < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
    }
    return v;
  }

  private static void checkClip(float clip) {
    if (clip < 0) {
      throw new IllegalArgumentException("clip coefficient must be >= 0, got " + clip);
    }
  }

  private static void checkMaxNorm(double maxNorm) {
    if (!(maxNorm >= 0 && maxNorm < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("maxNorm must be finite and >= 0, got " + maxNorm);
    }
  }

  // ---- parallel machinery ----

  private void runParallel(int threads, float clip) {
    if (blockTensor == null) {
      cutBlocks();
    }
    parallelClip = clip;
    Workers.run(threads, blockTensor.length, blockJob);
  }

  private void updateBlock(int b) {
    update(kernels, blockStart[b], blockLength[b], params.decays(blockTensor[b]), parallelClip);
  }

  private void cutBlocks() {
    int count = 0;
    for (int t = 0; t < params.count(); t++) {
      count += (params.length(t) + BLOCK - 1) / BLOCK;
    }
    blockTensor = new int[count];
    blockStart = new int[count];
    blockLength = new int[count];
    int b = 0;
    for (int t = 0; t < params.count(); t++) {
      for (int s = 0; s < params.length(t); s += BLOCK) {
        blockTensor[b] = t;
        blockStart[b] = params.offset(t) + s;
        blockLength[b] = Math.min(BLOCK, params.length(t) - s);
        b++;
      }
    }
  }
}
