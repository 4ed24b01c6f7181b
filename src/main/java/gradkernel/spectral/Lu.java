package gradkernel.spectral;

import gradkernel.tensor.Matrix;

/**
 * LU factorization with partial pivoting, P·A = L·U, of a square float matrix in double
 * precision, and the solves with A and Aᵀ it gives. Row-major; L (unit diagonal, not stored) below
 * the diagonal of {@link #lu}, U on and above it. Blocked right-looking elimination: a panel of
 * {@link #PANEL} columns is factored with row pivoting, then the trailing matrix takes a rank-PANEL
 * update, four rows of U at a time over {@link #CHUNK}-column stretches that stay in cache; every
 * inner loop walks a row element by element with no reduction, so the bits are the same
 * interpreted or compiled. Deterministic: one thread, fixed order. (C2 does not vectorize the
 * update: turning SuperWord off changed nothing measurable; about 7 GFLOP/s at 2048².)
 *
 * <p>Error: backward stable in practice: the computed factors are those of A + E with
 * ‖E‖ ≤ c·n·ε·ρ·‖A‖ (ε = 2⁻⁵³, ρ the growth factor, small for all but contrived matrices). Cost:
 * (2/3)·n³ flops, n² doubles.
 */
final class Lu {
  /** Columns per panel: the rank of each trailing update. */
  static final int PANEL = 32;
  /** Columns of the trailing matrix updated per stretch: 4 U rows of this length stay in L1. */
  static final int CHUNK = 512;

  final int n;
  /** L and U, row-major n×n. */
  final double[] lu;
  /** Row i of P·A is row perm[i] of A. */
  final int[] perm;
  /** True when some pivot was exactly 0 (A singular in double arithmetic). */
  final boolean singular;

