package gradkernel.train;

import gradkernel.optim.MonitorEvent;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress display of {@code train} on stderr: on a terminal one line redrawn in place with
 * {@code \r} (at most 5 times a second), when piped a plain line at most every 2 seconds; monitor
 * events get a line of their own as they happen (the first {@link #MAX_EVENT_LINES}, then a
 * count). Silent when quiet.
 */
final class ProgressLine implements Trainer.Listener {
  static final int MAX_EVENT_LINES = 20;
  private static final long TTY_NANOS = 200_000_000L;
  private static final long PIPE_NANOS = 2_000_000_000L;
  private final PrintStream err;
  private final boolean quiet;
  private final boolean tty;
  private final String prefix;
  private long last = System.nanoTime();
  private int eventLines;
  private boolean drawn;
  private String line = "";

  ProgressLine(PrintStream err, boolean quiet, boolean tty, String prefix) {
    this.err = err;
    this.quiet = quiet;
    this.tty = tty;
    this.prefix = prefix;
  }

  /**
   * Whether stderr is a terminal: the launcher's {@code -Dgradkernel.stderrTty=true|false}
   * ({@code [ -t 2 ]}) when set, else whether the JVM has a console that is a terminal.
   */
  static boolean terminal() {
    String p = System.getProperty("gradkernel.stderrTty");
    if (p != null) {
      return Boolean.parseBoolean(p);
    }
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  @Override public void step(Trainer.StepReport r) {
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    boolean lastStep = r.step() == r.total() - 1;
    if (!lastStep && now - last < (tty ? TTY_NANOS : PIPE_NANOS)) {
      return;
    }
    last = now;
    line = format(r);
    if (tty) {
      err.print("\r" + line + "\033[K");
      drawn = true;
      if (lastStep) {
        err.println();
        drawn = false;
      }
      err.flush();
    } else {
      err.println(line);
    }
  }

  @Override public void event(MonitorEvent e) {
    if (quiet) {
      return;
    }
    eventLines++;
    if (eventLines > MAX_EVENT_LINES) {
      return;
    }
    String text = eventLines == MAX_EVENT_LINES
        ? "gradkernel: " + describe(e) + " (further events: see the result)"
        : "gradkernel: " + describe(e);
    if (tty && drawn) {
      err.print("\r\033[K" + text + "\n" + line);
      err.flush();
    } else {
      err.println(text);
    }
  }

  /**
   * "step 441: GRADIENT_EXPLOSION gradient norm 1.974 > 1.744" (4 digits; the monitor's own
   * detail for vanishing and for skipped steps, which names the first non-finite value).
   */
  static String describe(MonitorEvent e) {
    String what = switch (e.type()) {
      case LOSS_SPIKE -> "loss " + num(e.value()) + " > " + num(e.reference());
      case GRADIENT_EXPLOSION -> "gradient norm " + num(e.value()) + " > " + num(e.reference());
      case VANISHING, SKIPPED_STEP -> e.detail();
    };
    return "step " + e.step() + ": " + e.type() + " " + what;
  }

  /** The progress text of one step. */
  String format(Trainer.StepReport r) {
    int done = r.step() + 1;
    double rate = done / Math.max(1e-9, r.seconds());
    // the first steps include JIT compilation: no estimate until 10 steps and 1 s have passed
    double left = done >= 10 && r.seconds() >= 1 ? (r.total() - done) / rate : Double.NaN;
    return String.format(Locale.ROOT,
        "%sstep %d/%d  loss %s  held-out %s  |g| %s  clipped %.0f%%  events %d  %.1f steps/s"
            + "  %s left",
        prefix, done, r.total(), num(r.loss()), num(r.testLoss()), num(r.gradNorm()),
        100.0 * r.clippedSteps() / done, r.eventTotal(), rate, duration(left));
  }

  /** 4 significant digits, or "-" for NaN. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e5)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.indexOf('.') >= 0) {
      s = s.replaceAll("0+$", "");
      s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
    return s;
  }

  /** "42 s", "3 min 05 s". */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }
}
