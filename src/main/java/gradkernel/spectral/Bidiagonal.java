package gradkernel.spectral;

import java.util.Arrays;

/**
 * Householder reduction of a dense m×n matrix (m ≥ n ≥ 1, row-major double) to upper bidiagonal
 * form B = Q₁ᵀ·A·P₁ (values only: the reflectors are not kept). Backward stable: B is the exact
 * bidiagonal of A + E with ‖E‖_F ≤ c·n·ε·‖A‖_F.
 *
 * <p>One pass over the trailing matrix per column: for column k the left update of every row is
 * followed, while the row is in cache, by the right update and by the accumulation of xᵀ·A for the
 * next left reflector (x the next column), using vᵀA = (xᵀA − β·A[k,:])/(α − β) for the
 * Householder vector v = (x − β·e₁)/(α − β). All loops run along rows; sums have a fixed order.
 */
final class Bidiagonal {
  private Bidiagonal() {}

  /**
   * Reduces {@code a} (m×n row-major, m ≥ n ≥ 1, overwritten) to its bidiagonal: diagonal into
   * d[0..n-1], superdiagonal into e[0..n-2].
   */
  static void reduce(double[] a, int m, int n, double[] d, double[] e) {
    double[] x = new double[m]; // the current column, by row
    double[] z = new double[n]; // xᵀ·A over the trailing columns
    double[] w = new double[n]; // τ·vᵀ·A
    double[] u = new double[n]; // right Householder vector
    for (int i = 0; i < m; i++) {
      int row = i * n;
      double xi = a[row];
      x[i] = xi;
      for (int j = 1; j < n; j++) {
        z[j] += xi * a[row + j];
      }
    }
    for (int k = 0; k < n; k++) {
      double alpha = x[k];
      double xnorm = Math.sqrt(sumSquares(x, k + 1, m));
      double beta = alpha;
      double tau = 0;
      double vscale = 0;
      if (xnorm != 0) {
        beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        tau = (beta - alpha) / beta;
        vscale = 1 / (alpha - beta);
      }
      d[k] = beta;
      if (k == n - 1) {
        return;
      }
      int rk = k * n;
      double tv = tau * vscale;
      for (int j = k + 1; j < n; j++) {
        double wj = tv * (z[j] - beta * a[rk + j]);
        w[j] = wj;
        a[rk + j] -= wj; // v_k = 1
      }
      // right reflector from row k, columns k+1..n-1
      double ya = a[rk + k + 1];
      double ynorm = Math.sqrt(sumSquares(a, rk + k + 2, rk + n));
      double taur = 0;
      if (ynorm != 0) {
        double br = -Math.copySign(Math.hypot(ya, ynorm), ya);
        taur = (br - ya) / br;
        double us = 1 / (ya - br);
        e[k] = br;
        u[k + 1] = 1;
        for (int j = k + 2; j < n; j++) {
          u[j] = a[rk + j] * us;
        }
      } else {
        e[k] = ya;
        Arrays.fill(u, k + 1, n, 0);
      }
      Arrays.fill(z, k + 2, n, 0);
      for (int i = k + 1; i < m; i++) {
        int r = i * n;
        double c = x[i] * vscale; // v_i
        double s = updateDot(a, r, w, u, c, k + 1, n) * taur;
        double xi = a[r + k + 1] - s * u[k + 1];
        a[r + k + 1] = xi;
        x[i] = xi;
        for (int j = k + 2; j < n; j++) {
          double t = a[r + j] - s * u[j];
          a[r + j] = t;
          z[j] += xi * t;
        }
      }
    }
  }

  /** a[r+j] -= c·w[j] for j in [from, to), returning Σ a[r+j]·u[j] (four partial sums, fixed order). */
  private static double updateDot(double[] a, int r, double[] w, double[] u, double c, int from,
      int to) {
    // Four partial sums in a fixed order like sumSquares below, but fused with the update: a
    // separate pass would read the row twice.
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = from;
    for (; j + 3 < to; j += 4) {
      double t0 = a[r + j] - c * w[j];
      double t1 = a[r + j + 1] - c * w[j + 1];
      double t2 = a[r + j + 2] - c * w[j + 2];
      double t3 = a[r + j + 3] - c * w[j + 3];
      a[r + j] = t0;
      a[r + j + 1] = t1;
      a[r + j + 2] = t2;
      a[r + j + 3] = t3;
      s0 += t0 * u[j];
      s1 += t1 * u[j + 1];
      s2 += t2 * u[j + 2];
      s3 += t3 * u[j + 3];
    }
    for (; j < to; j++) {
      double t = a[r + j] - c * w[j];
      a[r + j] = t;
      s0 += t * u[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ v[i]² for i in [from, to), four partial sums in a fixed order. */
  static double sumSquares(double[] v, int from, int to) {
    // The fixed-order four-way unrolling of updateDot above, on a different formula (v², no write).
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    for (; i + 3 < to; i += 4) {
      s0 += v[i] * v[i];
      s1 += v[i + 1] * v[i + 1];
      s2 += v[i + 2] * v[i + 2];
      s3 += v[i + 3] * v[i + 3];
    }
    for (; i < to; i++) {
      s0 += v[i] * v[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
