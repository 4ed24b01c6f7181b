package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * σ_min by LU and Lanczos on A⁻¹ against the full SVD of the same float matrix: within tol
 * relative plus the LU's rounding level (checked here as 1e-12·σ_max; the differences measured on
 * these Gaussians, 1…1024 wide, are at most 5e-16·σ_max), never below σ_min by more than that level (a Ritz value of A⁻¹ bounds σ_min from
 * above), across panel and stretch boundaries, pivoting, graded spectra, singular input and scale.
 */
class SmallestSingularValueTest {
  private static final double TOL = 1e-8;
  private static final double ROUNDING = 1e-12;

  @Test
  void gaussianAgainstFullSvdAcrossPanelBoundaries() {
    // 31–33 and 63–65 straddle the 32-column panels, 600 the 512-column stretches.
    for (int n : new int[] {1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 100, 600}) {
      assertAgreesWithSvd(gaussian(n, n), "gaussian " + n);
    }
  }

  @Test
  void gradedSpectrumDownToOneMillionth() {
    int n = 80;
    Matrix q1 = Matrix.zeros(n, n);
    Matrix q2 = Matrix.zeros(n, n);
    Init.orthogonal(q1, 1, 5);
    Init.orthogonal(q2, 1, 6);
    Matrix a = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += q1.get(i, k) * Math.pow(10, -6.0 * k / (n - 1)) * q2.get(j, k);
        }
        a.set(i, j, (float) s);
      }
    }
    double ref = assertAgreesWithSvd(a, "graded");
    assertTrue(ref < 3e-6 && ref > 1e-7, "σ_min of the float matrix near 1e-6: " + ref);
  }

  @Test
  void rowExchangesAreNeeded() {
    Matrix swap = Matrix.of(new float[] {0, 2, 3, 0}, 2, 2);
    assertEquals(2, SmallestSingularValue.of(swap, TOL).sigma(), 1e-14);
    // A scaled permutation: every σ equals 3, and each column's pivot sits in a different row.
    int n = 70;
    int[] p = new SplittableRandom(3).ints(0, 1 << 30).limit(n).toArray();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Integer.compare(p[x], p[y]));
    Matrix perm = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      perm.set(i, order[i], 3f);
    }
    assertEquals(3, SmallestSingularValue.of(perm, TOL).sigma(), 3e-14);
  }

  @Test
  void singularInputGivesZero() {
    assertEquals(0, SmallestSingularValue.of(Matrix.zeros(5, 5), TOL).sigma());
    Matrix dup = gaussian(40, 40);
    for (int j = 0; j < 40; j++) {
      dup.set(17, j, dup.get(3, j)); // two equal rows
    }
    assertEquals(0, SmallestSingularValue.of(dup, TOL).sigma());
    assertEquals(0, SingularValues.min(dup), "the full SVD agrees");
    Matrix zeroColumn = gaussian(33, 33);
    for (int i = 0; i < 33; i++) {
      zeroColumn.set(i, 32, 0f); // exact zero pivot in the last panel
    }
    SmallestSingularValue.Estimate e = SmallestSingularValue.of(zeroColumn, TOL);
    assertEquals(0, e.sigma());
    assertEquals(0, e.steps(), "an exact zero pivot stops before Lanczos");
  }

  @Test
  void scalesWithTheMatrixAcrossFloatRange() {
    Matrix a = gaussian(48, 48);
    double s = SmallestSingularValue.of(a, TOL).sigma();
    // Power-of-two scaling is exact in float and in every double operation of the method.
    assertEquals(Math.scalb(s, 100), SmallestSingularValue.of(Scaled.scaled(a, 0x1p100), TOL).sigma());
    assertEquals(Math.scalb(s, -90), SmallestSingularValue.of(Scaled.scaled(a, 0x1p-90), TOL).sigma());
    // A σ_min below the rounding level of the largest entries is 0, as in the full SVD.
    Matrix big = Matrix.of(new float[] {3e38f, 0, 0, 1e-30f}, 2, 2);
    assertEquals(0, SmallestSingularValue.of(big, TOL).sigma());
    assertEquals(0, SingularValues.min(big));
    Matrix tiny = Matrix.of(new float[] {3e-38f, 0, 0, 1e-40f}, 2, 2); // 1e-40: subnormal
    assertEquals(1e-40f, SmallestSingularValue.of(tiny, TOL).sigma(), 1e-40 * 1e-6);
  }

  @Test
  void sameBitsColdAndWarm() {
    Matrix a = gaussian(48, 48);
    SmallestSingularValue.Estimate cold = SmallestSingularValue.of(a, TOL);
    Matrix other = gaussian(40, 40);
    for (int i = 0; i < 400; i++) {
      SmallestSingularValue.of(other, TOL); // compiles Lu and the Lanczos loop
    }
    assertEquals(cold, SmallestSingularValue.of(a, TOL));
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SmallestSingularValue.of(Matrix.zeros(3, 4), TOL));
    assertTrue(e.getMessage().contains("3x4") || e.getMessage().contains("[3, 4]"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SmallestSingularValue.of(Matrix.zeros(0, 0), TOL));
    Matrix inf = Matrix.zeros(3, 3);
    inf.set(2, 1, Float.POSITIVE_INFINITY);
    e = assertThrows(IllegalArgumentException.class, () -> SmallestSingularValue.of(inf, TOL));
    assertTrue(e.getMessage().contains("(2, 1)"), e.getMessage());
    for (double tol : new double[] {0, 1, Double.NaN, -1e-3}) {
      e = assertThrows(IllegalArgumentException.class,
          () -> SmallestSingularValue.of(gaussian(3, 3), tol));
      assertTrue(e.getMessage().contains("tol"), e.getMessage());
    }
  }

  @Test
  void luSolvesWithTheMatrixAndItsTranspose() {
    int n = 70;
    Matrix a = gaussian(n, n);
    Lu lu = new Lu(a);
    assertFalse(lu.singular);
    double[] b = new SplittableRandom(9).doubles(n, -1, 1).toArray();
    double[] x = new double[n + 3];
    double[] scratch = new double[n];
    lu.solve(b, 0, x, 3, scratch);
    assertSolves(a, b, x, false);
    lu.solveTranspose(b, 0, x, 3, scratch);
    assertSolves(a, b, x, true);
  }

  /** (op(A)·x[3..])_i = b_i to 1e-12, op(A) = Aᵀ when transposed. */
  private static void assertSolves(Matrix a, double[] b, double[] x, boolean transposed) {
    int n = b.length;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += (transposed ? a.get(j, i) : a.get(i, j)) * x[3 + j];
      }
      assertEquals(b[i], s, 1e-12, (transposed ? "(Aᵀ x)_" : "(A x)_") + i);
    }
  }

  /** Checks the estimate against the full SVD's σ_min; returns the latter. */
  private static double assertAgreesWithSvd(Matrix a, String what) {
    double[] sv = SingularValues.of(a);
    double ref = sv[sv.length - 1];
    SmallestSingularValue.Estimate e = SmallestSingularValue.of(a, TOL);
    assertTrue(e.converged(), what + ": " + e);
    assertTrue(e.relativeResidual() <= TOL, what + ": " + e);
    double level = ROUNDING * sv[0];
    assertTrue(e.sigma() >= ref - level, what + ": below σ_min: " + e.sigma() + " < " + ref);
    assertTrue(e.sigma() <= ref * (1 + TOL) + level,
        what + ": " + e.sigma() + " vs full SVD " + ref + " (σ_max " + sv[0] + ")");
    return ref;
  }

  private static Matrix gaussian(int m, int n) {
    Matrix w = Matrix.zeros(m, n);
    Init.heNormal(w, 1.0, Init.Mode.FAN_IN, 1000L * m + n);
    return w;
  }
}
