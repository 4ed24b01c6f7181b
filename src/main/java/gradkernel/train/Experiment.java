package gradkernel.train;

import gradkernel.io.Json;
import gradkernel.kernel.Workers;
import gradkernel.probe.ProbeFailure;
import gradkernel.probe.UsageException;
import gradkernel.tensor.Parallelism;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gradkernel experiment pascanu [--quick]}: the success rate of a tanh RNN without and
 * with gradient clipping, an LSTM and a GRU (both clipped) on a long-range task as the sequence
 * grows (after Pascanu, Mikolov &amp; Bengio 2013), every cell with the same budget: the same
 * steps, batch, hidden units, optimizer and learning rate, over several seeds. Each run is one
 * {@link Trainer} run; runs are independent and deterministic, so running them on several
 * threads changes only the wall time.
 */
public final class Experiment {
  /** One-line usage. */
  public static final String USAGE =
      "usage: gradkernel experiment pascanu [--quick] [options]   (gradkernel experiment --help)";

  /** The help text. */
  public static final String HELP = """
      gradkernel experiment pascanu — does the gradient cure work on a network that learns?

      Trains a tanh RNN without clipping, a tanh RNN with clipping, an LSTM and a GRU (both with
      clipping) on a long-range task for several sequence lengths T and seeds, all with the same
      budget (steps, batch, hidden units, optimizer, learning rate), and prints the fraction of
      runs that solve the task (held-out MSE < 0.01; accuracy >= 99 % for classification).

      usage: gradkernel experiment pascanu [--quick] [options]

        --quick              T 20, 50, 100; 3 seeds; 2000 steps (a few minutes)
                             (default grid: T 50, 100, 200; 5 seeds; 3000 steps)
        --task NAME          adding (default) | multiplication | temporal-order | copy
        --T LIST             comma-separated sequence lengths, e.g. 50,100,200
        --seeds N            seeds per cell (seeds 1..N)
        --steps N            training steps per run
        --hidden N           hidden units (default 32)
        --batch N            sequences per step (default 32)
        --optimizer O        sgd | momentum | rmsprop | adam | adamw (default adam)
        --lr X               learning rate (default that of the optimizer, as for train)
        --clip-norm X        threshold of the clipped cells (default 1)
        --init NAME          recurrent weights of every cell: orthogonal (default) | default |
                             xavier | he | lecun (as for train)
        --threads N          runs in parallel (default: the number of cores, at most 2)
        --format F           table (default) | json
        --plot FILE.svg      success rate against T, one line per cell
        --quiet              no progress lines on stderr

      Exit codes: 0 ok, 1 failure, 2 bad usage.
      """;

  /** The four cells of the grid. */
  record Variant(String label, String cell, boolean clip) {}

  static final List<Variant> VARIANTS = List.of(new Variant("tanh RNN", "rnn", false),
      new Variant("tanh RNN + clip", "rnn", true), new Variant("LSTM + clip", "lstm", true),
      new Variant("GRU + clip", "gru", true));

  /** Parsed options. */
  record Options(TrainConfig base, int[] lengths, int seeds, int threads, boolean quick,
      boolean json, String plot, boolean quiet) {}

  /** One finished run. */
  record Run(Variant variant, int t, long seed, TrainResult result) {}

  private Experiment() {}

  /** Runs {@code gradkernel experiment} with the arguments after "experiment". */
  public static int run(List<String> args, PrintStream out, PrintStream err)
      throws UsageException, ProbeFailure {
    // The entry shape of TrainCli.run too (parse; null: --help): glue around two different
    // Options types, too thin for a helper; the options themselves share RunOptions.
    Options o = parse(args);
    if (o == null) {
      out.print(HELP);
      return 0;
    }
    List<Run> runs = execute(o, err);
    return TrainCli.finish(out, err, o.quiet(), o.plot(), () -> plot(o, runs),
        o.json() ? Json.pretty(toMap(o, runs), 2) : table(o, runs));
  }

