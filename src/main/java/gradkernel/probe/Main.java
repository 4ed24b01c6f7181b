package gradkernel.probe;

import gradkernel.kernel.Kernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code gradkernel} command line. {@link #run} returns the exit code — 0 ok, 1 failure,
 * 2 bad usage — and writes only to the streams it is given, so tests drive it directly.
 * User errors print one line (and for usage errors a usage line) on stderr, never a stack trace.
 */
public final class Main {
  static final String USAGE = "usage: gradkernel <command> [options]   (gradkernel --help)";

  static final String HELP = """
      gradkernel — gradient flow through deep networks (pure Java, JDK Vector API).

      usage: gradkernel <command> [options]

      Commands:
        probe      per-layer gradient norms, spectral bounds, verdict and clipping effect for a
                   built-in suite of networks or your own weights (gradkernel probe --help)
        inspect    list the tensors in .npy / .npz / .safetensors files (name, dtype, shape)
        train      train an RNN / LSTM / GRU on a long-range task (adding, multiplication,
                   temporal-order, copy) and watch the gradient flow (gradkernel train --help)
        experiment pascanu: success rate of tanh RNN, RNN + clipping, LSTM, GRU against the
                   sequence length (gradkernel experiment --help)
        help       this text, or help for a command: gradkernel help probe

      Exit codes: 0 ok, 1 failure, 2 bad usage.
      """;

  private static final String INSPECT_USAGE = "usage: gradkernel inspect FILE...";

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    int code = run(args, out, err);
    out.flush();
    System.exit(code);
  }

  /**
   * Runs {@code args}, writing results to {@code out} and messages to {@code err}; returns the exit
   * code. Output that could not be written (a full disk, a closed pipe) is a failure, exit 1.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    int code = runChecked(args, out, err);
    out.flush();
    if (out.checkError()) {
      err.println("gradkernel: cannot write to standard output (disk full or pipe closed?); the output is"
          + " incomplete");
      return 1;
    }
    return code;
  }

  private static int runChecked(String[] args, PrintStream out, PrintStream err) {
    try {
      return dispatch(Arrays.asList(args), out, err);
    } catch (UsageException e) {
      err.println("gradkernel: " + Text.printable(e.getMessage()));
      err.println(e.usage());
      return 2;
    } catch (WeightFileException | ProbeFailure e) {
      err.println("gradkernel: " + Text.printable(e.getMessage()));
      return 1;
    } catch (IOException e) {
      err.println("gradkernel: " + Text.reason(e));
      return 1;
    } catch (OutOfMemoryError e) {
      err.println("gradkernel: out of memory; try a smaller --width, --depth or --batch, or a larger -Xmx"
          + " (GRADKERNEL_JVM_OPTS)");
      return 1;
    } catch (RuntimeException | StackOverflowError e) {
      // A bug, not a user error: one line, and the trace only when asked for.
      err.println("gradkernel: internal error: " + Text.printable(String.valueOf(e))
          + (System.getenv("GRADKERNEL_DEBUG") == null ? " (set GRADKERNEL_DEBUG=1 for the stack trace)" : ""));
      if (System.getenv("GRADKERNEL_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private static int dispatch(List<String> args, PrintStream out, PrintStream err)
      throws UsageException, IOException, ProbeFailure {
    if (args.isEmpty()) {
      throw new UsageException("missing command (probe, inspect, train, experiment or help)", USAGE);
    }
    String cmd = args.get(0);
    List<String> rest = args.subList(1, args.size());
    switch (cmd) {
      case "--help", "-h", "help" -> {
        if (rest.isEmpty()) {
          out.print(HELP);
        } else if (rest.get(0).equals("probe")) {
          out.print(ProbeCli.HELP);
        } else if (rest.get(0).equals("train")) {
          out.print(gradkernel.train.TrainCli.HELP);
        } else if (rest.get(0).equals("experiment")) {
          out.print(gradkernel.train.Experiment.HELP);
        } else if (rest.get(0).equals("inspect")) {
          out.println(INSPECT_USAGE);
        } else {
          throw new UsageException("no help for unknown command '" + Text.name(rest.get(0)) + "'", USAGE);
        }
        return 0;
      }
      case "--version" -> {
        out.println("gradkernel 0.1.0-SNAPSHOT (kernels: " + Kernels.active().name() + ")");
        return 0;
      }
      case "probe" -> {
        ProbeOptions o = ProbeCli.parse(rest);
        if (o == null) {
          out.print(ProbeCli.HELP);
          return 0;
        }
        return probe(o, out, err);
      }
      case "inspect" -> {
        return inspect(rest, out);
      }
      case "train" -> {
        return gradkernel.train.TrainCli.run(rest, out, err);
      }
      case "experiment" -> {
        return gradkernel.train.Experiment.run(rest, out, err);
      }
      default -> throw new UsageException("unknown command '" + Text.name(cmd)
          + "' (probe, inspect, train, experiment or help)", USAGE);
    }
  }

  private static int probe(ProbeOptions o, PrintStream out, PrintStream err)
      throws IOException, ProbeFailure, UsageException {
    Path plot = o.plot() == null ? null : plotPath(o.plot());
    Progress progress = new Progress(err, o.quiet());
    ProbeResult r = Probe.run(o, progress);
    if (plot != null) {
      try {
        Files.writeString(plot, SvgPlot.render(r), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ProbeFailure("cannot write the plot to " + Text.printable(plot.toString()) + ": "
            + Text.reason(e));
      }
      progress.say("plot written to " + Text.printable(plot.toString()));
    }
    out.print(switch (o.format()) {
      case JSON -> ReportWriter.json(r);
      case CSV -> ReportWriter.csv(r);
      case TABLE -> ReportWriter.table(r, o.allLayers());
    });
    return 0;
  }

  /** The plot's path, checked before the probe runs: its directory exists and it is not a directory. */
  private static Path plotPath(String file) throws ProbeFailure {
    Path p;
    try {
      p = Path.of(file);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ProbeFailure("--plot: invalid file name '" + Text.printable(file) + "' (" + e.getReason() + ")");
    }
    String shown = Text.printable(file);
    if (Files.isDirectory(p)) {
      throw new ProbeFailure("cannot write the plot to " + shown + ": is a directory");
    }
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ProbeFailure("cannot write the plot to " + shown + ": no such directory "
          + Text.printable(parent.toString()));
    }
    if (parent != null && !Files.isWritable(parent) && !Files.isWritable(p)) {
      throw new ProbeFailure("cannot write the plot to " + shown + ": permission denied");
    }
    return p;
  }

  private static int inspect(List<String> files, PrintStream out) throws UsageException,
      WeightFileException {
    if (files.isEmpty() || files.contains("--help")) {
      if (files.contains("--help")) {
        out.println(INSPECT_USAGE);
        return 0;
      }
      throw new UsageException("inspect needs at least one file", INSPECT_USAGE);
    }
    for (String spec : files) {
      if (spec.startsWith("-")) {
        throw new UsageException("unknown option '" + Text.name(spec) + "'", INSPECT_USAGE);
      }
      for (Path p : WeightStack.expand(spec)) {
        List<Tensor> tensors = WeightStack.readFile(p);
        out.println(Text.printable(p.toString()));
        for (Tensor t : tensors) {
          out.printf("  %-40s %-8s %s%n", Text.printable(t.name()), t.sourceDtype(), t.shapeString());
        }
      }
    }
    return 0;
  }
}
