package gradkernel.train;

import gradkernel.optim.MonitorEvent;
import gradkernel.io.Json;
import gradkernel.io.WeightFormat;
import gradkernel.probe.ProbeFailure;
import gradkernel.probe.UsageException;
import gradkernel.tensor.Parallelism;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gradkernel train TASK [options]}: parses the options into a {@link TrainConfig}, runs the
 * {@link Trainer} with a progress line, an optional JSON-lines log and SVG plot, and prints the
 * result as a table or JSON. Exit codes as for probe: 0 ok, 1 failure, 2 bad usage.
 */
public final class TrainCli {
  /** One-line usage of the command. */
  public static final String USAGE =
      "usage: gradkernel train TASK [options]   (gradkernel train --help for the options)";

  /** The help text. */
  public static final String HELP = """
      gradkernel train — train a recurrent network on a long-range synthetic task and watch the
      gradient flow (Hochreiter & Schmidhuber 1997; Pascanu, Mikolov & Bengio 2013).

      usage: gradkernel train TASK [options]

      Tasks (data generated from the seed; a fixed held-out set):
        adding           2 channels (value in U(0,1), marker); target = sum of the 2 marked values
        multiplication   the same inputs; target = product of the 2 marked values
        temporal-order   classify the order of X/Y symbols among distractors (--classes 4 or 8)
        copy             memorize up to 10 symbols, recall them after a blank delay (per step)

      Model and data:
        --cell C             rnn (tanh) | lstm (forget bias 1) | gru (default lstm)
        --hidden N           hidden units (default 32)
        --T N                sequence length (default 50)
        --batch N            sequences per step (default 32)
        --steps N            training steps (default 800)
        --classes N          temporal-order: 4 or 8 classes (default 4)
        --init NAME          recurrent weights: default (PyTorch U(±1/√n)) | xavier | orthogonal |
                             he | lecun (default default)
        --gain X             factor on the recurrent weights, > 0 (default 1)
        --test-size N        held-out sequences (default 256, rounded up to a multiple of --batch)
        --eval-every N       held-out loss every N steps (default: 20 times per run)

      Optimization:
        --optimizer O        sgd | momentum (SGD, μ 0.9) | rmsprop | adam | adamw (default adam)
        --lr X               learning rate (default 1e-2 adam/adamw, 1e-3 rmsprop,
                             0.05 sgd/momentum)
        --clip-norm X|none   clip the global gradient norm at X (default 1); none turns it off
        --seed N             seed of the weights and the data (default 1)
        --threads N          threads for forward/backward over the batch's fixed blocks of
                             max(16, ⌈batch/8⌉) sequences (default 1; the same bits for any N)

      Output:
        --format F           table (default) | json, on stdout
        --log FILE.jsonl     one JSON line per step: loss, held-out loss, gradient norm, clip
                             coefficient, ‖∂L/∂h_t‖ summary, events
        --plot FILE.svg      loss and held-out loss, gradient norm with the clip threshold, and a
                             heat map of log10‖∂L/∂h_t‖ over time steps × training steps
        --save FILE          after training, write the parameters and optimizer state to FILE
                             (.npz or .safetensors, by extension; replaced atomically): the
                             recurrent layer as 0.weight_ih, 0.weight_hh, 0.bias_ih, 0.bias_hh,
                             the readout as 1.weight, 1.bias, optimizer state as optim.<slot>.*
                             (the probe reads the file with --weights and skips optim.*)
        --quiet              no progress line on stderr
        --help               this text

      solved: held-out MSE < 0.01 (adding, multiplication) or accuracy ≥ 99 % (temporal-order,
      copy). Exit codes: 0 ok (solved or not), 1 failure, 2 bad usage.
      """;

  /** Parsed command line. */
  record Options(TrainConfig config, boolean json, String log, String plot, boolean quiet,
      String save) {}

  private TrainCli() {}

