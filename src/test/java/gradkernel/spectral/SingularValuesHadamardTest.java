package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accuracy {@link GrowthBounds} relies on: singular values of well-conditioned matrices to
 * ~1e-10 relative. The matrices are built exactly in float as A = U·diag(σ)·Vᵀ with U, V
 * orthogonal Hadamard matrices (entries ±1/√m, ±1/√n) with seeded row permutations and column
 * signs, σ small integers times a power of two, and m·n a power of 4: every entry of A is then a
 * short dyadic sum, exact in float, so the true singular values are exactly σ.
 */
class SingularValuesHadamardTest {

  /** Sylvester Hadamard matrix of order n (a power of two), entries ±1. */
  private static int[][] hadamard(int n) {
    int[][] h = {{1}};
    for (int s = 1; s < n; s *= 2) {
      int[][] g = new int[2 * s][2 * s];
      for (int i = 0; i < s; i++) {
        for (int j = 0; j < s; j++) {
          g[i][j] = h[i][j];
          g[i][j + s] = h[i][j];
          g[i + s][j] = h[i][j];
          g[i + s][j + s] = -h[i][j];
        }
      }
      h = g;
    }
    return h;
  }

  /** H with rows permuted and columns sign-flipped (still orthogonal up to 1/√n). */
  private static int[][] scrambled(int n, SplittableRandom r) {
    int[][] h = hadamard(n);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int[] t = h[i];
      h[i] = h[j];
      h[j] = t;
    }
    for (int j = 0; j < n; j++) {
      if (r.nextBoolean()) {
        for (int i = 0; i < n; i++) {
          h[i][j] = -h[i][j];
        }
      }
    }
    return h;
  }

  @ParameterizedTest(name = "{0}x{1}, scale 2^{2}")
  @CsvSource({"16, 16, 0", "32, 8, 0", "8, 32, 0", "64, 16, 0", "16, 16, -100", "32, 8, 100",
      "64, 64, 0", "128, 32, 20"})
  void exactConstructionToTenDigits(int m, int n, int scaleExp) {
    SplittableRandom r = new SplittableRandom(31L * m + n + scaleExp);
    int k = Math.min(m, n);
    int[][] u = scrambled(m, r); // columns 0..k-1 are the left singular vectors (·1/√m)
    int[][] v = scrambled(n, r);
    double[] sigma = new double[k];
    for (int i = 0; i < k; i++) {
      sigma[i] = Math.scalb(1 + r.nextInt(8), scaleExp); // condition number ≤ 8
    }
    double inv = 1 / Math.sqrt((double) m * n); // a power of two since m·n is a power of 4
    assertEquals(Math.getExponent(inv), Math.log(inv) / Math.log(2), 0, "m·n a power of 4");
    float[] a = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int c = 0; c < k; c++) {
          s += u[i][c] * v[j][c] * sigma[c];
        }
        a[i * n + j] = (float) (s * inv);
        assertEquals(s * inv, a[i * n + j], 0, "entry exact in float");
      }
    }
    double[] want = sigma.clone();
    java.util.Arrays.sort(want);
    double[] got = SingularValues.of(Matrix.of(a, m, n));
    assertEquals(k, got.length);
    double worst = 0;
    for (int i = 0; i < k; i++) {
      double w = want[k - 1 - i];
      worst = Math.max(worst, Math.abs(got[i] - w) / w);
    }
    double err = worst;
    assertTrue(err <= 1e-10, () -> m + "x" + n + ": worst relative error " + err);
    // And the maxima GrowthBounds uses directly.
    assertEquals(want[k - 1], SingularValues.max(Matrix.of(a, m, n)), 1e-10 * want[k - 1]);
  }
}
