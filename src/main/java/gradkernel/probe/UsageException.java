package gradkernel.probe;

/** Bad command-line usage: the message is one line for stderr; the exit code is 2. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String usage;

  /** {@code message}: what is wrong; {@code usage}: the usage line of the command concerned. */
  public UsageException(String message, String usage) {
    super(message);
    this.usage = usage;
  }

  /** The usage line to print after the message. */
  public String usage() {
    return usage;
  }
}