  /** Runs {@code gradkernel train} with {@code args} (after "train"); returns the exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err)
      throws UsageException, ProbeFailure {
    // The entry shape of Experiment.run too: glue around two Options types, see there.
    Options o = parse(args);
    if (o == null) {
      out.print(HELP);
      return 0;
    }
    return run(o, out, err, ProgressLine.terminal());
  }

  static int run(Options o, PrintStream out, PrintStream err, boolean tty) throws ProbeFailure {
    if (o.save() != null) { // fail before a long run, not after it
      Path dir = Path.of(o.save()).toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new ProbeFailure("cannot save the parameters to " + o.save() + " (" + dir
            + " is not a writable directory)");
      }
    }
    Trainer trainer = new Trainer(o.config());
    ProgressLine progress = new ProgressLine(err, o.quiet(), tty, "");
    if (!o.quiet()) {
      TrainConfig c = o.config();
      err.println("gradkernel: training " + describe(c) + " for " + c.iterations() + " steps");
    }
    TrainResult r;
    if (o.log() != null) {
      Path p = Path.of(o.log());
      try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
        r = trainer.run(new LogWriter(w, progress));
      } catch (IOException | UncheckedIOException e) {
        throw new ProbeFailure("cannot write the log to " + p + " (" + e.getMessage() + ")");
      }
    } else {
      r = trainer.run(progress);
    }
    if (o.save() != null) {
      save(trainer, Path.of(o.save()), err, o.quiet());
    }
    TrainResult result = r;
    return finish(out, err, o.quiet(), o.plot(), () -> TrainPlot.render(result, trainer.history()),
        o.json() ? Json.pretty(r.toMap(), 2) : table(r));
  }

  /**
   * Writes the plot (when asked for) and the result: the common end of train and experiment.
   * Returns 0; throws ProbeFailure (exit 1) if the plot cannot be written.
   */
  static int finish(PrintStream out, PrintStream err, boolean quiet, String plot,
      java.util.function.Supplier<String> svg, String result) throws ProbeFailure {
    if (plot != null) {
      Path p = Path.of(plot);
      try {
        Files.writeString(p, svg.get(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ProbeFailure("cannot write the plot to " + p + " (" + e.getMessage() + ")");
      }
      if (!quiet) {
        err.println("gradkernel: plot written to " + p);
      }
    }
    out.print(result); // Main.run checks stdout for write errors (exit 1, one line)
    out.flush();
    return 0;
  }

  /** Writes {@link Trainer#snapshot()} to {@code file}; ProbeFailure (exit 1) if it cannot. */
  static void save(Trainer trainer, Path file, PrintStream err, boolean quiet) throws ProbeFailure {
    try {
      trainer.snapshot().save(file, WeightFormat.of(file));
    } catch (IOException e) {
      throw new ProbeFailure("cannot save the parameters to " + file + " (" + e.getMessage() + ")");
    }
    if (!quiet) {
      err.println("gradkernel: parameters saved to " + file);
    }
  }

  /** "adding T 50, lstm 32 units, batch 32, adam lr 0.01, clip 1". */
  static String describe(TrainConfig c) {
    return c.task() + (c.task().equals("temporal-order") ? " (" + c.classes() + " classes)" : "")
        + ", T " + c.steps() + ", " + c.cell() + " " + c.hidden() + " units, batch " + c.batch()
        + ", " + c.optimizer() + " lr " + ProgressLine.num(c.lr()) + ", "
        + (c.clips() ? "clip " + ProgressLine.num(c.clipNorm()) : "no clipping");
  }

  /** The result as an aligned two-column table. */
  static String table(TrainResult r) {
    TrainConfig c = r.config();
    boolean cls = !Double.isNaN(r.testAccuracy());
    StringBuilder sb = new StringBuilder();
    row(sb, "run", describe(c) + ", seed " + c.seed());
    row(sb, "steps", Integer.toString(c.iterations()));
    row(sb, "train loss", ProgressLine.num(r.trainLoss()) + (cls ? " (cross-entropy)" : " (MSE)"));
    row(sb, "held-out loss", ProgressLine.num(r.testLoss()) + "   (trivial predictor "
        + ProgressLine.num(r.trivialLoss()) + ")");
    if (cls) {
      row(sb, "held-out accuracy", String.format(Locale.ROOT, "%.2f %%", 100 * r.testAccuracy()));
    }
    row(sb, "solved", (r.solved() ? "yes" : "no") + (cls ? " (accuracy >= 99 %)"
        : " (held-out MSE < 0.01)"));
    row(sb, "max gradient norm", ProgressLine.num(r.maxGradNorm()));
    row(sb, "clipped steps", r.clippedSteps() + " of " + c.iterations());
    row(sb, "skipped steps", Integer.toString(r.skippedSteps()));
    StringBuilder ev = new StringBuilder().append(r.eventTotal());
    String sep = " (";
    for (MonitorEvent.Type t : MonitorEvent.Type.values()) {
      if (r.count(t) > 0) {
        ev.append(sep).append(t).append(' ').append(r.count(t));
        sep = ", ";
      }
    }
    row(sb, "events", ev.append(sep.equals(", ") ? ")" : "").toString());
    int shown = Math.min(5, r.events().size());
    for (int i = 0; i < shown; i++) {
      row(sb, "", ProgressLine.describe(r.events().get(i)));
    }
    if (r.events().size() > shown) {
      row(sb, "", "... (--format json lists up to " + TrainResult.MAX_EVENTS + ")");
    }
    row(sb, "time", String.format(Locale.ROOT, "%.1f s (%.1f steps/s)", r.seconds(),
        r.stepsPerSecond()));
    return sb.toString();
  }

  private static void row(StringBuilder sb, String key, String value) {
    sb.append(String.format(Locale.ROOT, "%-18s %s%n", key, value));
  }

  /** Writes one JSON line per step and forwards everything to the progress display. */
  static final class LogWriter implements Trainer.Listener {
    private final BufferedWriter w;
    private final Trainer.Listener next;
    private final List<String> stepEvents = new ArrayList<>();

    LogWriter(BufferedWriter w, Trainer.Listener next) {
      this.w = w;
      this.next = next;
    }

    @Override public void event(MonitorEvent e) {
      stepEvents.add(e.type().name());
      next.event(e);
    }

    @Override public void step(Trainer.StepReport r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", r.step());
      m.put("loss", r.loss());
      if (r.evaluated()) {
        m.put("testLoss", r.testLoss());
      }
      m.put("gradNorm", r.gradNorm());
      m.put("clip", Float.isNaN(r.clip()) ? null : (double) r.clip());
      m.put("skipped", r.skipped());
      m.put("events", List.copyOf(stepEvents));
      stepEvents.clear();
      double[] dh = r.hiddenGradientNorms();
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      for (double v : dh) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      Map<String, Object> flow = new LinkedHashMap<>();
      flow.put("first", dh[0]);
      flow.put("last", dh[dh.length - 1]);
      flow.put("min", min);
      flow.put("max", max);
      flow.put("log10FirstOverLast", Math.log10(dh[0] / dh[dh.length - 1]));
      m.put("hiddenGradNorm", flow);
      try {
        w.write(Json.write(m));
        w.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      next.step(r);
    }
  }

  // ---- parsing ----

  /** Parses the arguments after "train"; null means --help. */
  static Options parse(List<String> args) throws UsageException {
    String task = null;
    String cell = "lstm";
    int t = 50;
    int classes = 4;
    double clip = 1;
    double gain = 1;
    long seed = 1;
    int threads = 1;
    int testSize = 256;
    int evalEvery = 0;
    String log = null;
    String save = null;
    RunOptions shared = new RunOptions(800, "default");
    Args in = new Args(args, 0, USAGE);
    while (in.advance()) {
      String a = in.name();
      if (shared.accept(in)) {
        continue;
      }
      switch (a) {
        case "--help", "-h" -> {
          return null;
        }
        case "--cell" -> cell = in.choice(TrainConfig.CELLS);
        case "--T", "--t" -> t = in.intIn(2, 100_000);
        case "--classes" -> {
          classes = in.intIn(4, 8);
          if (classes != 4 && classes != 8) {
            throw in.error("--classes expects 4 or 8, got " + classes);
          }
        }
        case "--clip-norm" -> clip = in.numberOrNone();
        case "--gain" -> gain = in.positive(false);
        case "--seed" -> seed = in.longValue();
        case "--threads" -> threads = in.intIn(1, Parallelism.MAX_THREADS);
        case "--test-size" -> testSize = in.intIn(1, 1_000_000);
        case "--eval-every" -> evalEvery = in.intIn(1, 100_000_000);
        case "--log" -> log = in.file();
        case "--save" -> save = saveFile(in);
        default -> {
          if (in.isOption()) {
            throw in.error("unknown option '" + a + "'");
          }
          if (task != null) {
            throw in.error("unexpected argument '" + a + "' (the task is already " + task + ")");
          }
          task = a.toLowerCase(Locale.ROOT);
          if (!Task.NAMES.contains(task)) {
            throw in.error("unknown task '" + a + "'; valid: " + String.join(", ", Task.NAMES));
          }
        }
      }
    }
    if (task == null) {
      throw usage("missing TASK (" + String.join(", ", Task.NAMES) + ")");
    }
    try {
      Task.of(task, t, classes, seed);
      return new Options(shared.builder(task).classes(classes).cell(cell).steps(t)
          .clipNorm(clip).gain(gain).seed(seed).parallelism(Parallelism.threads(threads))
          .testSize(testSize).evalEvery(evalEvery).build(), shared.json, log, shared.plot, shared.quiet, save);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The --save file name: .npz or .safetensors (one .npy file cannot hold a whole model). */
  private static String saveFile(Args in) throws UsageException {
    String f = in.file();
    WeightFormat format;
    try {
      format = WeightFormat.of(Path.of(f));
    } catch (IllegalArgumentException e) { // unknown extension, or an invalid path
      format = null;
    }
    if (format != WeightFormat.NPZ && format != WeightFormat.SAFETENSORS) {
      throw in.error("--save expects a .npz or .safetensors file name, got '" + f + "'");
    }
    return f;
  }

  private static UsageException usage(String message) {
    return new UsageException(message, USAGE);
  }
}
