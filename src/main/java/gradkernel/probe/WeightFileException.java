package gradkernel.probe;

import java.io.IOException;

/** A weight file that cannot be used: missing, truncated, corrupt, wrong dtype or shape. */
public final class WeightFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@code source}: the file (and entry) the problem is in; {@code what}: the problem. */
  public WeightFileException(String source, String what) {
    super(source + ": " + what);
  }
}
