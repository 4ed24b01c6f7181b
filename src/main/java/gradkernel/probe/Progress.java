package gradkernel.probe;

import java.io.PrintStream;

/** Progress lines on stderr for runs that take a while; silent under --quiet. */
final class Progress {
  private static final long QUIET_FOR_NANOS = 1_000_000_000L;
  private final PrintStream err;
  private final boolean quiet;
  private final long start = System.nanoTime();

  Progress(PrintStream err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  /** Reports a step once the run has taken longer than a moment, so quick runs stay silent. */
  void step(String what) {
    if (!quiet && System.nanoTime() - start > QUIET_FOR_NANOS) {
      err.printf("gradkernel: %s (%.1f s)%n", what, (System.nanoTime() - start) / 1e9);
    }
  }

  /** Always reports (unless quiet). */
  void say(String what) {
    if (!quiet) {
      err.println("gradkernel: " + what);
    }
  }
}
