package gradkernel.clip;

/**
 * A gradient holds NaN or ±∞ under {@link NonFinite#THROW}. Carries the first offending element in
 * tensor order, then element order; no buffer has been written when it is thrown.
 */
public final class NonFiniteException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int tensorIndex;
  private final int elementIndex;
  private final float value;

  /**
   * Element {@code elementIndex} (relative to the tensor's offset; -1 for a precomputed partial)
   * of tensor {@code tensorIndex} holds {@code value}.
   */
  public NonFiniteException(String what, int tensorIndex, int elementIndex, float value) {
    super("non-finite " + what + ": tensor " + tensorIndex
        + (elementIndex >= 0 ? ", element " + elementIndex : " (precomputed partial)")
        + " = " + value);
    this.tensorIndex = tensorIndex;
    this.elementIndex = elementIndex;
    this.value = value;
  }

  /** Index of the tensor (0-based, in the order tensors were added). */
  public int tensorIndex() {
    return tensorIndex;
  }

  /** Index of the element within its tensor, relative to its offset; -1 for a partial sum. */
  public int elementIndex() {
    return elementIndex;
  }

  /** The offending value: NaN, +∞ or -∞ (for a partial sum, the partial itself). */
  public float value() {
    return value;
  }
}
