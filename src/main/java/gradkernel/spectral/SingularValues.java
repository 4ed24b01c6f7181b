package gradkernel.spectral;

import gradkernel.tensor.Matrix;
import java.util.Arrays;
import java.util.Objects;

/**
 * Singular values of small/medium matrices (up to a few hundred per side) by one-sided Jacobi
 * (Hestenes) rotations in double precision. One-sided Jacobi is accurate to a small multiple of
 * double epsilon relative to σ_max (and to high relative accuracy on well-scaled columns), so the
 * results are used as the "exact" reference for float inputs, e.g. by upper growth bounds.
 *
 * <p>Any finite float matrix is accepted, including rank-deficient ones and entries anywhere in
 * float range (3e38 or 1e-45): the matrix is first scaled by a power of two (exact) so its largest
 * entry lies in [1, 2), and a column whose norm falls below √(m·n)·ε·‖A‖_F (ε = 2⁻⁵²) is treated as
 * converged — it is numerically zero, and rotating rounding noise against the other columns never
 * converges. Singular values below that level are therefore reported with absolute error of the
 * order of √(m·n)·ε·‖A‖_F (≈ 3e-14·‖A‖_F for 128×128), far inside {@link GrowthBounds#SVD_SLACK}.
 * Cost: O(sweeps·m·n²) with typically 6–12 sweeps; at 1024×1024 that is tens of seconds, so large
 * matrices want {@link Lanczos} for σ_max.
 */
public final class SingularValues {
  private static final int MAX_SWEEPS = 60;
  private static final double EPS = 0x1p-52;

  private SingularValues() {}

  /** All min(m, n) singular values of the m×n matrix, descending; throws on NaN/Inf or zero size. */
  public static double[] of(Matrix a) {
    Objects.requireNonNull(a, "a");
    if (a.rows() == 0 || a.cols() == 0) {
      throw new IllegalArgumentException("SingularValues: zero-size matrix " + a.shape());
    }
    boolean wide = a.cols() > a.rows();
    int m = wide ? a.cols() : a.rows();
    int n = wide ? a.rows() : a.cols();
    double maxAbs = 0;
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        float x = a.get(i, j);
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("SingularValues: non-finite entry " + x + " at ("
              + i + ", " + j + ") of " + a.shape() + " matrix");
        }
        maxAbs = Math.max(maxAbs, Math.abs((double) x));
      }
    }
    double[] s = new double[n];
    if (maxAbs == 0) {
      return s;
    }
    // Power-of-two scaling (exact): the largest entry lands in [1, 2), squares cannot under/overflow.
    int exp = Math.getExponent(maxAbs);
    double down = Math.scalb(1.0, -exp);
    // column-major copy: col[j][i] so that column rotations touch contiguous memory.
    double[][] col = new double[n][m];
    double fro2 = 0;
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        double x = a.get(i, j) * down;
        fro2 += x * x;
        if (wide) {
          col[i][j] = x;
        } else {
          col[j][i] = x;
        }
      }
    }
    // Columns with squared norm at or below this are numerically zero relative to ‖A‖_F.
    double negligible = (double) m * n * EPS * EPS * fro2;
    boolean converged = false;
    for (int sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
      converged = true;
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          converged &= rotate(col[p], col[q], negligible);
        }
      }
    }
    if (!converged) {
      throw new ArithmeticException("SingularValues: Jacobi did not converge in " + MAX_SWEEPS
          + " sweeps for " + a.shape() + " matrix");
    }
    for (int j = 0; j < n; j++) {
      s[j] = Math.scalb(norm(col[j]), exp);
    }
    Arrays.sort(s);
    for (int i = 0; i < n / 2; i++) {
      double t = s[i];
      s[i] = s[n - 1 - i];
      s[n - 1 - i] = t;
    }
    return s;
  }

  /** Largest singular value (2-norm) of the matrix, via {@link #of}. */
  public static double max(Matrix a) {
    return of(a)[0];
  }

  /** Smallest singular value of a square matrix (0 if singular); throws for non-square input. */
  public static double min(Matrix a) {
    requireSquare(a, "SingularValues.min");
    double[] s = of(a);
    return s[s.length - 1];
  }

  /** 2-norm condition number σ_max/σ_min of a square matrix; +∞ if singular. */
  public static double condition(Matrix a) {
    requireSquare(a, "SingularValues.condition");
    double[] s = of(a);
    return s[s.length - 1] == 0 ? Double.POSITIVE_INFINITY : s[0] / s[s.length - 1];
  }

  static void requireSquare(Matrix a, String who) {
    Objects.requireNonNull(a, "a");
    if (a.rows() != a.cols()) {
      throw new IllegalArgumentException(who + ": needs a square matrix, got " + a.shape());
    }
  }

  /**
   * Orthogonalizes columns x, y by one Jacobi rotation; returns true if already orthogonal or if
   * either column's squared norm is at most {@code negligible} (numerically zero).
   */
  private static boolean rotate(double[] x, double[] y, double negligible) {
    double alpha = 0;
    double beta = 0;
    double gamma = 0;
    for (int i = 0; i < x.length; i++) {
      alpha += x[i] * x[i];
      beta += y[i] * y[i];
      gamma += x[i] * y[i];
    }
    if (gamma == 0 || alpha <= negligible || beta <= negligible
        || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
      return true;
    }
    double zeta = (beta - alpha) / (2 * gamma);
    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
    if (zeta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(1 + t * t);
    double s = c * t;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      x[i] = c * xi - s * y[i];
      y[i] = s * xi + c * y[i];
    }
    return false;
  }

  private static double norm(double[] x) {
    double scale = 0;
    for (double v : x) {
      scale = Math.max(scale, Math.abs(v));
    }
    if (scale == 0) {
      return 0;
    }
    double ss = 0;
    for (double v : x) {
      ss += (v / scale) * (v / scale);
    }
    return scale * Math.sqrt(ss);
  }
}
