package gradkernel.probe;

import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;

/**
 * Spectral estimates the probe reports per layer: σ_max by power iteration on WᵀW, σ_min of a
 * square W by inverse iteration through an LU factorization, and the spectral radius ρ(W) from the
 * growth rate of ‖Wᵏx‖ (Gelfand's formula). All stop at a relative change of {@link #TOL} or an
 * iteration cap; the probe prints them to 4–5 significant digits.
 */
final class Spectra {
  static final double TOL = 1e-7;
  private static final int MAX_ITER = 500;

  private Spectra() {}

  /** σ_max(W) of an [out, in] matrix by power iteration on WᵀW from a fixed start vector. */
  static double sigmaMax(Matrix w) {
    float[] x = start(w.cols());
    float[] y = new float[w.rows()];
    double s = 0;
    for (int it = 0; it < MAX_ITER; it++) {
      Blas.gemv(1f, w, Vec.of(x), 0f, Vec.of(y));
      Blas.gemvT(1f, w, Vec.of(y), 0f, Vec.of(x));
      double n = Blas.nrm2(Vec.of(x));
      if (n == 0 || !Double.isFinite(n)) {
        return n == 0 ? 0 : Double.NaN;
      }
      Blas.scal((float) (1 / n), Vec.of(x));
      double prev = s;
      s = Math.sqrt(n);
      if (Math.abs(s - prev) <= TOL * s) {
        break;
      }
    }
    return s;
  }

  /**
   * σ_min of a square W: 1/σ_max(W⁻¹), by power iteration on (WᵀW)⁻¹ with an LU factorization
   * (partial pivoting, double precision). 0 when W is singular to working precision.
   */
  static double sigmaMin(Matrix w) {
    if (w.rows() != w.cols()) {
      throw new IllegalArgumentException("sigmaMin: W must be square, got " + w.shape());
    }
    int n = w.rows();
    double[][] lu = new double[n][n];
    double maxAbs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        lu[i][j] = w.get(i, j);
        maxAbs = Math.max(maxAbs, Math.abs(lu[i][j]));
      }
    }
    int[] perm = new int[n];
    if (!factor(lu, perm, n * Math.ulp(1.0) * maxAbs)) {
      return 0;
    }
    double[] x = new double[n];
    java.util.Arrays.fill(x, 1 / Math.sqrt(n));
    x[0] += 0.5 / Math.sqrt(n); // breaks symmetry with singular vectors orthogonal to the ones vector
    double est = 0;
    for (int it = 0; it < MAX_ITER; it++) {
      double[] z = solveTransposed(lu, perm, solve(lu, perm, x));
      double norm = norm(z);
      if (!Double.isFinite(norm)) {
        return 0;
      }
      for (int i = 0; i < n; i++) {
        x[i] = z[i] / norm;
      }
      double prev = est;
      est = 1 / Math.sqrt(norm);
      if (Math.abs(est - prev) <= TOL * est) {
        break;
      }
    }
    return est;
  }

  /**
   * ρ(W) of a square W as the geometric-mean growth of ‖Wᵏx‖ over the second half of
   * {@code steps} iterations (exact for normal matrices such as c·Q; for others the error decays
   * like 1/steps).
   */
  static double spectralRadius(Matrix w) {
    int n = w.rows();
    int steps = 4000;
    float[] x = start(n);
    float[] y = new float[n];
    double logSum = 0;
    for (int k = 0; k < steps; k++) {
      Blas.gemv(1f, w, Vec.of(x), 0f, Vec.of(y));
      double g = Blas.nrm2(Vec.of(y));
      if (g == 0) {
        return 0;
      }
      Blas.scal((float) (1 / g), Vec.of(y));
      float[] t = x;
      x = y;
      y = t;
      if (k >= steps / 2) {
        logSum += Math.log(g);
      }
    }
    return Math.exp(logSum / (steps - steps / 2));
  }

  /** A fixed, generic unit start vector (deterministic results run to run). */
  private static float[] start(int n) {
    float[] x = new float[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(0x5eed);
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Blas.scal((float) (1 / Blas.nrm2(Vec.of(x))), Vec.of(x));
    return x;
  }

  /** In-place LU with partial pivoting: row perm[i] of A is row i of LU; false if a pivot ≤ tiny. */
  private static boolean factor(double[][] a, int[] perm, double tiny) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(a[i][k]) > Math.abs(a[p][k])) {
          p = i;
        }
      }
      if (!(Math.abs(a[p][k]) > tiny)) {
        return false;
      }
      double[] row = a[p];
      a[p] = a[k];
      a[k] = row;
      int t = perm[p];
      perm[p] = perm[k];
      perm[k] = t;
      for (int i = k + 1; i < n; i++) {
        double f = a[i][k] / a[k][k];
        a[i][k] = f;
        for (int j = k + 1; j < n; j++) {
          a[i][j] -= f * a[k][j];
        }
      }
    }
    return true;
  }

  /** y = A⁻¹ b for PA = LU. */
  private static double[] solve(double[][] lu, int[] perm, double[] b) {
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[perm[i]];
      for (int j = 0; j < i; j++) {
        s -= lu[i][j] * y[j];
      }
      y[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int j = i + 1; j < n; j++) {
        s -= lu[i][j] * y[j];
      }
      y[i] = s / lu[i][i];
    }
    return y;
  }

  /** z = A⁻ᵀ b for PA = LU: Aᵀ = UᵀLᵀP, so solve Uᵀw = b, Lᵀv = w, z = Pᵀv. */
  private static double[] solveTransposed(double[][] lu, int[] perm, double[] b) {
    int n = b.length;
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) {
        s -= lu[j][i] * w[j];
      }
      w[i] = s / lu[i][i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = w[i];
      for (int j = i + 1; j < n; j++) {
        s -= lu[j][i] * w[j];
      }
      w[i] = s;
    }
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[perm[i]] = w[i];
    }
    return z;
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
