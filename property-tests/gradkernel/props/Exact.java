package gradkernel.props;

import java.util.Arrays;
import java.util.Random;

/**
 * Double-precision reference linear algebra for the bound checks: cyclic Jacobi eigenvalues of a
 * symmetric matrix (accurate to a few ulps of the largest eigenvalue), singular values of float
 * matrices from the eigenvalues of WᵀW, and exactly-orthogonal test matrices. Kept independent of
 * the library so that a library bug cannot hide in its own yardstick.
 */
final class Exact {
  /** Unit roundoff of float32 and float64. */
  static final double U32 = 0x1p-24;
  static final double U64 = 0x1p-53;

  private Exact() {}

  /** γ_n = n·u/(1 − n·u) for float32 (Higham's constant for n roundings). */
  static double gamma(int n) {
    double nu = n * U32;
    return nu / (1 - nu);
  }

  /** Eigenvalues, ascending, of the symmetric n×n row-major double matrix s (not modified). */
  static double[] symmetricEigenvalues(double[] s, int n) {
    double[] a = s.clone();
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p * n + q] * a[p * n + q];
        }
      }
      if (off == 0 || sweep > 0 && off < 1e-300) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p * n + q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double sn = t * c;
          for (int k = 0; k < n; k++) { // columns p, q
            double akp = a[k * n + p];
            double akq = a[k * n + q];
            a[k * n + p] = c * akp - sn * akq;
            a[k * n + q] = sn * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // rows p, q
            double apk = a[p * n + k];
            double aqk = a[q * n + k];
            a[p * n + k] = c * apk - sn * aqk;
            a[q * n + k] = sn * apk + c * aqk;
          }
        }
      }
    }
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) {
      ev[i] = a[i * n + i];
    }
    Arrays.sort(ev);
    return ev;
  }

  /** Singular values, ascending, of the rows×cols row-major float matrix w (as √eig(WᵀW)). */
  static double[] singularValues(float[] w, int rows, int cols) {
    double[] g = new double[cols * cols];
    for (int i = 0; i < cols; i++) {
      for (int j = 0; j < cols; j++) {
        double s = 0;
        for (int k = 0; k < rows; k++) {
          s += (double) w[k * cols + i] * w[k * cols + j];
        }
        g[i * cols + j] = s;
      }
    }
    double[] ev = symmetricEigenvalues(g, cols);
    double[] sv = new double[cols];
    for (int i = 0; i < cols; i++) {
      sv[i] = Math.sqrt(Math.max(0, ev[i]));
    }
    return sv;
  }

  /**
   * σ_max with a safety margin for the Gram-matrix route: eigenvalues of WᵀW in double are within
   * ~n·2⁻⁵³·‖W‖² of exact, far below the float32 allowances the properties use.
   */
  static double sigmaMax(float[] w, int rows, int cols) {
    double[] sv = singularValues(w, rows, cols);
    return sv[cols - 1] * (1 + 4 * cols * U64);
  }

  /**
   * σ_min of a square matrix. WᵀW squares the condition number, so the returned value is only
   * trusted when σ_min² exceeds the Gram matrix's absolute error; otherwise 0 is returned (the
   * lower bound then holds trivially and the property labels the case "ill-conditioned").
   */
  static double sigmaMin(float[] w, int n) {
    double[] sv = singularValues(w, n, n);
    double max = sv[n - 1];
    double err = 8.0 * n * U64 * max * max;
    double min2 = sv[0] * sv[0] - err;
    return min2 <= 0 ? 0 : Math.sqrt(min2);
  }

  /** A random n×n orthogonal matrix (modified Gram-Schmidt twice in double), rounded to float. */
  static float[] orthogonal(int n, long seed) {
    Random r = new Random(seed);
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = r.nextGaussian();
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
          double d = 0;
          for (int k = 0; k < n; k++) {
            d += q[i * n + k] * q[j * n + k];
          }
          for (int k = 0; k < n; k++) {
            q[i * n + k] -= d * q[j * n + k];
          }
        }
        double nr = 0;
        for (int k = 0; k < n; k++) {
          nr += q[i * n + k] * q[i * n + k];
        }
        nr = Math.sqrt(nr);
        for (int k = 0; k < n; k++) {
          q[i * n + k] /= nr;
        }
      }
    }
    float[] f = new float[n * n];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) q[i];
    }
    return f;
  }

  /** Euclidean norm in double of a float array range. */
  static double norm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
