package gradkernel.spectral;

import java.util.Arrays;

/**
 * Top singular triple of the j×j upper bidiagonal B_j that Golub–Kahan–Lanczos builds (diagonal
 * alpha[0..j-1], superdiagonal beta[1..j-1]: B(i−1, i) = beta[i]), shared by {@link Lanczos} (on W)
 * and {@link SmallestSingularValue} (on W⁻¹). Works on T = BᵀB: bisection on Sturm counts for
 * λ_max(T), then inverse iteration with a shift slightly above λ_max, where shift·I − T is positive
 * definite so the LDLᵀ factorization without pivoting is stable. Allocates nothing.
 */
final class BidiagonalRitz {
  private BidiagonalRitz() {}

  /**
   * σ_max(B_j), with its unit right singular vector written to ritzY[0..j-1]; work holds j
   * doubles of scratch. See {@link #residual} for the Lanczos residual of that Ritz pair.
   */
  static double top(double[] alpha, double[] beta, int j, double[] ritzY, double[] work) {
    double hi = 0;
    for (int i = 0; i < j; i++) {
      double left = i > 0 ? Math.abs(alpha[i - 1] * beta[i]) : 0;
      double right = i + 1 < j ? Math.abs(alpha[i] * beta[i + 1]) : 0;
      hi = Math.max(hi, diagT(alpha, beta, i) + left + right);
    }
    if (hi == 0) {
      Arrays.fill(ritzY, 0, j, 0);
      ritzY[0] = 1;
      return 0;
    }
    double lo = 0;
    for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
      double mid = 0.5 * (lo + hi);
      if (countAbove(alpha, beta, j, mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double shift = hi * (1 + 1e-13) + Double.MIN_NORMAL;
    double[] d = work;
    for (int i = 0; i < j; i++) {
      ritzY[i] = 1;
    }
    for (int sweep = 0; sweep < 3; sweep++) {
      // factor (shift·I − T) = L D Lᵀ and solve in place; e_i = −T(i, i+1).
      for (int i = 0; i < j; i++) {
        double p = shift - diagT(alpha, beta, i);
        if (i > 0) {
          double e = alpha[i - 1] * beta[i];
          p -= e * e / d[i - 1];
          ritzY[i] += e / d[i - 1] * ritzY[i - 1];
        }
        d[i] = p;
      }
      for (int i = j - 1; i >= 0; i--) {
        double y = ritzY[i] / d[i];
        if (i + 1 < j) {
          y += alpha[i] * beta[i + 1] / d[i] * ritzY[i + 1];
        }
        ritzY[i] = y;
      }
      double n2 = 0;
      for (int i = 0; i < j; i++) {
        n2 += ritzY[i] * ritzY[i];
      }
      double inv = 1 / Math.sqrt(n2);
      for (int i = 0; i < j; i++) {
        ritzY[i] *= inv;
      }
    }
    return Math.sqrt(lo);
  }

  /**
   * The Lanczos residual β_{j+1}·|x_j| of the top Ritz pair σ = {@link #top}(…, j, ritzY, …): the
   * left vector's last component is x_j = alpha[j−1]·ritzY[j−1]/σ.
   */
  static double residual(double[] alpha, double[] ritzY, int j, double sigma, double betaNext) {
    return betaNext * Math.abs(alpha[j - 1] * ritzY[j - 1] / sigma);
  }

  private static double diagT(double[] alpha, double[] beta, int i) {
    return alpha[i] * alpha[i] + beta[i] * beta[i];
  }

  /** True iff T = BᵀB has an eigenvalue > x (Sturm sequence count of the LDLᵀ of T − xI). */
  private static boolean countAbove(double[] alpha, double[] beta, int j, double x) {
    double q = 1;
    for (int i = 0; i < j; i++) {
      double e2 = i > 0 ? sq(alpha[i - 1] * beta[i]) : 0;
      q = diagT(alpha, beta, i) - x - (i > 0 ? e2 / q : 0);
      if (q == 0) {
        q = -1e-300;
      }
      if (q > 0) {
        return true;
      }
    }
    return false;
  }

  private static double sq(double x) {
    return x * x;
  }
}
