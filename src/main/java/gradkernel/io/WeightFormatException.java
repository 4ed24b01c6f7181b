package gradkernel.io;

import java.io.IOException;

/**
 * A weight file that cannot be read or written: missing, truncated, corrupt, a dtype or shape the
 * format does not allow, or a header that promises more than the file holds. The message is
 * {@code "<source>: <problem>"}.
 */
public final class WeightFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String problem;

  /** {@code source}: the file (and member) the problem is in; {@code problem}: what is wrong. */
  public WeightFormatException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
    this.problem = problem;
  }

  /** The file (and member, as {@code file[member]}) the problem is in. */
  public String source() {
    return source;
  }

  /** What is wrong, without the source. */
  public String problem() {
    return problem;
  }
}
