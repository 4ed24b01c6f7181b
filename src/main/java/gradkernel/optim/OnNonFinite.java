package gradkernel.optim;

/**
 * What {@link Optimizer#step} does when the global gradient norm (or an explicit clip
 * coefficient) is NaN or ±∞. Either way no weight or state buffer is written: PyTorch steps on a
 * NaN norm unless the caller checks, poisoning every weight; here that cannot happen.
 */
public enum OnNonFinite {
  /**
   * Default: skip the step. Weights, gradients and every state buffer stay bit-identical, the
   * step counter (bias correction, schedule) does not advance, {@link Optimizer#skipped()} does.
   */
  SKIP,
  /**
   * Throw {@link gradkernel.clip.NonFiniteException} (naming the first non-finite gradient
   * element when the norm came from a {@link gradkernel.clip.NormAccumulator}); nothing written.
   */
  THROW
}
