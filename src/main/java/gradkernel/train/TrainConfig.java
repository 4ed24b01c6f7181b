package gradkernel.train;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of one training run of {@link Trainer}: the task, the model (one recurrent layer
 * of {@code hidden} units followed by a dense head), the optimizer and clipping, the seed.
 *
 * @param task        task name ({@link Task#NAMES})
 * @param classes     4 or 8 (temporal-order only)
 * @param cell        rnn (tanh), lstm or gru
 * @param hidden      hidden units n ≥ 1
 * @param steps       sequence length T ≥ 2
 * @param batch       sequences per training step ≥ 1
 * @param iterations  training steps ≥ 1
 * @param optimizer   sgd, momentum (SGD with μ = 0.9), rmsprop, adam or adamw
 * @param lr          learning rate, finite and &gt; 0
 * @param clipNorm    global-norm clip threshold, finite ≥ 0, or +∞ for no clipping
 * @param init        recurrent-weight initializer: default (PyTorch's U(±1/√n)), xavier,
 *                    orthogonal, he or lecun
 * @param gain        factor on the recurrent weights W_hh (finite, &gt; 0)
 * @param seed        seed of the weights and of the data
 * @param threads     threads for the forward/backward of the batch's fixed
 *                    {@link gradkernel.chain.BatchBlocks} (≥ 1; the same bits for any value)
 * @param testSize    held-out examples (a multiple of batch is used: rounded up)
 * @param evalEvery   evaluate the held-out loss every this many steps (0: about 20 times per run)
 */
public record TrainConfig(String task, int classes, String cell, int hidden, int steps, int batch,
    int iterations, String optimizer, double lr, double clipNorm, String init, double gain,
    long seed, int threads, int testSize, int evalEvery) {

  /** Cells accepted by {@link #cell}. */
  public static final List<String> CELLS = List.of("rnn", "lstm", "gru");
  /** Optimizers accepted by {@link #optimizer}. */
  public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "rmsprop", "adam",
      "adamw");
  /** Initializers accepted by {@link #init}. */
  public static final List<String> INITS = List.of("default", "xavier", "orthogonal", "he",
      "lecun");

  /** Validates every field (IllegalArgumentException naming it). */
  public TrainConfig {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(cell, "cell");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(init, "init");
    task = task.toLowerCase(Locale.ROOT);
    cell = cell.toLowerCase(Locale.ROOT);
    optimizer = optimizer.toLowerCase(Locale.ROOT);
    init = init.toLowerCase(Locale.ROOT);
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
    positive("hidden", hidden);
    positive("batch", batch);
    positive("iterations", iterations);
    positive("threads", threads);
    positive("testSize", testSize);
    if (steps < 2) {
      throw new IllegalArgumentException("steps: T must be >= 2, got " + steps);
    }
    if (evalEvery < 0) {
      throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
    }
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 (+Infinity: none), got "
          + clipNorm);
    }
    if (!(gain > 0) || Double.isInfinite(gain)) {
      throw new IllegalArgumentException("gain must be finite and > 0, got " + gain);
    }
    if (task.equals("temporal-order") && classes != 4 && classes != 8) {
      throw new IllegalArgumentException("classes: temporal-order has 4 or 8 classes, got "
          + classes);
    }
  }

  /**
   * The defaults of {@code bin/gradkernel train TASK}: LSTM, 32 hidden units, T = 50, batch 32,
   * 300 steps, Adam at 1e-2, clip at 1, PyTorch's default init, seed 1, one thread, 256 held-out
   * sequences.
   */
  public static TrainConfig defaults(String task) {
    return new TrainConfig(task, 4, "lstm", 32, 50, 32, 300, "adam", defaultLr("adam"), 1.0,
        "default", 1.0, 1, 1, 256, 0);
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
    return new TrainConfig(task, classes, c, hidden, steps, batch, iterations, optimizer, lr,
        clipNorm, init, gain, seed, threads, testSize, evalEvery);
  }

  /** A copy with another T. */
  public TrainConfig withSteps(int t) {
    return new TrainConfig(task, classes, cell, hidden, t, batch, iterations, optimizer, lr,
        clipNorm, init, gain, seed, threads, testSize, evalEvery);
  }

  /** A copy with another clip threshold (+∞: none). */
  public TrainConfig withClipNorm(double c) {
    return new TrainConfig(task, classes, cell, hidden, steps, batch, iterations, optimizer, lr,
        c, init, gain, seed, threads, testSize, evalEvery);
  }

  /** A copy with another seed. */
  public TrainConfig withSeed(long s) {
    return new TrainConfig(task, classes, cell, hidden, steps, batch, iterations, optimizer, lr,
        clipNorm, init, gain, s, threads, testSize, evalEvery);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }
}