  /** The grid's configurations in output order: T major, then variant, then seed. */
  static List<TrainConfig> grid(Options o) {
    List<TrainConfig> cfgs = new ArrayList<>();
    for (int t : o.lengths()) {
      for (Variant v : VARIANTS) {
        for (int s = 1; s <= o.seeds(); s++) {
          cfgs.add(o.base().withSteps(t).withCell(v.cell())
              .withClipNorm(v.clip() ? o.base().clipNorm() : Double.POSITIVE_INFINITY)
              .withSeed(s));
        }
      }
    }
    return cfgs;
  }

  static List<Run> execute(Options o, PrintStream err) throws ProbeFailure {
    List<TrainConfig> cfgs = grid(o);
    if (!o.quiet()) {
      TrainConfig b = o.base();
      err.println("gradkernel: experiment pascanu: " + b.task() + ", T " + join(o.lengths())
          + ", " + VARIANTS.size() + " cells x " + o.seeds() + " seeds = " + cfgs.size()
          + " runs of " + b.iterations() + " steps (hidden " + b.hidden() + ", batch " + b.batch()
          + ", " + b.optimizer() + " lr " + ProgressLine.num(b.lr()) + ") on " + o.threads()
          + " thread(s)");
      if (!o.quick()) {
        err.println("gradkernel: expected time about " + ProgressLine.duration(estimate(o, cfgs))
            + " (from a short calibration run on this machine; --quick for a few minutes)");
      }
    }
    long start = System.nanoTime();
    TrainResult[] results = new TrainResult[cfgs.size()];
    int per = VARIANTS.size() * o.seeds();
    int[] done = {0};
    // runs are independent: the shared workers take them in any order, each result has its slot
    Workers.run(o.threads(), cfgs.size(), i -> {
      TrainResult r = new Trainer(cfgs.get(i)).run();
      results[i] = r;
      if (!o.quiet()) {
        TrainConfig c = cfgs.get(i);
        Variant v = VARIANTS.get(i % per / o.seeds());
        synchronized (done) {
          err.printf(Locale.ROOT, "gradkernel: [%d/%d] T %d, %s, seed %d: %s (held-out %s%s) "
              + "%.1f s, elapsed %s%n", ++done[0], cfgs.size(), c.steps(), v.label(), c.seed(),
              r.solved() ? "solved" : "not solved", ProgressLine.num(r.testLoss()),
              r.skippedSteps() > 0 ? ", " + r.skippedSteps() + " non-finite steps skipped" : "",
              r.seconds(), ProgressLine.duration((System.nanoTime() - start) / 1e9));
        }
      }
    });
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < cfgs.size(); i++) {
      TrainConfig c = cfgs.get(i);
      runs.add(new Run(VARIANTS.get(i % per / o.seeds()), c.steps(), c.seed(), results[i]));
    }
    return runs;
  }

  /**
   * Expected seconds for the grid: a 100-step LSTM run at the smallest T warms the JIT up, a
   * second one gives the seconds per step·T; cells are weighted by their measured cost relative
   * to an LSTM (tanh RNN 1/4, GRU 3/4), plus 10 % for the held-out evaluations.
   */
  static double estimate(Options o, List<TrainConfig> cfgs) {
    TrainConfig b = o.base();
    TrainConfig cal = b.toBuilder().cell("lstm").steps(o.lengths()[0]).iterations(100).seed(1)
        .testSize(b.batch()).evalEvery(100).build();
    new Trainer(cal).run();
    TrainResult r = new Trainer(cal.withSeed(2)).run();
    double perStepT = r.seconds() / (100.0 * cal.steps());
    double total = 0;
    for (TrainConfig c : cfgs) {
      double w = switch (c.cell()) {
        case "rnn" -> 0.25;
        case "gru" -> 0.75;
        default -> 1.0;
      };
      total += perStepT * w * c.iterations() * c.steps() * 1.1;
    }
    return total / o.threads();
  }

  /** Successes per variant (rows) and T (columns). */
  static int[][] successes(Options o, List<Run> runs) {
    int[][] s = new int[VARIANTS.size()][o.lengths().length];
    for (Run r : runs) {
      if (r.result().solved()) {
        s[VARIANTS.indexOf(r.variant())][index(o.lengths(), r.t())]++;
      }
    }
    return s;
  }

  private static int index(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    throw new IllegalArgumentException("T " + v + " not in the grid");
  }

  /** The success-rate table with the median held-out loss per cell. */
  static String table(Options o, List<Run> runs) {
    TrainConfig b = o.base();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "pascanu experiment: %s task, solved = %s, %d steps, "
        + "batch %d, hidden %d, %s lr %s, clip %s for the clipped cells, %s init, seeds 1..%d%n",
        b.task(), Task.of(b.task(), o.lengths()[0], b.classes(), 1).classification()
            ? "held-out accuracy >= 99 %" : "held-out MSE < 0.01", b.iterations(), b.batch(),
        b.hidden(), b.optimizer(), ProgressLine.num(b.lr()), ProgressLine.num(b.clipNorm()),
        b.init(), o.seeds()));
    sb.append("success rate (solved runs / seeds), median held-out loss in brackets; "
        + "! = some run skipped non-finite steps\n\n");
    sb.append(String.format(Locale.ROOT, "%-16s", "cell"));
    for (int t : o.lengths()) {
      sb.append(String.format(Locale.ROOT, " %-20s", "T=" + t));
    }
    sb.append('\n');
    int[][] s = successes(o, runs);
    for (int v = 0; v < VARIANTS.size(); v++) {
      sb.append(String.format(Locale.ROOT, "%-16s", VARIANTS.get(v).label()));
      for (int i = 0; i < o.lengths().length; i++) {
        List<Run> cell = cell(runs, VARIANTS.get(v), o.lengths()[i]);
        boolean skipped = cell.stream().anyMatch(r -> r.result().skippedSteps() > 0);
        sb.append(String.format(Locale.ROOT, " %-20s", s[v][i] + "/" + o.seeds() + " ("
            + ProgressLine.num(medianLoss(cell)) + ")" + (skipped ? " !" : "")));
      }
      sb.append('\n');
    }
    double secs = runs.stream().mapToDouble(r -> r.result().seconds()).sum();
    sb.append(String.format(Locale.ROOT, "%n%d runs, %.1f s of training in total%n", runs.size(),
        secs));
    return sb.toString();
  }

  private static List<Run> cell(List<Run> runs, Variant v, int t) {
    return runs.stream().filter(r -> r.variant().equals(v) && r.t() == t).toList();
  }

  private static double medianLoss(List<Run> cell) {
    double[] l = cell.stream().mapToDouble(r -> Double.isNaN(r.result().testLoss())
        ? Double.POSITIVE_INFINITY : r.result().testLoss()).sorted().toArray();
    if (l.length == 0) {
      return Double.NaN;
    }
    return l.length % 2 == 1 ? l[l.length / 2] : (l[l.length / 2 - 1] + l[l.length / 2]) / 2;
  }

  /** JSON-ready map: settings, per-run results and the success rate per cell and T. */
  static Map<String, Object> toMap(Options o, List<Run> runs) {
    TrainConfig b = o.base();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("experiment", "pascanu");
    m.put("task", b.task());
    m.put("T", Arrays.stream(o.lengths()).boxed().toList());
    m.put("seeds", o.seeds());
    m.put("steps", b.iterations());
    m.put("batch", b.batch());
    m.put("hidden", b.hidden());
    m.put("optimizer", b.optimizer());
    m.put("lr", b.lr());
    m.put("clipNorm", b.clipNorm());
    m.put("init", b.init());
    int[][] s = successes(o, runs);
    Map<String, Object> rates = new LinkedHashMap<>();
    for (int v = 0; v < VARIANTS.size(); v++) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < o.lengths().length; i++) {
        row.add((double) s[v][i] / o.seeds());
      }
      rates.put(VARIANTS.get(v).label(), row);
    }
    m.put("successRate", rates);
    List<Object> list = new ArrayList<>();
    for (Run r : runs) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("cell", r.variant().label());
      e.put("T", r.t());
      e.put("seed", r.seed());
      e.put("solved", r.result().solved());
      e.put("testLoss", r.result().testLoss());
      e.put("trivialLoss", r.result().trivialLoss());
      e.put("testAccuracy", Double.isNaN(r.result().testAccuracy()) ? null
          : r.result().testAccuracy());
      e.put("maxGradNorm", r.result().maxGradNorm());
      e.put("clippedSteps", r.result().clippedSteps());
      e.put("skippedSteps", r.result().skippedSteps());
      e.put("events", r.result().eventTotal());
      e.put("seconds", r.result().seconds());
      list.add(e);
    }
    m.put("runs", list);
    return m;
  }

  /** SVG: success rate (0..1) against T, one line per cell. */
  static String plot(Options o, List<Run> runs) {
    int[] ts = o.lengths();
    StringBuilder sb = new StringBuilder();
    Svg.header(sb, 900, 480, "gradkernel experiment pascanu");
    Svg.text(sb, 90, 28, 16, "bold", "start", "#000", Svg.escape("Success rate against sequence "
        + "length T (" + o.base().task() + ", " + o.base().iterations() + " steps, "
        + o.seeds() + " seeds)"));
    Svg.Frame f = new Svg.Frame(90, 60, 560, 340, ts[0], ts[ts.length - 1]).linear(0, 1);
    Svg.axes(sb, f, "sequence length T", "success rate",
        Arrays.stream(ts).asDoubleStream().toArray());
    String[] colors = {"#d62728", "#ff7f0e", "#1f77b4", "#2ca02c"};
    double[] widths = {5, 4, 3, 2}; // overlapping lines stay visible (wider ones underneath)
    int[][] s = successes(o, runs);
    List<String> labels = new ArrayList<>();
    for (int v = 0; v < VARIANTS.size(); v++) {
      double[] xs = new double[ts.length];
      double[] ys = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        xs[i] = ts[i];
        ys[i] = (double) s[v][i] / o.seeds();
      }
      Svg.polyline(sb, f, xs, ys, colors[v], widths[v], 1);
      labels.add(VARIANTS.get(v).label());
    }
    Svg.legend(sb, f.x() + f.w() + 20, f.y() + 10, labels, List.of(colors));
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String join(int[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(a[i]);
    }
    return sb.toString();
  }

  /** Parses the arguments after "experiment"; null means --help. */
  static Options parse(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw usage("missing experiment name (pascanu)");
    }
    if (args.contains("--help") || args.contains("-h")) {
      return null;
    }
    if (!args.get(0).equals("pascanu")) {
      throw usage("unknown experiment '" + args.get(0) + "' (pascanu)");
    }
    boolean quick = args.contains("--quick");
    String task = "adding";
    int[] lengths = quick ? new int[] {20, 50, 100} : new int[] {50, 100, 200};
    int seeds = quick ? 3 : 5;
    double clip = 1;
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    RunOptions shared = new RunOptions(quick ? 2000 : 3000, "orthogonal");
    Args in = new Args(args, 1, USAGE);
    while (in.advance()) {
      String a = in.name();
      if (shared.accept(in)) {
        continue;
      }
      switch (a) {
        case "--quick" -> in.flag();
        case "--task" -> task = in.choice(Task.NAMES);
        case "--T", "--t" -> lengths = lengths(in);
        case "--seeds" -> seeds = in.intIn(1, 1000);
        case "--clip-norm" -> clip = in.positive(true);
        case "--threads" -> threads = in.intIn(1, Parallelism.MAX_THREADS);
        default -> throw in.error(in.isOption() ? "unknown option '" + a + "'"
            : "unexpected argument '" + a + "'");
      }
    }
    try {
      for (int t : lengths) {
        Task.of(task, t, 4, 1);
      }
      TrainConfig base = shared.builder(task).steps(lengths[0]).clipNorm(clip).build();
      return new Options(base, lengths, seeds, threads, quick, shared.json, shared.plot,
          shared.quiet);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private static int[] lengths(Args in) throws UsageException {
    String v = in.value();
    String[] parts = v.split(",");
    int[] t = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      t[i] = in.intIn("--T", parts[i], 2, 100_000);
      if (i > 0 && t[i] <= t[i - 1]) {
        throw usage("--T: lengths must increase, got '" + v + "'");
      }
    }
    return t;
  }

  private static UsageException usage(String message) {
    return new UsageException(message, USAGE);
  }
}
