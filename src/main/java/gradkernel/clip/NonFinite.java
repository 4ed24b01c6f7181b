package gradkernel.clip;

/**
 * What clipping does when a gradient holds NaN or ±∞. Non-finite values cannot be clipped in a
 * meaningful way (∞·0 and NaN·c are NaN), so the caller chooses explicitly.
 */
public enum NonFinite {
  /**
   * Default: throw {@link NonFiniteException} naming the first non-finite element (tensor index,
   * element index, value); every buffer is left bit-for-bit untouched.
   */
  THROW,
  /** Return the non-finite norm (NaN if any NaN, else +∞) and change nothing: skip the step. */
  SKIP,
  /** Zero the non-finite elements, then clip the remaining (finite) gradient as usual. */
  ZERO
}
