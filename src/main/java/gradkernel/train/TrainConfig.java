package gradkernel.train;

import gradkernel.tensor.Parallelism;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of one training run of {@link Trainer}: the task, the model (one recurrent layer
 * of {@code hidden} units followed by a dense head), the optimizer and clipping, the seed. Built
 * with {@link #builder(String)} (every setting defaults to {@code bin/gradkernel train}'s) and
 * validated by {@link Builder#build()}; immutable, value equality.
 */
public final class TrainConfig {
  private final String task;
  private final int classes;
  private final String cell;
  private final int hidden;
  private final int steps;
  private final int batch;
  private final int iterations;
  private final String optimizer;
  private final double lr;
  private final double clipNorm;
  private final String init;
  private final double gain;
  private final long seed;
  private final Parallelism parallelism;
  private final int testSize;
  private final int evalEvery;

  /** Cells accepted by {@link #cell}. */
  public static final List<String> CELLS = List.of("rnn", "lstm", "gru");
  /** Optimizers accepted by {@link #optimizer}. */
  public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "rmsprop", "adam",
      "adamw");
  /** Initializers accepted by {@link #init}. */
  public static final List<String> INITS = List.of("default", "xavier", "orthogonal", "he",
      "lecun");

  /** Validates every field (IllegalArgumentException naming it). */
  private TrainConfig(Builder b) {
    Parallelism parallelism = Objects.requireNonNull(b.parallelism, "parallelism");
    double lr = Double.isNaN(b.lr) ? defaultLr(Objects.requireNonNull(b.optimizer, "optimizer"))
        : b.lr;
    String task = Objects.requireNonNull(b.task, "task").toLowerCase(Locale.ROOT);
    String cell = Objects.requireNonNull(b.cell, "cell").toLowerCase(Locale.ROOT);
    String optimizer = Objects.requireNonNull(b.optimizer, "optimizer").toLowerCase(Locale.ROOT);
    String init = Objects.requireNonNull(b.init, "init").toLowerCase(Locale.ROOT);
    if (!Task.NAMES.contains(task)) {
      throw new IllegalArgumentException("task: unknown task '" + task + "'; valid: "
          + String.join(", ", Task.NAMES));
    }
    if (!CELLS.contains(cell)) {
      throw new IllegalArgumentException("cell: expected rnn, lstm or gru, got '" + cell + "'");
    }
    if (!OPTIMIZERS.contains(optimizer)) {
      throw new IllegalArgumentException("optimizer: expected " + String.join(", ", OPTIMIZERS)
          + ", got '" + optimizer + "'");
    }
    if (!INITS.contains(init)) {
      throw new IllegalArgumentException("init: expected " + String.join(", ", INITS) + ", got '"
          + init + "'");
    }
    positive("hidden", b.hidden);
    positive("batch", b.batch);
    positive("iterations", b.iterations);
    positive("testSize", b.testSize);
    if (b.steps < 2) {
      throw new IllegalArgumentException("steps: T must be >= 2, got " + b.steps);
    }
    if (b.evalEvery < 0) {
      throw new IllegalArgumentException("evalEvery must be >= 0, got " + b.evalEvery);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
    }
    if (!(b.clipNorm >= 0)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 (+Infinity: none), got "
          + b.clipNorm);
    }
    if (!(b.gain > 0) || Double.isInfinite(b.gain)) {
      throw new IllegalArgumentException("gain must be finite and > 0, got " + b.gain);
    }
    if (task.equals("temporal-order") && b.classes != 4 && b.classes != 8) {
      throw new IllegalArgumentException("classes: temporal-order has 4 or 8 classes, got "
          + b.classes);
    }
    this.task = task;
    this.classes = b.classes;
    this.cell = cell;
    this.hidden = b.hidden;
    this.steps = b.steps;
    this.batch = b.batch;
    this.iterations = b.iterations;
    this.optimizer = optimizer;
    this.lr = lr;
    this.clipNorm = b.clipNorm;
    this.init = init;
    this.gain = b.gain;
    this.seed = b.seed;
    this.parallelism = parallelism;
    this.testSize = b.testSize;
    this.evalEvery = b.evalEvery;
  }

  /** A builder for {@code task} with the defaults of {@link #defaults(String)}. */
  public static Builder builder(String task) {
    return new Builder(task);
  }

  /** A builder holding this configuration's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(task);
    b.classes = classes;
    b.cell = cell;
    b.hidden = hidden;
    b.steps = steps;
    b.batch = batch;
    b.iterations = iterations;
    b.optimizer = optimizer;
    b.lr = lr;
    b.clipNorm = clipNorm;
    b.init = init;
    b.gain = gain;
    b.seed = seed;
    b.parallelism = parallelism;
    b.testSize = testSize;
    b.evalEvery = evalEvery;
    return b;
  }

  /** The task: task name ({@link Task#NAMES}). */
  public String task() {
    return task;
  }

  /** The classes: 4 or 8 (temporal-order only). */
  public int classes() {
    return classes;
  }

  /** The cell: rnn (tanh), lstm or gru. */
  public String cell() {
    return cell;
  }

  /** The hidden: hidden units n ≥ 1. */
  public int hidden() {
    return hidden;
  }

  /** The steps: sequence length T ≥ 2. */
  public int steps() {
    return steps;
  }

  /** The batch: sequences per training step ≥ 1. */
  public int batch() {
    return batch;
  }

  /** The iterations: training steps ≥ 1. */
  public int iterations() {
    return iterations;
  }

  /** The optimizer: sgd, momentum (SGD with μ = 0.9), rmsprop, adam or adamw. */
  public String optimizer() {
    return optimizer;
  }

  /** The lr: learning rate, finite and &gt; 0. */
  public double lr() {
    return lr;
  }

  /** The clipNorm: global-norm clip threshold, finite ≥ 0, or +∞ for no clipping. */
  public double clipNorm() {
    return clipNorm;
  }

  /** The init: recurrent-weight initializer: default (PyTorch's U(±1/√n)), xavier, orthogonal, he or lecun. */
  public String init() {
    return init;
  }

  /** The gain: factor on the recurrent weights W_hh (finite, &gt; 0). */
  public double gain() {
    return gain;
  }

  /** The seed: seed of the weights and of the data. */
  public long seed() {
    return seed;
  }

  /**
   * Threads for the forward/backward of the batch's fixed {@link gradkernel.chain.BatchBlocks}
   * (the same bits for any value; default {@link Parallelism#SEQUENTIAL}).
   */
  public Parallelism parallelism() {
    return parallelism;
  }

  /** The testSize: held-out examples (a multiple of batch is used: rounded up). */
  public int testSize() {
    return testSize;
  }

  /** The evalEvery: evaluate the held-out loss every this many steps (0: about 20 times per run). */
  public int evalEvery() {
    return evalEvery;
  }

  /**
   * The defaults of {@code bin/gradkernel train TASK}: LSTM, 32 hidden units, T = 50, batch 32,
   * 300 steps, Adam at 1e-2, clip at 1, PyTorch's default init, seed 1, one thread, 256 held-out
   * sequences.
   */
  public static TrainConfig defaults(String task) {
    return builder(task).build();
  }

  /** The default learning rate of an optimizer: 1e-2 for adam/adamw, 1e-3 rmsprop, 0.05 else. */
  public static double defaultLr(String optimizer) {
    return switch (optimizer.toLowerCase(Locale.ROOT)) {
      case "adam", "adamw" -> 1e-2;
      case "rmsprop" -> 1e-3;
      default -> 0.05;
    };
  }

  /** Whether clipping is on (clipNorm finite). */
  public boolean clips() {
    return Double.isFinite(clipNorm);
  }

  /** A copy with another cell. */
  public TrainConfig withCell(String c) {
    return toBuilder().cell(c).build();
  }

  /** A copy with another T. */
  public TrainConfig withSteps(int t) {
    return toBuilder().steps(t).build();
  }

  /** A copy with another clip threshold (+∞: none). */
  public TrainConfig withClipNorm(double c) {
    return toBuilder().clipNorm(c).build();
  }

  /** A copy with another seed. */
  public TrainConfig withSeed(long s) {
    return toBuilder().seed(s).build();
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainConfig c && task.equals(c.task) && classes == c.classes && cell.equals(c.cell) && hidden == c.hidden && steps == c.steps && batch == c.batch && iterations == c.iterations && optimizer.equals(c.optimizer) && Double.compare(lr, c.lr) == 0 && Double.compare(clipNorm, c.clipNorm) == 0 && init.equals(c.init) && Double.compare(gain, c.gain) == 0 && seed == c.seed && parallelism.equals(c.parallelism) && testSize == c.testSize && evalEvery == c.evalEvery;
  }

  @Override
  public int hashCode() {
    return Objects.hash(task, classes, cell, hidden, steps, batch, iterations, optimizer, lr, clipNorm, init, gain, seed, parallelism, testSize, evalEvery);
  }

  @Override
  public String toString() {
    return "TrainConfig[" + "task=" + task + ", " + "classes=" + classes + ", " + "cell=" + cell + ", " + "hidden=" + hidden + ", " + "steps=" + steps + ", " + "batch=" + batch + ", " + "iterations=" + iterations + ", " + "optimizer=" + optimizer + ", " + "lr=" + lr + ", " + "clipNorm=" + clipNorm + ", " + "init=" + init + ", " + "gain=" + gain + ", " + "seed=" + seed + ", " + "parallelism=" + parallelism.threads() + ", " + "testSize=" + testSize + ", " + "evalEvery=" + evalEvery + "]";
  }

  /**
   * Settings of a {@link TrainConfig}, each defaulting to {@link TrainConfig#defaults(String)}'s;
   * the learning rate defaults to {@link TrainConfig#defaultLr(String)} of the optimizer.
   */
  public static final class Builder {
    // One setter per setting: the repeated shape is the builder pattern, not repeated logic.
    private String task;
    private int classes = 4;
    private String cell = "lstm";
    private int hidden = 32;
    private int steps = 50;
    private int batch = 32;
    private int iterations = 300;
    private String optimizer = "adam";
    private double lr = Double.NaN;
    private double clipNorm = 1.0;
    private String init = "default";
    private double gain = 1.0;
    private long seed = 1;
    private Parallelism parallelism = Parallelism.SEQUENTIAL;
    private int testSize = 256;
    private int evalEvery = 0;

    private Builder(String task) {
      this.task = task;
    }

    /** Sets the task: task name ({@link Task#NAMES}). */
    public Builder task(String task) {
      this.task = task;
      return this;
    }

    /** Sets the classes: 4 or 8 (temporal-order only). */
    public Builder classes(int classes) {
      this.classes = classes;
      return this;
    }

    /** Sets the cell: rnn (tanh), lstm or gru. */
    public Builder cell(String cell) {
      this.cell = cell;
      return this;
    }

    /** Sets the hidden: hidden units n ≥ 1. */
    public Builder hidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    /** Sets the steps: sequence length T ≥ 2. */
    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    /** Sets the batch: sequences per training step ≥ 1. */
    public Builder batch(int batch) {
      this.batch = batch;
      return this;
    }

    /** Sets the iterations: training steps ≥ 1. */
    public Builder iterations(int iterations) {
      this.iterations = iterations;
      return this;
    }

    /** Sets the optimizer: sgd, momentum (SGD with μ = 0.9), rmsprop, adam or adamw. */
    public Builder optimizer(String optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** Sets the lr: learning rate, finite and &gt; 0. */
    public Builder lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Sets the clipNorm: global-norm clip threshold, finite ≥ 0, or +∞ for no clipping. */
    public Builder clipNorm(double clipNorm) {
      this.clipNorm = clipNorm;
      return this;
    }

    /** Sets the init: recurrent-weight initializer: default (PyTorch's U(±1/√n)), xavier, orthogonal, he or lecun. */
    public Builder init(String init) {
      this.init = init;
      return this;
    }

    /** Sets the gain: factor on the recurrent weights W_hh (finite, &gt; 0). */
    public Builder gain(double gain) {
      this.gain = gain;
      return this;
    }

    /** Sets the seed: seed of the weights and of the data. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Sets the parallelism of the batch's forward/backward (results do not depend on it). */
    public Builder parallelism(Parallelism parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /** Sets the testSize: held-out examples (a multiple of batch is used: rounded up). */
    public Builder testSize(int testSize) {
      this.testSize = testSize;
      return this;
    }

    /** Sets the evalEvery: evaluate the held-out loss every this many steps (0: about 20 times per run). */
    public Builder evalEvery(int evalEvery) {
      this.evalEvery = evalEvery;
      return this;
    }

    /** The validated configuration (IllegalArgumentException naming the first bad setting). */
    public TrainConfig build() {
      return new TrainConfig(this);
    }
  }
}
