package gradkernel.bench;

import gradkernel.kernel.Kernels;

/**
 * The L2 path of {@code gradkernel.clip.NormAccumulator} before commit 14e51de (2026-12-01), kept
 * only as the baseline of {@link NormHotPathBench}: the same fixed chunks and the same kernel
 * ({@code Kernels.sumOfSquares}) for each chunk's Σx², but the chunk partials are summed in plain
 * double ({@code sum·2^shift}, rescaled by a power of two past 2⁹⁰⁰) instead of exactly in an
 * {@code ExactSum}. Copied from {@code git show 14e51de^:src/main/java/gradkernel/clip/
 * NormAccumulator.java} (p = 2, finite input; the non-finite bookkeeping reduced to the flag the
 * hot path tests), so the comparison isolates the cost of the exact, order-independent merge.
 */
final class LegacyNormAccumulator {
  static final int CHUNK = 1 << 16;
  private static final double BIG = 0x1p900;
  private static final int STEP = 600; // even, so the square root rescales exactly

  private double sum;
  private int shift;
  private double nonFinite;
  private int tensors;

  LegacyNormAccumulator reset() {
    sum = 0;
    shift = 0;
    nonFinite = 0;
    tensors = 0;
    return this;
  }

  /** Adds x[off, off+len) as the next tensor, chunk by chunk, as the old add(x, off, len) did. */
  LegacyNormAccumulator add(float[] x, int off, int len) {
    tensors++;
    Kernels k = Kernels.active();
    for (int c = 0, n; c < len; c += n) {
      n = Math.min(CHUNK, len - c);
      double chunkSum = k.sumOfSquares(n, x, off + c);
      if (!Double.isFinite(chunkSum)) {
        nonFinite = Double.isNaN(nonFinite) || Double.isNaN(chunkSum) ? Double.NaN
            : Double.POSITIVE_INFINITY;
      } else {
        addScaled(chunkSum, 0);
      }
    }
    return this;
  }

  LegacyNormAccumulator add(float[] x) {
    return add(x, 0, x.length);
  }

  /** The old addSumOfSquares for a finite partial ≥ 0. */
  LegacyNormAccumulator addSumOfSquares(double sumOfSquares) {
    tensors++;
    addScaled(sumOfSquares, 0);
    return this;
  }

  double norm() {
    if (nonFinite != 0) {
      return nonFinite;
    }
    return Math.scalb(Math.sqrt(sum), shift / 2);
  }

  /** sum·2^shift += q·2^s for finite q ≥ 0 and even s, rescaling by powers of two only. */
  private void addScaled(double q, int s) {
    if (q == 0) {
      return;
    }
    if (q > BIG) {
      q = Math.scalb(q, -STEP);
      s += STEP;
    }
    if (sum == 0) {
      sum = q;
      shift = s;
    } else {
      if (s > shift) {
        sum = Math.scalb(sum, shift - s);
        shift = s;
      } else if (s < shift) {
        q = Math.scalb(q, s - shift);
      }
      sum += q;
    }
    if (sum > BIG) {
      sum = Math.scalb(sum, -STEP);
      shift += STEP;
    }
  }
}
