package gradkernel.probe;

/** A probe that cannot be carried out for a reason the user can act on; exit code 1. */
public final class ProbeFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** {@code message}: one line saying what failed and why. */
  public ProbeFailure(String message) {
    super(message);
  }
}
