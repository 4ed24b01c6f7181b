package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import org.junit.jupiter.api.Test;

class PowerIterationTest {

  private static Matrix gaussian(int m, int n, long seed) {
    Matrix w = Matrix.zeros(m, n);
    Init.heNormal(w, 1.0, Init.Mode.FAN_IN, seed);
    return w;
  }

  /** Gaussian bulk (edge ≈ 2) plus a rank-one spike 3·e_0·e_1ᵀ: σ_max ≈ 3 + 1/3, a realistic gap. */
  private static Matrix spiked(int n) {
    Matrix w = gaussian(n, n, 7);
    w.set(0, 1, w.get(0, 1) + 3f);
    return w;
  }

  @Test
  void gaplessGaussianIsReportedNotConverged() {
    Matrix w = gaussian(1024, 1024, 7);
    SpectralNormEstimate e = new PowerIteration(1024, 1024, 1).estimate(w, 1e-4, 50);
    assertFalse(e.converged(), e.toString());
    assertTrue(e.residual() > 1e-4 * e.sigma());
  }

  @Test
  void cold1024WithinFiftyPairsWarmWithinTwo() {
    Matrix w = spiked(1024);
    SpectralNormEstimate ref = new PowerIteration(1024, 1024, 99).estimate(w, 1e-6, 3000);
    PowerIteration pi = new PowerIteration(1024, 1024, 1);
    SpectralNormEstimate cold = pi.estimate(w, 1e-4, 50);
    assertTrue(cold.converged(), cold.toString());
    assertTrue(cold.iterations() <= 50, cold.toString());
    assertEquals(ref.sigma(), cold.sigma(), 1e-4 * ref.sigma(), cold + " vs " + ref);
    assertTrue(pi.isWarm());
    SpectralNormEstimate warm = pi.estimate(w, 1e-4, 50);
    assertTrue(warm.converged(), warm.toString());
    assertTrue(warm.iterations() <= 2, warm.toString());
    assertTrue(warm.relativeChange() < 1e-4, warm.toString());
    assertEquals(ref.sigma(), warm.sigma(), 1e-4 * ref.sigma());
  }

  @Test
  void agreesWithJacobiSvd() {
    for (int[] s : new int[][] {{13, 7}, {7, 13}, {40, 40}}) {
      Matrix w = gaussian(s[0], s[1], 3);
      w.set(0, 0, w.get(0, 0) + 3f);
      double exact = SingularValues.max(w);
      SpectralNormEstimate e = new PowerIteration(s[0], s[1], 5).estimate(w, 1e-6, 5000);
      assertTrue(e.converged(), e.toString());
      // power iteration under-estimates; float gemv rounding allows ~1e-6 relative either side.
      assertEquals(exact, e.sigma(), 1e-5 * exact, e.toString());
      assertTrue(e.sigma() <= exact * (1 + 1e-6));
    }
  }

  @Test
  void reportsNonConvergenceAtCap() {
    Matrix w = gaussian(200, 200, 11);
    SpectralNormEstimate e = new PowerIteration(200, 200, 1).estimate(w, 1e-12, 3);
    assertFalse(e.converged());
    assertEquals(3, e.iterations());
    assertTrue(e.residual() > 0);
  }

  @Test
  void zeroMatrixAndBadInput() {
    SpectralNormEstimate z = new PowerIteration(3, 4, 1).estimate(Matrix.zeros(3, 4), 1e-6, 10);
    assertEquals(0.0, z.sigma());
    assertTrue(z.converged());
    Matrix nan = Matrix.zeros(3, 3);
    nan.set(1, 1, Float.NaN);
    PowerIteration p = new PowerIteration(3, 3, 1);
    assertThrows(IllegalArgumentException.class, () -> p.estimate(nan, 1e-6, 10));
    assertThrows(IllegalArgumentException.class, () -> p.estimate(Matrix.zeros(3, 4), 1e-6, 10));
    assertThrows(IllegalArgumentException.class, () -> p.estimate(Matrix.zeros(3, 3), 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new PowerIteration(0, 3, 1));
  }

  /**
   * The stopping rule is relative (residual ≤ tol·σ): scaling W by c scales σ by c and leaves the
   * number of pairs unchanged, for σ far below and far above 1. An absolute rule (residual ≤ tol)
   * would stop at once for c = 1e-20 and never for c = 1e20.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(doubles = {1e-20, 1e20, 0x1p-66, 0x1p66})
  void stoppingRuleIsScaleInvariant(double c) {
    Matrix w = spiked(256);
    SpectralNormEstimate base = new PowerIteration(256, 256, 1).estimate(w, 1e-5, 400);
    SpectralNormEstimate e = new PowerIteration(256, 256, 1).estimate(Scaled.scaled(w, c), 1e-5, 400);
    assertTrue(base.converged(), base.toString());
    assertTrue(e.converged(), e.toString());
    assertEquals(base.iterations(), e.iterations(), e + " vs unscaled " + base);
    assertEquals(c * base.sigma(), e.sigma(), 1e-6 * c * base.sigma(), e + " vs " + base);
  }
}
