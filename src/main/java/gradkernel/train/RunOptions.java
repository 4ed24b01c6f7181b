package gradkernel.train;

import gradkernel.probe.UsageException;

/**
 * The options {@code train} and {@code experiment} share, parsed in one place: each command's
 * parser offers every word to {@link #accept} first and handles only its own options (the task,
 * {@code --threads} and {@code --clip-norm} mean or accept different things in the two).
 */
final class RunOptions {
  int hidden = 32;
  int batch = 32;
  int steps;
  String optimizer = "adam";
  private double lr = Double.NaN;
  String init;
  boolean json;
  String plot;
  boolean quiet;

  /** The shared options with the command's defaults for {@code --steps} and {@code --init}. */
  RunOptions(int steps, String init) {
    this.steps = steps;
    this.init = init;
  }

  /** Parses the current word if it is a shared option; false (nothing consumed) otherwise. */
  boolean accept(Args in) throws UsageException {
    switch (in.name()) {
      case "--quiet", "-q" -> {
        in.flag();
        quiet = true;
      }
      case "--hidden" -> hidden = in.intIn(1, 4096);
      case "--batch" -> batch = in.intIn(1, 65_536);
      case "--steps" -> steps = in.intIn(1, 100_000_000);
      case "--optimizer" -> optimizer = in.choice(TrainConfig.OPTIMIZERS);
      case "--lr" -> lr = in.positive(false);
      case "--init" -> init = in.choice(TrainConfig.INITS);
      case "--format" -> json = in.json();
      case "--plot" -> plot = in.file();
      default -> {
        return false;
      }
    }
    return true;
  }

  /** A config builder for {@code task} with the shared settings (lr: --lr or the optimizer's). */
  TrainConfig.Builder builder(String task) {
    return TrainConfig.builder(task).hidden(hidden).batch(batch).iterations(steps)
        .optimizer(optimizer).lr(Double.isNaN(lr) ? TrainConfig.defaultLr(optimizer) : lr)
        .init(init);
  }
}
