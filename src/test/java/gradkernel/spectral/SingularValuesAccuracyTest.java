package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.tensor.Matrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the bidiagonal-QR singular values against exact constructions U·diag(σ)·Vᵀ, EJML's
 * double SVD and the previous one-sided Jacobi implementation (kept here as a reference).
 */
class SingularValuesAccuracyTest {

  /** Random orthogonal n×n (row-major double) as a product of n random Householder reflectors. */
  private static double[] orthogonal(int n, SplittableRandom rnd) {
    double[] q = new double[n * n];
    for (int i = 0; i < n; i++) {
      q[i * n + i] = 1;
    }
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      double vv = 0;
      for (int i = 0; i < n; i++) {
        v[i] = rnd.nextGaussian();
        vv += v[i] * v[i];
      }
      for (int i = 0; i < n; i++) { // Q ← Q·(I − 2vvᵀ/vᵀv)
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += q[i * n + j] * v[j];
        }
        double f = 2 * dot / vv;
        for (int j = 0; j < n; j++) {
          q[i * n + j] -= f * v[j];
        }
      }
    }
    return q;
  }

  /** Float matrix U·diag(σ)·Vᵀ (m×n, σ of length min(m, n)) and the double product it rounds. */
  private static Matrix construct(int m, int n, double[] sigma, SplittableRandom rnd,
      double[] exactOut) {
    double[] u = orthogonal(m, rnd);
    double[] v = orthogonal(n, rnd);
    float[] f = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double x = 0;
        for (int k = 0; k < sigma.length; k++) {
          x += u[i * m + k] * sigma[k] * v[j * n + k];
        }
        exactOut[i * n + j] = x;
        f[i * n + j] = (float) x;
      }
    }
    return Matrix.of(f, m, n);
  }

  private static double[] ejml(Matrix a) {
    double[] d = new double[a.rows() * a.cols()];
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        d[i * a.cols() + j] = a.get(i, j);
      }
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(a.rows(), a.cols(), false, false, true);
    assertTrue(svd.decompose(DMatrixRMaj.wrap(a.rows(), a.cols(), d)));
    double[] s = Arrays.copyOf(svd.getSingularValues(), Math.min(a.rows(), a.cols()));
    Arrays.sort(s);
    for (int i = 0; i < s.length / 2; i++) {
      double t = s[i];
      s[i] = s[s.length - 1 - i];
      s[s.length - 1 - i] = t;
    }
    return s;
  }

  private static void assertDescending(double[] s, String where) {
    for (int k = 1; k < s.length; k++) {
      assertTrue(s[k] <= s[k - 1], where + ": not descending at " + k);
    }
  }

  /**
   * Exact construction with random shapes (tall, wide, square) and graded spectra 1e-8…1: by Weyl,
   * each σ moves by at most ‖A_float − A‖_F from float rounding of the entries, plus our error.
   */
  @Test
  void matchesExactConstructionWithinFloatRounding() {
    SplittableRandom rnd = new SplittableRandom(18);
    for (int trial = 0; trial < 12; trial++) {
      int m = 1 + rnd.nextInt(70);
      int n = 1 + rnd.nextInt(70);
      int p = Math.min(m, n);
      double[] sigma = new double[p];
      for (int k = 0; k < p; k++) { // graded 1 … 1e-8, descending
        sigma[k] = p == 1 ? 1 : Math.pow(1e-8, (double) k / (p - 1));
      }
      double[] exact = new double[m * n];
      Matrix a = construct(m, n, sigma, rnd, exact);
      double err2 = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double dx = a.get(i, j) - exact[i * n + j];
          err2 += dx * dx;
        }
      }
      double tol = Math.sqrt(err2) + 1e-12;
      double[] s = SingularValues.of(a);
      String where = m + "x" + n;
      assertEquals(p, s.length, where);
      assertDescending(s, where);
      for (int k = 0; k < p; k++) {
        assertEquals(sigma[k], s[k], tol, where + " sigma_" + k);
      }
    }
  }

  /** Same float input as EJML's double SVD: agreement to 1e-12·σ_max, graded spectra included. */
  @Test
  void agreesWithEjmlToTwelveDigitsOfSigmaMax() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] shapes = {{1, 1}, {1, 9}, {9, 1}, {40, 40}, {97, 31}, {31, 97}, {130, 129}, {200, 64}};
    for (int[] sh : shapes) {
      int m = sh[0];
      int n = sh[1];
      int p = Math.min(m, n);
      double[] sigma = new double[p];
      for (int k = 0; k < p; k++) {
        sigma[k] = p == 1 ? 3 : 3 * Math.pow(1e-8, (double) k / (p - 1));
      }
      Matrix graded = construct(m, n, sigma, rnd, new double[m * n]);
      float[] g = new float[m * n];
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) rnd.nextGaussian();
      }
      for (Matrix a : new Matrix[] {graded, Matrix.of(g, m, n)}) {
        double[] s = SingularValues.of(a);
        double[] ref = ejml(a);
        for (int k = 0; k < p; k++) {
          assertEquals(ref[k], s[k], 1e-12 * ref[0], m + "x" + n + " sigma_" + k);
        }
      }
    }
  }

  /** The previous one-sided Jacobi results on random matrices, to 1e-12·σ_max. */
  @Test
  void agreesWithPreviousJacobi() {
    SplittableRandom rnd = new SplittableRandom(99);
    for (int trial = 0; trial < 8; trial++) {
      int m = 1 + rnd.nextInt(90);
      int n = 1 + rnd.nextInt(90);
      float[] d = new float[m * n];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-3, 4)));
      }
      Matrix a = Matrix.of(d, m, n);
      double[] s = SingularValues.of(a);
      double[] ref = Jacobi.of(a);
      for (int k = 0; k < s.length; k++) {
        assertEquals(ref[k], s[k], 1e-12 * ref[0], m + "x" + n + " sigma_" + k);
      }
    }
  }

  /** Rank r = 0…5 exact rank-deficiency in tall/wide shapes: exactly r nonzero values. */
  @Test
  void rankDeficientGivesExactZeros() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int[] sh : new int[][] {{60, 20}, {20, 60}, {33, 33}}) {
      int m = sh[0];
      int n = sh[1];
      for (int r = 0; r <= 5; r++) {
        float[] d = new float[m * n];
        int[][] x = new int[r][m];
        int[][] y = new int[r][n];
        for (int k = 0; k < r; k++) {
          for (int i = 0; i < m; i++) {
            x[k][i] = rnd.nextInt(-4, 5);
          }
          for (int j = 0; j < n; j++) {
            y[k][j] = rnd.nextInt(-4, 5);
          }
        }
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j += 3) { // every third column is zero
            int v = 0;
            for (int k = 0; k < r; k++) {
              v += x[k][i] * y[k][j];
            }
            d[i * n + j] = v;
          }
        }
        double[] s = SingularValues.of(Matrix.of(d, m, n));
        double[] ref = ejml(Matrix.of(d, m, n));
        int rank = 0;
        for (double v : ref) {
          rank += v > 1e-10 * ref[0] ? 1 : 0;
        }
        for (int k = 0; k < s.length; k++) {
          if (k < rank) {
            assertEquals(ref[k], s[k], 1e-12 * ref[0], m + "x" + n + " r" + r + " sigma_" + k);
          } else {
            assertEquals(0.0, s[k], 0.0, m + "x" + n + " r" + r + " sigma_" + k);
          }
        }
      }
    }
  }

  /** Power-of-two scaling is exact: A·2^±60 gives exactly σ(A)·2^±60, bit for bit. */
  @Test
  void powerOfTwoScalingIsExactAndDeterministic() {
    SplittableRandom rnd = new SplittableRandom(11);
    int m = 45;
    int n = 37;
    float[] d = new float[m * n];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian();
    }
    double[] s = SingularValues.of(Matrix.of(d, m, n));
    assertArrayEquals(s, SingularValues.of(Matrix.of(d.clone(), m, n)), 0.0, "deterministic");
    for (int e : new int[] {60, -60, 120}) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = Math.scalb(d[i], e);
      }
      double[] se = SingularValues.of(Matrix.of(f, m, n));
      for (int k = 0; k < s.length; k++) {
        assertEquals(Math.scalb(s[k], e), se[k], 0.0, "2^" + e + " sigma_" + k);
      }
    }
  }

  @Test
  void emptyShapesAreRejected() {
    for (Matrix a : new Matrix[] {Matrix.zeros(0, 4), Matrix.zeros(4, 0), Matrix.zeros(0, 0)}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SingularValues.of(a));
      assertTrue(e.getMessage().contains(a.shape().toString()), e.getMessage());
    }
  }

  /** The previous implementation (one-sided Jacobi, Hestenes), kept only as a test reference. */
  static final class Jacobi {
    private static final double EPS = 0x1p-52;

    static double[] of(Matrix a) {
      boolean wide = a.cols() > a.rows();
      int m = wide ? a.cols() : a.rows();
      int n = wide ? a.rows() : a.cols();
      double[][] col = new double[n][m];
      double fro2 = 0;
      for (int i = 0; i < a.rows(); i++) {
        for (int j = 0; j < a.cols(); j++) {
          double x = a.get(i, j);
          fro2 += x * x;
          if (wide) {
            col[i][j] = x;
          } else {
            col[j][i] = x;
          }
        }
      }
      double negligible = (double) m * n * EPS * EPS * fro2;
      boolean converged = false;
      for (int sweep = 0; sweep < 60 && !converged; sweep++) {
        converged = true;
        for (int p = 0; p < n - 1; p++) {
          for (int q = p + 1; q < n; q++) {
            converged &= rotate(col[p], col[q], negligible);
          }
        }
      }
      assertTrue(converged, "Jacobi reference converged");
      double[] s = new double[n];
      for (int j = 0; j < n; j++) {
        double ss = 0;
        for (double v : col[j]) {
          ss += v * v;
        }
        s[j] = -Math.sqrt(ss);
      }
      Arrays.sort(s);
      for (int j = 0; j < n; j++) {
        s[j] = -s[j];
      }
      return s;
    }

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
      double t = zeta == 0 ? 1 : Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      double c = 1 / Math.sqrt(1 + t * t);
      double s = c * t;
      for (int i = 0; i < x.length; i++) {
        double xi = x[i];
        x[i] = c * xi - s * y[i];
        y[i] = s * xi + c * y[i];
      }
      return false;
    }
  }
}
