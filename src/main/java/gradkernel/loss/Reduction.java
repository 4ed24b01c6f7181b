package gradkernel.loss;

/**
 * How per-element (or per-row) losses are combined, with PyTorch's {@code reduction=} semantics.
 * What {@link #MEAN} divides by is loss-specific: the element count for MSE, Huber and BCE, the
 * batch (or the number of non-ignored rows) for cross-entropy; each loss documents it.
 */
public enum Reduction {
  /** The average: the sum divided by the loss's count (an empty input gives 0, not NaN). */
  MEAN,
  /** The plain sum. */
  SUM;

  /** The factor applied to the sum for {@code count} items: 1/count for MEAN, 1 for SUM. */
  double scale(long count) {
    return this == SUM || count == 0 ? 1.0 : 1.0 / count;
  }
}
