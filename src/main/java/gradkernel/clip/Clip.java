package gradkernel.clip;

import gradkernel.kernel.Kernels;
import java.util.Objects;

/**
 * Overflow-safe gradient clipping over lists of float tensors, treated as one concatenated vector.
 *
 * <p>Norms are accumulated in double (squares of floats are exact in double and cannot overflow
 * it), so the L2 norm of finite input is finite and within ~n·2⁻⁵³ relative of the exact value,
 * unlike PyTorch's per-tensor float norms, which overflow to inf on values near 1e19.
 * Non-finite input throws {@link IllegalArgumentException} naming tensor and element index and
 * value, before any buffer is written.
 */
public final class Clip {
  private Clip() {}

  /** L2 norm over all tensors as if concatenated; finite for finite input. */
  public static double globalNorm(float[]... grads) {
    return Math.sqrt(sumOfSquares(grads));
  }

  /** p-norm (p ≥ 1 or +∞) over all tensors; scaled by max|x| so it never overflows. */
  public static double globalNorm(double p, float[]... grads) {
    if (!(p >= 1)) {
      throw new IllegalArgumentException("p must be >= 1 or +Infinity, got " + p);
    }
    Kernels k = Kernels.active();
    double max = 0;
    for (int t = 0; t < grads.length; t++) {
      float[] g = Objects.requireNonNull(grads[t], "grads[" + t + "]");
      max = Math.max(max, k.maxAbs(g.length, g, 0));
    }
    if (p == 2) {
      return globalNorm(grads);
    }
    if (p == Double.POSITIVE_INFINITY || max == 0 || !Double.isFinite(max)) {
      return max;
    }
    double s = 0;
    for (float[] g : grads) {
      for (float x : g) {
        s += Math.pow(Math.abs(x) / max, p);
      }
    }
    return max * Math.pow(s, 1 / p);
  }

  /**
   * Clips in place so the global L2 norm is ≤ maxNorm; returns the pre-clip norm. Scales only when
   * norm > maxNorm (no write pass otherwise). maxNorm must be ≥ 0 and not NaN; +∞ never clips.
   */
  public static double byGlobalNorm(double maxNorm, float[]... grads) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
    }
    double norm = globalNorm(grads);
    if (norm > maxNorm) {
      // Round the coefficient down so float rounding of scaled values cannot push above maxNorm.
      float c = Math.nextDown((float) (maxNorm / norm));
      c = Math.max(c, 0f);
      Kernels k = Kernels.active();
      for (float[] g : grads) {
        k.scal(g.length, c, g, 0);
      }
    }
    return norm;
  }

  private static double sumOfSquares(float[]... grads) {
    Objects.requireNonNull(grads, "grads");
    Kernels k = Kernels.active();
    double s = 0;
    for (int t = 0; t < grads.length; t++) {
      float[] g = Objects.requireNonNull(grads[t], "grads[" + t + "]");
      s += k.sumOfSquares(g.length, g, 0);
    }
    if (!Double.isFinite(s)) {
      for (int t = 0; t < grads.length; t++) {
        int i = k.indexOfNonFinite(grads[t].length, grads[t], 0);
        if (i >= 0) {
          throw new IllegalArgumentException("non-finite gradient: grads[" + t + "][" + i + "] = "
              + grads[t][i]);
        }
      }
    }
    return s;
  }
}
