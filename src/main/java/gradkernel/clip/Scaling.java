package gradkernel.clip;

import gradkernel.kernel.Kernels;

/** The clip coefficient and its application, shared by every clipping entry point. */
final class Scaling {
  /** Below this, c·x rounds to zero for every finite float x (|x| < 2¹²⁸, half-ulp 2⁻¹⁵⁰). */
  private static final double NOTHING_SURVIVES = 0x1p-278;

  private Scaling() {}

  /**
   * Slack below limit/norm that absorbs the rounding of each scaled element (2⁻²⁴) and of the
   * norm itself ((n/2 + 2)·2⁻⁵³ ≤ 2⁻²⁶ for n ≤ 2²⁸), so the clipped gradient's computed norm is
   * ≤ limit and a second clip writes nothing (idempotence).
   */
  static final double SLACK = 1 - 0x1p-22;

  /** limit/norm·(1 − 2⁻²²) when norm &gt; limit, else 1 (both finite, ≥ 0). */
  static double coefficient(double norm, double limit) {
    return norm > limit ? limit / norm * SLACK : 1;
  }

  /** c as a float, rounded down, for c ≥ Float.MIN_NORMAL. */
  static float roundDown(double c) {
    float f = (float) c;
    return f > c ? Math.nextDown(f) : f;
  }

  /**
   * x[off, off+n) *= c for 0 ≤ c < 1. A coefficient below the float normal range is applied as
   * exact powers of two 2⁻¹²⁶ first and a normal float last, so a tiny maxNorm/norm does not
   * lose its precision (a subnormal float factor would); products that matter stay exact until
   * the final rounding.
   */
  static void apply(double c, float[] x, int off, int n) {
    Kernels k = Kernels.active();
    if (c < NOTHING_SURVIVES) {
      k.scal(n, 0f, x, off);
      return;
    }
    while (c < Float.MIN_NORMAL) {
      k.scal(n, Float.MIN_NORMAL, x, off);
      c *= 0x1p126;
    }
    k.scal(n, roundDown(c), x, off);
  }

  /** Sets every NaN/±∞ of x[off, off+n) to +0, leaving finite elements untouched. */
  static void zeroNonFinite(float[] x, int off, int n) {
    Kernels k = Kernels.active();
    int i = 0;
    while (i < n) {
      int j = k.indexOfNonFinite(n - i, x, off + i);
      if (j < 0) {
        return;
      }
      x[off + i + j] = 0f;
      i += j + 1;
    }
  }
}
