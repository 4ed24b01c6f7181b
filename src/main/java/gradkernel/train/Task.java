package gradkernel.train;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A synthetic long-range sequence task: inputs x [batch, T, m] and targets generated from a seed,
 * deterministically (SplitMix64 as specified by {@link java.util.SplittableRandom}, implemented
 * here so a batch allocates nothing), streamed one batch at a time, with a fixed held-out set.
 * Not thread-safe (one generator state per task object).
 *
 * <p>Training batch k is a pure function of (seed, k); the held-out set draws from a stream that
 * no training batch uses. Tasks (Hochreiter &amp; Schmidhuber 1997; Pascanu, Mikolov &amp; Bengio
 * 2013):
 * <ul>
 *   <li>{@code adding}: 2 channels per step, a value in U(0, 1) and a marker (1 at two positions,
 *       one in [0, T/2) and one in [T/2, T), else 0); target = sum of the two marked values
 *       (regression, 1 output).</li>
 *   <li>{@code multiplication}: the same inputs; target = product of the two marked values.</li>
 *   <li>{@code temporal-order}: one-hot over 8 symbols {a, b, c, d, B, E, X, Y}: B at step 0, E at
 *       T − 1, distractors a–d elsewhere except at 2 (4 classes) or 3 (8 classes) positions drawn
 *       from the windows [0.1T, 0.2T], [0.5T, 0.6T] (2 symbols) or [0.1T, 0.2T], [0.33T, 0.43T],
 *       [0.66T, 0.76T] (3 symbols) that hold X or Y; the class is the X/Y sequence read as
 *       binary digits (X = 0, Y = 1, first symbol most significant).</li>
 *   <li>{@code copy}: one-hot over 10 symbols (0 blank, 1–8 data, 9 delimiter): k data symbols
 *       (k = min(10, (T − 1)/2)), blanks, the delimiter at T − k − 1, blanks; the target at each of
 *       the last k steps is the data symbol to recall (class 1–8), other steps are ignored
 *       ({@link #IGNORE}); a per-step classification over 10 classes.</li>
 * </ul>
 */
public abstract sealed class Task permits Task.Marked, Task.TemporalOrder, Task.Copy {
  /** Task names accepted by {@link #of}. */
  public static final List<String> NAMES = List.of("adding", "multiplication", "temporal-order",
      "copy");
  /** Label of a step without a target (copy task), PyTorch's default ignore index. */
  public static final int IGNORE = -100;

  final int steps;
  final long seed;
  private final long[] rng = new long[1];

  Task(int steps, long seed) {
    this.steps = steps;
    this.seed = seed;
  }

  /**
   * The task {@code name} (see {@link #NAMES}) over T = steps; {@code classes} is 4 or 8 for
   * temporal-order and ignored otherwise. Throws IllegalArgumentException naming the bad argument.
   */
  public static Task of(String name, int steps, int classes, long seed) {
    Objects.requireNonNull(name, "name");
    String n = name.toLowerCase(Locale.ROOT);
    int min = switch (n) {
      case "adding", "multiplication" -> 2;
      case "temporal-order" -> classes == 8 ? 12 : 10;
      case "copy" -> 3;
      default -> throw new IllegalArgumentException("name: unknown task '" + name + "'; valid: "
          + String.join(", ", NAMES));
    };
    if (steps < min) {
      throw new IllegalArgumentException("steps: task " + n + " needs T >= " + min + ", got "
          + steps);
    }
    return switch (n) {
      case "adding" -> new Marked(steps, seed, false);
      case "multiplication" -> new Marked(steps, seed, true);
      case "temporal-order" -> {
        if (classes != 4 && classes != 8) {
          throw new IllegalArgumentException("classes: temporal-order has 4 or 8 classes, got "
              + classes);
        }
        yield new TemporalOrder(steps, seed, classes);
      }
      default -> new Copy(steps, seed);
    };
  }

  /** The task's name as on the command line. */
  public abstract String name();

  /** Sequence length T. */
  public final int steps() {
    return steps;
  }

  /** Input channels m per step. */
  public abstract int inputSize();

  /** Model outputs per target: 1 for regression, the number of classes for classification. */
  public abstract int outputSize();

  /** True for classification (cross-entropy, accuracy), false for regression (MSE). */
  public abstract boolean classification();

  /** True when every step has a target slot (copy: [batch, T] labels); else one per sequence. */
  public boolean perStep() {
    return false;
  }

  /** Target entries per example: T when {@link #perStep()}, else 1. */
  public final int targetsPerExample() {
    return perStep() ? steps : 1;
  }

  /**
   * Training batch {@code index} (≥ 0): x [batch, T, m] and either y [batch] (regression; labels
   * ignored, may be null) or labels [batch·targetsPerExample()] (classification; y may be null).
   * A pure function of (seed, index); allocates nothing.
   */
  public final void trainBatch(long index, int batch, float[] x, float[] y, int[] labels) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    fill(index, -1, batch, x, y, labels);
  }

  /**
   * Held-out examples [first, first + batch) of the fixed test set (each example its own stream,
   * disjoint from every training batch, so the set does not depend on how it is chunked), written
   * as in {@link #trainBatch}.
   */
  public final void testBatch(int first, int batch, float[] x, float[] y, int[] labels) {
    if (first < 0) {
      throw new IllegalArgumentException("first must be >= 0, got " + first);
    }
    fill(-1, first, batch, x, y, labels);
  }

  /** The start state of stream {@code index}: two SplitMix64 rounds over (seed, index). */
  private long stream(long index) {
    rng[0] = seed;
    rng[0] = next(rng) ^ index;
    return next(rng);
  }

  /**
   * Training batch {@code index} (when test &lt; 0), or the test examples from {@code test} on,
   * each from its own stream.
   */
  private void fill(long index, int test, int batch, float[] x, float[] y, int[] labels) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    check("x", x == null ? -1 : x.length, (long) batch * steps * inputSize());
    if (classification()) {
      check("labels", labels == null ? -1 : labels.length, (long) batch * targetsPerExample());
    } else {
      check("y", y == null ? -1 : y.length, batch);
    }
    int w = steps * inputSize();
    java.util.Arrays.fill(x, 0, batch * w, 0f);
    if (test < 0) {
      rng[0] = stream(index);
    }
    for (int r = 0; r < batch; r++) {
      if (test >= 0) {
        rng[0] = stream(-1L - test - r);
      }
      example(rng, x, r * w, y, labels, r);
    }
  }

  private void check(String what, int have, long need) {
    if (have < 0) {
      throw new NullPointerException(what);
    }
    if (have < need) {
      throw new IllegalArgumentException(what + ": need " + need + " entries for this batch of "
          + name() + " (T " + steps + ", m " + inputSize() + "), array has " + have);
    }
  }

  /** Writes example r: x at xo ([T, m], zeroed), its target into y[r] or labels. */
  abstract void example(long[] rng, float[] x, int xo, float[] y, int[] labels, int r);

  /** SplitMix64 step on state s[0] (java.util.SplittableRandom's mixing). */
  static long next(long[] s) {
    long z = (s[0] += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform float in [0, 1) with 24 random bits. */
  static float uniform(long[] s) {
    return (next(s) >>> 40) * 0x1.0p-24f;
  }

  /** Uniform int in [0, n), n ≥ 1 (multiply-shift; bias below 2⁻³² · n). */
  static int below(long[] s, int n) {
    return (int) (((next(s) >>> 32) * n) >>> 32);
  }

  /** Adding and multiplication. */
  static final class Marked extends Task {
    private final boolean product;

    Marked(int steps, long seed, boolean product) {
      super(steps, seed);
      this.product = product;
    }

    @Override public String name() {
      return product ? "multiplication" : "adding";
    }

    @Override public int inputSize() {
      return 2;
    }

    @Override public int outputSize() {
      return 1;
    }

    @Override public boolean classification() {
      return false;
    }

    @Override void example(long[] rng, float[] x, int xo, float[] y, int[] labels, int r) {
      for (int t = 0; t < steps; t++) {
        x[xo + 2 * t] = uniform(rng);
      }
      int half = steps / 2;
      int p1 = below(rng, half);
      int p2 = half + below(rng, steps - half);
      x[xo + 2 * p1 + 1] = 1f;
      x[xo + 2 * p2 + 1] = 1f;
      float a = x[xo + 2 * p1];
      float b = x[xo + 2 * p2];
      y[r] = product ? a * b : a + b;
    }
  }

  /** Temporal order, 4 or 8 classes. */
  static final class TemporalOrder extends Task {
    /** Symbol indices of the one-hot input. */
    static final int A = 0;
    static final int BEGIN = 4;
    static final int END = 5;
    static final int X = 6;
    static final int Y = 7;
    private static final double[][] WINDOWS2 = {{0.1, 0.2}, {0.5, 0.6}};
    private static final double[][] WINDOWS3 = {{0.1, 0.2}, {0.33, 0.43}, {0.66, 0.76}};
    private final int classes;
    private final int[] lo;
    private final int[] hi;

    TemporalOrder(int steps, long seed, int classes) {
      super(steps, seed);
      this.classes = classes;
      double[][] w = classes == 4 ? WINDOWS2 : WINDOWS3;
      lo = new int[w.length];
      hi = new int[w.length];
      for (int i = 0; i < w.length; i++) {
        lo[i] = Math.max((int) Math.floor(w[i][0] * steps), i == 0 ? 1 : hi[i - 1] + 1);
        hi[i] = Math.max(lo[i], (int) Math.floor(w[i][1] * steps));
      }
      if (hi[w.length - 1] > steps - 2) {
        throw new IllegalArgumentException("steps: T " + steps + " too short for " + classes
            + " classes");
      }
    }

    @Override public String name() {
      return "temporal-order";
    }

    @Override public int inputSize() {
      return 8;
    }

    @Override public int outputSize() {
      return classes;
    }

    @Override public boolean classification() {
      return true;
    }

    /** First and last step of the window of relevant symbol i (inclusive). */
    int[] window(int i) {
      return new int[] {lo[i], hi[i]};
    }

    @Override void example(long[] rng, float[] x, int xo, float[] y, int[] labels, int r) {
      x[xo + BEGIN] = 1f;
      x[xo + 8 * (steps - 1) + END] = 1f;
      for (int t = 1; t < steps - 1; t++) {
        x[xo + 8 * t + A + below(rng, 4)] = 1f;
      }
      int label = 0;
      for (int i = 0; i < lo.length; i++) {
        int t = lo[i] + below(rng, hi[i] - lo[i] + 1);
        int bit = below(rng, 2);
        int row = xo + 8 * t;
        java.util.Arrays.fill(x, row, row + 8, 0f);
        x[row + (bit == 0 ? X : Y)] = 1f;
        label = 2 * label + bit;
      }
      labels[r] = label;
    }
  }

  /** Copy (memorization) task. */
  static final class Copy extends Task {
    static final int SYMBOLS = 10;
    static final int DELIMITER = 9;
    static final int DATA = 8;
    private final int k;

    Copy(int steps, long seed) {
      super(steps, seed);
      k = Math.min(10, (steps - 1) / 2);
    }

    /** Number of symbols to memorize and recall. */
    int length() {
      return k;
    }

    @Override public String name() {
      return "copy";
    }

    @Override public int inputSize() {
      return SYMBOLS;
    }

    @Override public int outputSize() {
      return SYMBOLS;
    }

    @Override public boolean classification() {
      return true;
    }

    @Override public boolean perStep() {
      return true;
    }

    @Override void example(long[] rng, float[] x, int xo, float[] y, int[] labels, int r) {
      int lo = r * steps;
      java.util.Arrays.fill(labels, lo, lo + steps, IGNORE);
      int delim = steps - k - 1;
      for (int t = 0; t < steps; t++) {
        x[xo + SYMBOLS * t] = 1f; // blank unless overwritten below
      }
      for (int j = 0; j < k; j++) {
        int s = 1 + below(rng, DATA);
        x[xo + SYMBOLS * j] = 0f;
        x[xo + SYMBOLS * j + s] = 1f;
        labels[lo + delim + 1 + j] = s;
      }
      x[xo + SYMBOLS * delim] = 0f;
      x[xo + SYMBOLS * delim + DELIMITER] = 1f;
    }
  }
}
