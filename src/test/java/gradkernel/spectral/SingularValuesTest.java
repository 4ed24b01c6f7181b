package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import org.junit.jupiter.api.Test;

class SingularValuesTest {

  @Test
  void diagonalWithSigns() {
    Matrix d = Matrix.zeros(4, 4);
    d.set(0, 0, 3f);
    d.set(1, 1, -5f);
    d.set(2, 2, 0.5f);
    d.set(3, 3, 2f);
    assertArrayEquals(new double[] {5, 3, 2, 0.5}, SingularValues.of(d), 1e-12);
    assertEquals(10.0, SingularValues.condition(d), 1e-12);
    assertEquals(0.5, SingularValues.min(d), 1e-12);
  }

  @Test
  void orthogonalTimesDiagonal() {
    int n = 30;
    Matrix q = Matrix.zeros(n, n);
    Init.orthogonal(q, 1.0, 42);
    Matrix a = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a.set(i, j, q.get(i, j) * (j + 1)); // Q·diag(1..n)
      }
    }
    double[] s = SingularValues.of(a);
    for (int k = 0; k < n; k++) {
      // Q is orthogonal only to float rounding (~1e-7 relative), which bounds the agreement.
      assertEquals(n - k, s[k], 1e-5 * n, "sigma_" + k);
    }
  }

  @Test
  void rectangularAndRankDeficient() {
    Matrix a = Matrix.of(new float[] {1, 2, 3, 2, 4, 6}, 2, 3); // rank 1, σ = √(14·5)
    double[] s = SingularValues.of(a);
    assertEquals(2, s.length);
    assertEquals(Math.sqrt(70), s[0], 1e-12);
    assertEquals(0, s[1], 1e-12);
    Matrix sq = Matrix.of(new float[] {1, 2, 2, 4}, 2, 2);
    assertEquals(Double.POSITIVE_INFINITY, SingularValues.condition(sq), 0);
  }

  @Test
  void badInput() {
    assertThrows(IllegalArgumentException.class, () -> SingularValues.of(Matrix.zeros(0, 3)));
    assertThrows(IllegalArgumentException.class, () -> SingularValues.min(Matrix.zeros(2, 3)));
    Matrix nan = Matrix.zeros(2, 2);
    nan.set(0, 1, Float.NaN);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SingularValues.of(nan));
    assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
    assertThrows(NullPointerException.class, () -> SingularValues.of(null));
  }

  private static Matrix constant(int rows, int cols, float v) {
    float[] d = new float[rows * cols];
    java.util.Arrays.fill(d, v);
    return Matrix.of(d, rows, cols);
  }

  /** Rank-deficient weights are legal: all ones (σ = n, 0, …), at the ends of the float range too. */
  @Test
  void constantMatricesHaveOneSingularValueAtEveryScale() {
    for (int n : new int[] {2, 3, 7, 16, 50, 128}) {
      for (float v : new float[] {1f, 3e38f, Float.MAX_VALUE, 1e-45f, Float.MIN_NORMAL, -2.5f}) {
        double[] s = SingularValues.of(constant(n, n, v));
        double expect = n * Math.abs((double) v);
        String where = n + "x" + n + " of " + v;
        assertEquals(n, s.length, where);
        assertEquals(expect, s[0], 1e-13 * expect, where);
        for (int k = 1; k < n; k++) {
          assertTrue(s[k] <= 1e-13 * expect, where + ": sigma_" + k + " = " + s[k]);
        }
      }
    }
    double[] wide = SingularValues.of(constant(3, 40, 1f)); // √(3·40)
    assertEquals(Math.sqrt(120), wide[0], 1e-13 * Math.sqrt(120));
    assertEquals(0, wide[1], 1e-13 * Math.sqrt(120));
  }

  /** u·vᵀ has σ = ‖u‖·‖v‖ and zeros; zero columns and a zero matrix are fine. */
  @Test
  void rankOneZeroColumnsAndZeroMatrix() {
    int n = 64;
    float[] d = new float[n * n];
    double nu = 0;
    double nv = 0;
    for (int i = 0; i < n; i++) {
      nu += (i + 1.0) * (i + 1.0);
      nv += (i % 3 == 0 ? 0 : 1.0 / (i + 1)) * (i % 3 == 0 ? 0 : 1.0 / (i + 1));
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        // every third column is zero; entries (i+1)/(j+1) are not all exact in float, so compare
        // with the float matrix's own rank-one structure through its Frobenius norm.
        d[i * n + j] = j % 3 == 0 ? 0f : (float) ((i + 1.0) / (j + 1));
      }
    }
    double fro = 0;
    for (float x : d) {
      fro += (double) x * x;
    }
    double[] s = SingularValues.of(Matrix.of(d, n, n));
    // rank one up to float rounding of the entries (~6e-8 relative): σ_1 ≈ ‖A‖_F, the rest tiny
    assertEquals(Math.sqrt(fro), s[0], 1e-6 * s[0]);
    assertEquals(Math.sqrt(nu * nv), s[0], 1e-6 * s[0]);
    for (int k = 1; k < n; k++) {
      assertTrue(s[k] <= 1e-6 * s[0], "sigma_" + k + " = " + s[k]);
    }
    double[] z = SingularValues.of(Matrix.zeros(5, 3));
    assertArrayEquals(new double[] {0, 0, 0}, z, 0);
  }

  /** A random rank-r product: exactly r singular values above noise, matching those of the factors. */
  @Test
  void lowRankRandomProductConverges() {
    int n = 40;
    int r = 5;
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    float[] d = new float[n * n];
    int[] ks = {1, 2, 4, 8, 16};
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        d[i * n + j] = 0;
      }
    }
    // small integers so that every product and sum is exact in float: A = Σ_k a_k b_kᵀ
    int[][] a = new int[r][n];
    int[][] b = new int[r][n];
    for (int k = 0; k < r; k++) {
      for (int i = 0; i < n; i++) {
        a[k][i] = rnd.nextInt(-3, 4);
        b[k][i] = rnd.nextInt(-3, 4);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int x = 0;
        for (int k = 0; k < r; k++) {
          x += a[k][i] * b[k][j] * ks[k];
        }
        d[i * n + j] = x;
      }
    }
    double[] s = SingularValues.of(Matrix.of(d, n, n));
    assertTrue(s[r - 1] > 1, "rank " + r + ": sigma_" + (r - 1) + " = " + s[r - 1]);
    for (int k = r; k < n; k++) {
      assertTrue(s[k] <= 1e-12 * s[0], "sigma_" + k + " = " + s[k]);
    }
    double fro = 0;
    for (float x : d) {
      fro += (double) x * x;
    }
    double ss = 0;
    for (double x : s) {
      ss += x * x;
    }
    assertEquals(fro, ss, 1e-12 * fro, "Σσ² = ‖A‖_F²");
  }
}
