package gradkernel.probe;

import java.io.PrintStream;

/**
 * Progress lines on stderr for runs that take a while: nothing during the first second, then at
 * most one line per second; silent under --quiet.
 */
final class Progress {
  private static final long NANOS_PER_LINE = 1_000_000_000L;
  private final PrintStream err;
  private final boolean quiet;
  private final long start = System.nanoTime();
  private long last = start;

  Progress(PrintStream err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
  }

  /** Reports {@code what} if a second has passed since the start or the last line. */
  void step(String what) {
    long now = System.nanoTime();
    if (!quiet && now - last >= NANOS_PER_LINE) {
      last = now;
      err.printf("gradkernel: %s (%.1f s)%n", what, (now - start) / 1e9);
    }
  }

  /** Always reports (unless quiet). */
  void say(String what) {
    if (!quiet) {
      err.println("gradkernel: " + what);
    }
  }
}
