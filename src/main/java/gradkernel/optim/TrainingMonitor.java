package gradkernel.optim;

import gradkernel.chain.Parameter;
import gradkernel.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Watches a training run step by step and raises {@link MonitorEvent}s: loss spikes, gradient-norm
 * explosions, vanishing gradients and skipped (non-finite) steps; optionally writes one JSON line
 * per step.
 *
 * <p>Per step, in this order: optionally {@link #updateNorms} / {@link #measureUpdates} (per-tensor
 * update-to-weight ratios ‖Δw‖/‖w‖) and {@link #nonFinite} / {@link #scanNonFinite} (non-finite
 * parameters or gradients with their provenance), then {@link #step(double, double, double)} with
 * the loss, the global gradient norm before clipping and the clip coefficient applied; it returns
 * the step's events as a bit mask ({@link MonitorEvent.Type#bit()}).
 *
 * <p>Rules (with N = {@code window}, warm-up W: median-based rules fire once the window holds at
 * least W values; the median is that of the previous steps, the current value is compared first
 * and then added; only finite values enter the windows):
 * <ul>
 *   <li>LOSS_SPIKE: loss &gt; spikeFactor × median of the last N losses (meant for non-negative
 *       losses: off while the median is ≤ 0).</li>
 *   <li>GRADIENT_EXPLOSION: a finite norm &gt; explosionThreshold, or &gt; explosionFactor × median
 *       of the last N norms (when that median is &gt; 0). NaN/∞ norms are SKIPPED_STEP only.</li>
 *   <li>VANISHING: norm &lt; vanishingFloor for vanishingSteps consecutive steps; raised once, at
 *       the step the run reaches that length, and again only after the run is broken.</li>
 *   <li>SKIPPED_STEP: the loss or the norm is NaN/±∞, a non-finite parameter or gradient was
 *       reported this step, or the caller says the step was skipped.</li>
 * </ul>
 *
 * <p>Cost: O(N) for the two sorted windows (a binary search and one small array shift each, N
 * fixed and small, default 32) plus O(number of tensors with a ratio) per step; no allocation in
 * steady state, with or without JSON output to a {@link Writer} or {@link StringBuilder} (events
 * allocate their record when they fire). {@link #measureUpdates} and {@link #scanNonFinite} are
 * O(parameters) and optional. Not thread-safe: one monitor per training loop.
 *
 * <p>JSON line (one per step; non-finite numbers are written as the strings "NaN", "Infinity",
 * "-Infinity"; medians are null until the window has a value):
 * <pre>{"step":3,"loss":0.52,"grad_norm":1.7,"clip":1.0,"skipped":false,"events":["LOSS_SPIKE"],
 * "loss_median":0.2,"grad_norm_median":1.5,"update_ratio":{"0.weight":0.0012},
 * "non_finite_count":0,"non_finite":[]}</pre>
 * where non_finite lists up to {@code maxReports} entries
 * {@code {"source":"gradient","tensor":"0.weight","index":17,"value":"NaN"}}.
 */
public final class TrainingMonitor {

  /** Where a reported non-finite value was found. */
  public enum Source {
    /** A parameter (weight) value. */
    PARAMETER,
    /** A gradient value. */
    GRADIENT;

    String json() {
      return this == PARAMETER ? "parameter" : "gradient";
    }
  }

  private static final MonitorEvent.Type[] TYPES = MonitorEvent.Type.values();

  private final String[] names;
  private final String[] jsonNames;
  private final int[] offsets;
  private final int[] sizes;
  private final double spikeFactor;
  private final double explosionThreshold;
  private final double explosionFactor;
  private final double vanishingFloor;
  private final int vanishingSteps;
  private final int warmup;
  private final Appendable out;
  private final Consumer<MonitorEvent> listener;

  private final RunningMedian losses;
  private final RunningMedian norms;
  private final double[] updateNorm;
  private final double[] weightNorm;
  private final long[] ratioStep;
  private final Source[] nfSource;
  private final int[] nfTensor;
  private final long[] nfIndex;
  private final float[] nfValue;
  private final long[] eventCounts = new long[MonitorEvent.Type.values().length];
  private final StringBuilder line = new StringBuilder(256);
  private char[] chars = new char[256];

  private long step;
  private long steps;
  private int nfCount;
  private int vanishingRun;
  private int lastEvents;

  private TrainingMonitor(Builder b) {
    int n = b.names.size();
    names = b.names.toArray(new String[0]);
    jsonNames = new String[n];
    for (int i = 0; i < n; i++) {
      jsonNames[i] = Json.write(names[i]); // escaped once, here
    }
    offsets = b.offsets;
    sizes = b.sizes;
    spikeFactor = b.spikeFactor;
    explosionThreshold = b.explosionThreshold;
    explosionFactor = b.explosionFactor;
    vanishingFloor = b.vanishingFloor;
    vanishingSteps = b.vanishingSteps;
    warmup = b.warmup;
    out = b.out;
    listener = b.listener;
    losses = new RunningMedian(b.window);
    norms = new RunningMedian(b.window);
    updateNorm = new double[n];
    weightNorm = new double[n];
    ratioStep = new long[n];
    Arrays.fill(ratioStep, -1);
    nfSource = new Source[b.maxReports];
    nfTensor = new int[b.maxReports];
    nfIndex = new long[b.maxReports];
    nfValue = new float[b.maxReports];
    step = b.firstStep;
  }

  /** A builder for a monitor of the given named tensors (may be empty). */
  public static Builder builder(List<String> tensorNames) {
    return new Builder(tensorNames, null, null);
  }

  /**
   * A builder for a monitor of a parameter layout (e.g. {@code chain.parameters()}): names, offsets
   * and sizes, which {@link #measureUpdates} and {@link #scanNonFinite(Source, float[], int)} use.
   */
  public static Builder builderFor(List<Parameter> parameters) {
    Objects.requireNonNull(parameters, "parameters");
    List<String> names = new ArrayList<>();
    int[] offsets = new int[parameters.size()];
    int[] sizes = new int[parameters.size()];
    for (int i = 0; i < offsets.length; i++) {
      Parameter p = Objects.requireNonNull(parameters.get(i), "parameters[" + i + "]");
      names.add(p.name());
      offsets[i] = p.offset();
      sizes[i] = p.size();
    }
    return new Builder(names, offsets, sizes);
  }

  /** The monitor's settings; defaults in each setter's Javadoc. */
  public static final class Builder {
    private final List<String> names;
    private final int[] offsets;
    private final int[] sizes;
    private int window = 32;
    private int warmup = 8;
    private double spikeFactor = 3;
    private double explosionThreshold = Double.POSITIVE_INFINITY;
    private double explosionFactor = 10;
    private double vanishingFloor = 1e-8;
    private int vanishingSteps = 10;
    private int maxReports = 8;
    private long firstStep;
    private Appendable out;
    private Consumer<MonitorEvent> listener;

    private Builder(List<String> names, int[] offsets, int[] sizes) {
      Objects.requireNonNull(names, "tensorNames");
      for (int i = 0; i < names.size(); i++) {
        Objects.requireNonNull(names.get(i), "tensorNames[" + i + "]");
      }
      this.names = List.copyOf(names);
      this.offsets = offsets;
      this.sizes = sizes;
    }

    /** Running-median window N (losses and norms), 1..4096; default 32. */
    public Builder window(int n) {
      if (n < 1 || n > 4096) {
        throw new IllegalArgumentException("window must be in [1, 4096], got " + n);
      }
      window = n;
      return this;
    }

    /** Values needed in a window before median rules fire, ≥ 1; default 8 (capped at N). */
    public Builder warmup(int w) {
      if (w < 1) {
        throw new IllegalArgumentException("warmup must be >= 1, got " + w);
      }
      warmup = w;
      return this;
    }

    /** LOSS_SPIKE factor k &gt; 0 (loss &gt; k × median); default 3. */
    public Builder spikeFactor(double k) {
      spikeFactor = positive("spikeFactor", k);
      return this;
    }

    /** Absolute GRADIENT_EXPLOSION threshold &gt; 0 (may be +∞ = off, the default). */
    public Builder explosionThreshold(double t) {
      if (!(t > 0)) {
        throw new IllegalArgumentException("explosionThreshold must be > 0, got " + t);
      }
      explosionThreshold = t;
      return this;
    }

    /** Relative GRADIENT_EXPLOSION factor k &gt; 0 (norm &gt; k × median; +∞ = off); default 10. */
    public Builder explosionFactor(double k) {
      if (!(k > 0)) {
        throw new IllegalArgumentException("explosionFactor must be > 0, got " + k);
      }
      explosionFactor = k;
      return this;
    }

    /** VANISHING: norm &lt; floor (≥ 0, finite) for n ≥ 1 consecutive steps; default 1e-8, 10. */
    public Builder vanishing(double floor, int n) {
      if (!(floor >= 0) || !Double.isFinite(floor)) {
        throw new IllegalArgumentException("vanishing floor must be finite and >= 0, got "
            + floor);
      }
      if (n < 1) {
        throw new IllegalArgumentException("vanishing steps must be >= 1, got " + n);
      }
      vanishingFloor = floor;
      vanishingSteps = n;
      return this;
    }

    /** Non-finite values kept with provenance per step (the count is always exact); default 8. */
    public Builder maxReports(int n) {
      if (n < 1 || n > 1024) {
        throw new IllegalArgumentException("maxReports must be in [1, 1024], got " + n);
      }
      maxReports = n;
      return this;
    }

    /** Index of the first step (e.g. when resuming); default 0. */
    public Builder firstStep(long s) {
      if (s < 0) {
        throw new IllegalArgumentException("firstStep must be >= 0, got " + s);
      }
      firstStep = s;
      return this;
    }

    /**
     * Write one JSON line per step to {@code sink} (a {@link Writer} or {@link StringBuilder}
     * writes without allocating; other Appendables get the line as a CharSequence).
     */
    public Builder jsonLines(Appendable sink) {
      out = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** Receive every event as it is raised. */
    public Builder listener(Consumer<MonitorEvent> l) {
      listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** The monitor. */
    public TrainingMonitor build() {
      warmup = Math.min(warmup, window);
      return new TrainingMonitor(this);
    }

    private static double positive(String arg, double v) {
      if (!(v > 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException(arg + " must be finite and > 0, got " + v);
      }
      return v;
    }
  }

  /** Number of tensors. */
  public int tensors() {
    return names.length;
  }

  /** Name of tensor i. */
  public String name(int tensor) {
    return names[Objects.checkIndex(tensor, names.length)];
  }

  /**
   * Records tensor i's update norm ‖Δw‖ and weight norm ‖w‖ (before the update) for this step;
   * the ratio ‖Δw‖/‖w‖ is reported (0 if both are 0, +∞ if only ‖w‖ is). O(1): the cheap path
   * when the optimizer already knows the norms.
   */
  public void updateNorms(int tensor, double updateNorm, double weightNorm) {
    Objects.checkIndex(tensor, names.length);
    if (!(updateNorm >= 0) || !(weightNorm >= 0)) {
      throw new IllegalArgumentException("norms of " + names[tensor] + " must be >= 0, got "
          + updateNorm + " and " + weightNorm);
    }
    this.updateNorm[tensor] = updateNorm;
    this.weightNorm[tensor] = weightNorm;
    ratioStep[tensor] = step;
  }

  /**
   * Computes every tensor's ‖after − before‖ and ‖before‖ from flat parameter blocks laid out as
   * the {@link #builderFor parameter list} (sums of squares in double, element order), and records
   * them as {@link #updateNorms}. One read of both blocks: O(parameters).
   */
  public void measureUpdates(float[] before, int beforeOff, float[] after, int afterOff) {
    requireLayout();
    int total = blockSize();
    checkRange("before", before, beforeOff, total);
    checkRange("after", after, afterOff, total);
    for (int t = 0; t < names.length; t++) {
      double dd = 0;
      double ww = 0;
      int b = beforeOff + offsets[t];
      int a = afterOff + offsets[t];
      for (int i = 0; i < sizes[t]; i++) {
        double w = before[b + i];
        double d = after[a + i] - w;
        dd += d * d;
        ww += w * w;
      }
      updateNorm[t] = Math.sqrt(dd);
      weightNorm[t] = Math.sqrt(ww);
      ratioStep[t] = step;
    }
  }

  /** The last recorded update-to-weight ratio of tensor i (NaN if none was ever recorded). */
  public double updateRatio(int tensor) {
    Objects.checkIndex(tensor, names.length);
    return ratioStep[tensor] < 0 ? Double.NaN : ratio(tensor);
  }

  private double ratio(int t) {
    double u = updateNorm[t];
    double w = weightNorm[t];
    return w > 0 ? u / w : u > 0 ? Double.POSITIVE_INFINITY : 0;
  }

  /**
   * Reports a non-finite value of tensor i at element index for this step (kept with provenance
   * up to maxReports; always counted); the step becomes SKIPPED_STEP.
   */
  public void nonFinite(Source source, int tensor, long index, float value) {
    Objects.requireNonNull(source, "source");
    Objects.checkIndex(tensor, names.length);
    if (nfCount < nfSource.length) {
      nfSource[nfCount] = source;
      nfTensor[nfCount] = tensor;
      nfIndex[nfCount] = index;
      nfValue[nfCount] = value;
    }
    nfCount++;
  }

  /**
   * Scans data[off, off + len) as tensor i and reports each NaN/±∞ element (index relative to
   * off); returns how many there were. O(len).
   */
  public int scanNonFinite(Source source, int tensor, float[] data, int off, int len) {
    Objects.requireNonNull(source, "source");
    Objects.checkIndex(tensor, names.length);
    checkRange("data", data, off, len);
    int found = 0;
    for (int i = 0; i < len; i++) {
      float v = data[off + i];
      if (!Float.isFinite(v)) {
        nonFinite(source, tensor, i, v);
        found++;
      }
    }
    return found;
  }

  /**
   * Scans a whole parameter (or gradient) block laid out as the {@link #builderFor parameter
   * list}, reporting each non-finite element with its tensor and index; returns the count.
   */
  public int scanNonFinite(Source source, float[] block, int off) {
    requireLayout();
    checkRange("block", block, off, blockSize());
    int found = 0;
    for (int t = 0; t < names.length; t++) {
      found += scanNonFinite(source, t, block, off + offsets[t], sizes[t]);
    }
    return found;
  }

  /** Ends a step that was applied unless non-finite; see {@link #step(double, double, double, boolean)}. */
  public int step(double loss, double gradNorm, double clipCoefficient) {
    return step(loss, gradNorm, clipCoefficient, false);
  }

  /**
   * Ends the step: evaluates the rules with the loss, the global gradient norm before clipping
   * and the clip coefficient applied (1 = no clipping), writes the JSON line, notifies the
   * listener, and clears the per-step reports. {@code skipped} marks the step skipped even if
   * everything was finite. Returns the events as a mask of {@link MonitorEvent.Type#bit()}.
   */
  public int step(double loss, double gradNorm, double clipCoefficient, boolean skipped) {
    int events = 0;
    boolean finite = Double.isFinite(loss) && Double.isFinite(gradNorm);
    boolean skip = skipped || !finite || nfCount > 0;
    double lossMedian = losses.median();
    double normMedian = norms.median();
    double spikeBound = lossMedian > 0 && losses.size() >= warmup
        ? spikeFactor * lossMedian : Double.POSITIVE_INFINITY;
    if (Double.isFinite(loss) && loss > spikeBound) {
      events |= MonitorEvent.Type.LOSS_SPIKE.bit();
    }
    double explosionBound = explosionThreshold;
    if (normMedian > 0 && norms.size() >= warmup) {
      explosionBound = Math.min(explosionBound, explosionFactor * normMedian);
    }
    if (Double.isFinite(gradNorm) && gradNorm > explosionBound) {
      events |= MonitorEvent.Type.GRADIENT_EXPLOSION.bit();
    }
    vanishingRun = gradNorm < vanishingFloor ? vanishingRun + 1 : 0;
    if (vanishingRun == vanishingSteps) {
      events |= MonitorEvent.Type.VANISHING.bit();
    }
    if (skip) {
      events |= MonitorEvent.Type.SKIPPED_STEP.bit();
    }
    if (Double.isFinite(loss)) {
      losses.add(loss);
    }
    if (Double.isFinite(gradNorm)) {
      norms.add(gradNorm);
    }
    for (MonitorEvent.Type t : TYPES) {
      if (t.in(events)) {
        eventCounts[t.ordinal()]++;
      }
    }
    if (out != null) {
      writeLine(loss, gradNorm, clipCoefficient, skip, events, lossMedian, normMedian);
    }
    if (listener != null && events != 0) {
      notify(events, loss, gradNorm, lossMedian, spikeBound, explosionBound);
    }
    lastEvents = events;
    nfCount = 0;
    step++;
    steps++;
    return events;
  }

  private void notify(int events, double loss, double norm, double lossMedian,
      double spikeBound, double explosionBound) {
    long s = step;
    if (MonitorEvent.Type.LOSS_SPIKE.in(events)) {
      listener.accept(new MonitorEvent(MonitorEvent.Type.LOSS_SPIKE, s, loss, spikeBound,
          "loss " + loss + " > " + spikeFactor + " x running median " + lossMedian));
    }
    if (MonitorEvent.Type.GRADIENT_EXPLOSION.in(events)) {
      listener.accept(new MonitorEvent(MonitorEvent.Type.GRADIENT_EXPLOSION, s, norm,
          explosionBound, "gradient norm " + norm + " > " + explosionBound));
    }
    if (MonitorEvent.Type.VANISHING.in(events)) {
      listener.accept(new MonitorEvent(MonitorEvent.Type.VANISHING, s, norm, vanishingFloor,
          "gradient norm below " + vanishingFloor + " for " + vanishingSteps + " steps"));
    }
    if (MonitorEvent.Type.SKIPPED_STEP.in(events)) {
      String why = nfCount > 0
          ? nfSource[0].json() + " " + names[nfTensor[0]] + "[" + nfIndex[0] + "] = "
              + nfValue[0] + (nfCount > 1 ? " and " + (nfCount - 1) + " more non-finite" : "")
          : !Double.isFinite(loss) ? "loss " + loss
          : !Double.isFinite(norm) ? "gradient norm " + norm : "skipped by the caller";
      listener.accept(new MonitorEvent(MonitorEvent.Type.SKIPPED_STEP, s, norm, Double.NaN,
          why));
    }
  }

  /** Steps seen so far. */
  public long steps() {
    return steps;
  }

  /** Index the next step will get. */
  public long nextStep() {
    return step;
  }

  /** How many steps raised events of this type. */
  public long count(MonitorEvent.Type type) {
    return eventCounts[type.ordinal()];
  }

  /** The last step's event mask. */
  public int lastEvents() {
    return lastEvents;
  }

  /** Median of the loss window (NaN while empty). */
  public double lossMedian() {
    return losses.median();
  }

  /** Median of the gradient-norm window (NaN while empty). */
  public double gradNormMedian() {
    return norms.median();
  }

  /** The last JSON line written (without the newline); empty when no sink is set. */
  public CharSequence lastLine() {
    return line;
  }

  private void writeLine(double loss, double norm, double clip, boolean skip, int events,
      double lossMedian, double normMedian) {
    StringBuilder sb = line;
    sb.setLength(0);
    sb.append("{\"step\":").append(step);
    sb.append(",\"loss\":");
    number(sb, loss);
    sb.append(",\"grad_norm\":");
    number(sb, norm);
    sb.append(",\"clip\":");
    number(sb, clip);
    sb.append(",\"skipped\":").append(skip);
    sb.append(",\"events\":[");
    boolean first = true;
    for (MonitorEvent.Type t : TYPES) {
      if (t.in(events)) {
        sb.append(first ? "\"" : ",\"").append(t.name()).append('"');
        first = false;
      }
    }
    sb.append("],\"loss_median\":");
    median(sb, lossMedian);
    sb.append(",\"grad_norm_median\":");
    median(sb, normMedian);
    sb.append(",\"update_ratio\":{");
    first = true;
    for (int t = 0; t < names.length; t++) {
      if (ratioStep[t] == step) {
        sb.append(first ? "" : ",").append(jsonNames[t]).append(':');
        number(sb, ratio(t));
        first = false;
      }
    }
    sb.append("},\"non_finite_count\":").append(nfCount).append(",\"non_finite\":[");
    for (int i = 0; i < Math.min(nfCount, nfSource.length); i++) {
      sb.append(i == 0 ? "{\"source\":\"" : ",{\"source\":\"").append(nfSource[i].json())
          .append("\",\"tensor\":").append(jsonNames[nfTensor[i]])
          .append(",\"index\":").append(nfIndex[i]).append(",\"value\":");
      number(sb, nfValue[i]);
      sb.append('}');
    }
    sb.append("]}");
    try {
      if (out instanceof Writer w) {
        int n = sb.length();
        if (chars.length < n + 1) {
          chars = new char[Math.max(n + 1, 2 * chars.length)];
        }
        sb.getChars(0, n, chars, 0);
        chars[n] = '\n';
        w.write(chars, 0, n + 1);
      } else {
        out.append(sb).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the JSON line of step " + step, e);
    }
  }

  private static void median(StringBuilder sb, double m) {
    if (Double.isNaN(m)) {
      sb.append("null");
    } else {
      number(sb, m);
    }
  }

  /** A JSON number, or the string "NaN" / "Infinity" / "-Infinity". */
  static void number(StringBuilder sb, double v) {
    if (Double.isFinite(v)) {
      sb.append(v);
    } else {
      sb.append(Double.isNaN(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    }
  }

  private void requireLayout() {
    if (offsets == null) {
      throw new IllegalStateException("this monitor was built from names only; use "
          + "builderFor(parameters) for block-wide measureUpdates/scanNonFinite");
    }
  }

  private int blockSize() {
    int end = 0;
    for (int t = 0; t < offsets.length; t++) {
      end = Math.max(end, offsets[t] + sizes[t]);
    }
    return end;
  }

  private static void checkRange(String arg, float[] a, int off, int len) {
    Objects.requireNonNull(a, arg);
    if (off < 0 || off > a.length - len) {
      throw new IllegalArgumentException(arg + ": need " + len + " floats at offset " + off
          + ", array has " + a.length);
    }
  }

  /**
   * The median of the last N finite values: a ring buffer for age and a sorted copy for rank;
   * add is a binary search and a shift of at most N doubles, median is O(1). No allocation.
   */
  static final class RunningMedian {
    private final double[] ring;
    private final double[] sorted;
    private int size;
    private int next;

    RunningMedian(int n) {
      ring = new double[n];
      sorted = new double[n];
    }

    int size() {
      return size;
    }

    /** Adds a finite value, evicting the oldest once N are held. */
    void add(double v) {
      if (size == ring.length) {
        double old = ring[next];
        int i = Arrays.binarySearch(sorted, 0, size, old);
        System.arraycopy(sorted, i + 1, sorted, i, size - i - 1);
        size--;
      }
      int j = Arrays.binarySearch(sorted, 0, size, v);
      if (j < 0) {
        j = -j - 1;
      }
      System.arraycopy(sorted, j, sorted, j + 1, size - j);
      sorted[j] = v;
      size++;
      ring[next] = v;
      next = next + 1 == ring.length ? 0 : next + 1;
    }

    /** The median (mean of the two middle values for an even count); NaN while empty. */
    double median() {
      return size == 0 ? Double.NaN
          : (size & 1) == 1 ? sorted[size >> 1]
          : 0.5 * (sorted[(size >> 1) - 1] + sorted[size >> 1]);
    }
  }
}
