package gradkernel.activation;

import java.util.function.DoubleUnaryOperator;

/**
 * sup and inf of |g'| over [lo, hi] for a smooth g' known in double: the extremes of |g'| lie at
 * the ends (or the limits at ±∞), at critical points of g', or at zeros of g'.
 *
 * <p>The double evaluation has small relative error (≤ 4e-15 for the erfc-based GELU), and the
 * critical points and zeros are known to ~1e-16; so sup is widened and inf narrowed by 2⁻⁴⁴
 * relative plus {@code absSlack}, which keeps sup ≥ the true sup and inf ≤ the true inf.
 */
record DerivativeBounds(DoubleUnaryOperator d, double[] criticals, double[] zeros, double atNegInf,
    double atPosInf, double absSlack) implements Elementwise.Bounds {
  private static final double REL_SLACK = 0x1p-44;
  /** Points within this distance of a tabulated zero or critical point are treated as hitting it. */
  private static final double NEAR = 1e-12;

  @Override public double sup(double lo, double hi) {
    double s = Math.max(at(lo), at(hi));
    for (double c : criticals) {
      if (c >= lo - NEAR && c <= hi + NEAR) {
        s = Math.max(s, Math.abs(d.applyAsDouble(c)));
      }
    }
    return Math.nextUp(s + s * REL_SLACK + absSlack);
  }

  @Override public double inf(double lo, double hi) {
    for (double z : zeros) {
      if (z >= lo - NEAR && z <= hi + NEAR) {
        return 0;
      }
    }
    double m = Math.min(at(lo), at(hi));
    for (double c : criticals) {
      if (c > lo && c < hi) {
        m = Math.min(m, Math.abs(d.applyAsDouble(c)));
      }
    }
    return Math.max(0, Math.nextDown(m - m * REL_SLACK - absSlack));
  }

  private double at(double z) {
    if (z == Double.NEGATIVE_INFINITY) {
      return Math.abs(atNegInf);
    }
    if (z == Double.POSITIVE_INFINITY) {
      return Math.abs(atPosInf);
    }
    return Math.abs(d.applyAsDouble(z));
  }
}