  /** Factors the square matrix a (rows = cols ≥ 1, finite entries: the caller checks). */
  Lu(Matrix a) {
    n = a.rows();
    lu = new double[Math.multiplyExact(n, n)];
    perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
      for (int j = 0; j < n; j++) {
        lu[i * n + j] = a.get(i, j);
      }
    }
    boolean zeroPivot = false;
    for (int k0 = 0; k0 < n; k0 += PANEL) {
      int k1 = Math.min(n, k0 + PANEL);
      zeroPivot |= factorPanel(k0, k1);
      solveU12(k0, k1);
      updateTrailing(k0, k1);
    }
    singular = zeroPivot;
  }

  /** Columns k0..k1−1, rows k0..n−1: pivot, swap whole rows, eliminate inside the panel. */
  private boolean factorPanel(int k0, int k1) {
    boolean zeroPivot = false;
    for (int k = k0; k < k1; k++) {
      int p = k;
      double best = Math.abs(lu[k * n + k]);
      for (int i = k + 1; i < n; i++) {
        double v = Math.abs(lu[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (p != k) {
        swapRows(k, p);
      }
      double pivot = lu[k * n + k];
      if (pivot == 0) {
        zeroPivot = true; // the column is zero from row k down: nothing to eliminate
        continue;
      }
      int rk = k * n;
      for (int i = k + 1; i < n; i++) {
        int ri = i * n;
        double l = lu[ri + k] / pivot;
        lu[ri + k] = l;
        for (int j = k + 1; j < k1; j++) {
          lu[ri + j] -= l * lu[rk + j];
        }
      }
    }
    return zeroPivot;
  }

  private void swapRows(int r, int s) {
    int ro = r * n;
    int so = s * n;
    for (int j = 0; j < n; j++) {
      double t = lu[ro + j];
      lu[ro + j] = lu[so + j];
      lu[so + j] = t;
    }
    int t = perm[r];
    perm[r] = perm[s];
    perm[s] = t;
  }

  /** U12 = L11⁻¹·A12: rows k0..k1−1, columns k1..n−1 (L11 unit lower triangular). */
  private void solveU12(int k0, int k1) {
    for (int k = k0; k < k1; k++) {
      int rk = k * n;
      for (int r = k + 1; r < k1; r++) {
        int rr = r * n;
        double l = lu[rr + k];
        for (int j = k1; j < n; j++) {
          lu[rr + j] -= l * lu[rk + j];
        }
      }
    }
  }

  /** A22 −= L21·U12 over rows and columns k1..n−1, four U rows per pass over a row stretch. */
  private void updateTrailing(int k0, int k1) {
    for (int j0 = k1; j0 < n; j0 += CHUNK) {
      int j1 = Math.min(n, j0 + CHUNK);
      for (int i = k1; i < n; i++) {
        int ri = i * n;
        int k = k0;
        for (; k + 4 <= k1; k += 4) {
          double l0 = lu[ri + k];
          double l1 = lu[ri + k + 1];
          double l2 = lu[ri + k + 2];
          double l3 = lu[ri + k + 3];
          int u0 = k * n;
          int u1 = u0 + n;
          int u2 = u1 + n;
          int u3 = u2 + n;
          for (int j = j0; j < j1; j++) {
            lu[ri + j] -= l0 * lu[u0 + j] + l1 * lu[u1 + j] + l2 * lu[u2 + j] + l3 * lu[u3 + j];
          }
        }
        for (; k < k1; k++) {
          double l = lu[ri + k];
          int u = k * n;
          for (int j = j0; j < j1; j++) {
            lu[ri + j] -= l * lu[u + j];
          }
        }
      }
    }
  }

  /** x[xo..] = A⁻¹·b[bo..] (b untouched, x distinct from b; y: n doubles of scratch). Needs !singular. */
  void solve(double[] b, int bo, double[] x, int xo, double[] y) {
    // L y = P b, forward; then U x = y, backward. Each row is a dot product in a fixed order.
    for (int i = 0; i < n; i++) {
      y[i] = b[bo + perm[i]] - dot(lu, i * n, y, 0, i);
    }
    for (int i = n - 1; i >= 0; i--) {
      int ri = i * n;
      x[xo + i] = (y[i] - dot(lu, ri + i + 1, x, xo + i + 1, n - i - 1)) / lu[ri + i];
    }
  }

  /**
   * x[xo..] = A⁻ᵀ·b[bo..] = Pᵀ·L⁻ᵀ·U⁻ᵀ·b (b untouched, x distinct from b; w: n doubles of
   * scratch). Needs !singular.
   */
  void solveTranspose(double[] b, int bo, double[] x, int xo, double[] w) {
    System.arraycopy(b, bo, w, 0, n);
    // Uᵀ z = b, forward, by rows of U: z_k = w_k/U_kk, then w[k+1..] −= z_k·U[k, k+1..].
    for (int k = 0; k < n; k++) {
      int rk = k * n;
      double z = w[k] / lu[rk + k];
      w[k] = z;
      for (int j = k + 1; j < n; j++) {
        w[j] -= z * lu[rk + j];
      }
    }
    // Lᵀ y = z, backward, by rows of L: y_k = w_k, then w[0..k) −= y_k·L[k, 0..k).
    for (int k = n - 1; k > 0; k--) {
      int rk = k * n;
      double yk = w[k];
      for (int j = 0; j < k; j++) {
        w[j] -= yk * lu[rk + j];
      }
    }
    for (int i = 0; i < n; i++) {
      x[xo + perm[i]] = w[i];
    }
  }

  /** Σ x[xo+t]·y[yo+t], t < len, in four interleaved partial sums combined in a fixed order. */
  static double dot(double[] x, int xo, double[] y, int yo, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int t = 0;
    for (; t + 4 <= len; t += 4) {
      s0 += x[xo + t] * y[yo + t];
      s1 += x[xo + t + 1] * y[yo + t + 1];
      s2 += x[xo + t + 2] * y[yo + t + 2];
      s3 += x[xo + t + 3] * y[yo + t + 3];
    }
    for (; t < len; t++) {
      s0 += x[xo + t] * y[yo + t];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
