package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import org.junit.jupiter.api.Test;

class LanczosTest {

  private static Matrix gaussian(int m, int n, long seed) {
    Matrix w = Matrix.zeros(m, n);
    Init.heNormal(w, 1.0, Init.Mode.FAN_IN, seed);
    return w;
  }

  /** Q·diag(s) with Q orthogonal (seeded), so the singular values are exactly |s|. */
  private static Matrix orthogonalTimesDiag(double[] s, long seed) {
    int n = s.length;
    Matrix q = Matrix.zeros(n, n);
    Init.orthogonal(q, 1.0, seed);
    Matrix w = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w.set(i, j, (float) (q.get(i, j) * s[j]));
      }
    }
    return w;
  }

  @Test
  void gaussian256AgreesWithJacobiSvd() {
    Matrix w = gaussian(256, 256, 7);
    double exact = SingularValues.max(w);
    SpectralNormEstimate e = new Lanczos(256, 256, 50, 1).estimate(w, 1e-4, 50);
    assertTrue(e.converged(), e.toString());
    assertEquals(exact, e.sigma(), 1e-4 * exact, e.toString());
    // Ritz values interlace: a lower estimate, up to float gemv rounding.
    assertTrue(e.sigma() <= exact * (1 + 1e-6), e + " vs " + exact);
  }

  /**
   * The target, on the hard case for power iteration (no spectral gap at the
   * Marchenko–Pastur edge): 1e-4 within 50 pairs cold, checked against a tight run of the same
   * method (tol 1e-6, residual-certified) since a Jacobi SVD of 1024² is too slow for a unit test;
   * the 256² case above ties the method itself to the SVD.
   */
  @Test
  void gaussian1024ColdWithinFiftyPairsWarmWithinTwo() {
    Matrix w = gaussian(1024, 1024, 7);
    SpectralNormEstimate ref = new Lanczos(1024, 1024, 150, 99).estimate(w, 1e-6, 150);
    assertTrue(ref.converged(), ref.toString());
    Lanczos l = new Lanczos(1024, 1024, 50, 1);
    SpectralNormEstimate cold = l.estimate(w, 1e-4, 50);
    assertTrue(cold.converged(), cold.toString());
    assertTrue(cold.iterations() <= 50, cold.toString());
    assertEquals(ref.sigma(), cold.sigma(), 1e-4 * ref.sigma(), cold + " vs " + ref);
    assertTrue(l.isWarm());

    // small change, ‖ΔW‖₂ ≈ 1e-4 ≈ tol·σ/2: the warm vector is already within tol → ≤ 2 pairs.
    SpectralNormEstimate small = l.estimate(perturbed(w, 5e-5f), 1e-4, 50);
    assertTrue(small.converged(), small.toString());
    assertTrue(small.iterations() <= 2, small.toString());
    // larger change, ‖ΔW‖₂ ≈ 2e-3 = 10·tol·σ: the top singular vector of a gapless spectrum moves a
    // lot, so more pairs are needed, but still far fewer than cold.
    Matrix next = perturbed(w, 1e-3f);
    SpectralNormEstimate nextRef = new Lanczos(1024, 1024, 150, 99).estimate(next, 1e-6, 150);
    SpectralNormEstimate warm = l.estimate(next, 1e-4, 50);
    assertTrue(warm.converged(), warm.toString());
    assertTrue(warm.iterations() <= 10, warm.toString());
    assertEquals(nextRef.sigma(), warm.sigma(), 1e-4 * nextRef.sigma(), warm + " vs " + nextRef);
  }

  /** w + eps·G with G a seeded Gaussian of spectral norm ≈ 2. */
  private static Matrix perturbed(Matrix w, float eps) {
    Matrix next = w.copy();
    Matrix noise = gaussian(w.rows(), w.cols(), 8);
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        next.set(i, j, w.get(i, j) + eps * noise.get(i, j));
      }
    }
    return next;
  }

  @Test
  void otherSeedsAlsoWithinFiftyPairs() {
    for (long seed : new long[] {1, 2, 3}) {
      Matrix w = gaussian(1024, 1024, seed);
      SpectralNormEstimate e = new Lanczos(1024, 1024, 50, seed + 10).estimate(w, 1e-4, 50);
      assertTrue(e.converged(), "seed " + seed + ": " + e);
    }
  }

  @Test
  void knownSpectra() {
    Matrix diag = Matrix.zeros(6, 6);
    double[] s = {0.5, 3, -2, 1, 0.25, 2.5};
    for (int i = 0; i < 6; i++) {
      diag.set(i, i, (float) s[i]);
    }
    assertSigma(3, diag);
    assertSigma(7, orthogonalTimesDiag(new double[] {1, 7, 0.1, 3, 6.9, 2, 5, 4}, 3));
    // repeated top singular value: σ_max = 4 twice; still exactly 4, no breakdown.
    assertSigma(4, orthogonalTimesDiag(new double[] {4, 1, 4, 2, 0.5, 3, 1, 2}, 4));
    // rank one u vᵀ with ‖u‖ = 5, ‖v‖ = 2: σ_max = 10, the other singular values are 0.
    Matrix r1 = Matrix.zeros(5, 3);
    float[] u = {3, 0, 4, 0, 0};
    float[] v = {0, 2, 0};
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 3; j++) {
        r1.set(i, j, u[i] * v[j]);
      }
    }
    assertSigma(10, r1);
    // wide and tall shapes against the SVD
    for (int[] sh : new int[][] {{13, 7}, {7, 13}, {1, 9}, {9, 1}}) {
      Matrix g = gaussian(sh[0], sh[1], 5);
      assertSigma(SingularValues.max(g), g);
    }
  }

  private static void assertSigma(double expected, Matrix w) {
    int cap = Math.min(50, Math.min(w.rows(), w.cols()) + 1);
    SpectralNormEstimate e = new Lanczos(w.rows(), w.cols(), cap, 1).estimate(w, 1e-5, cap);
    assertTrue(e.converged(), e.toString());
    assertTrue(Double.isFinite(e.residual()), e.toString());
    assertEquals(expected, e.sigma(), 2e-6 * expected, e.toString());
  }

  @Test
  void oneShotSigmaMax() {
    Matrix g = gaussian(40, 30, 9);
    double exact = SingularValues.max(g);
    assertEquals(exact, Lanczos.sigmaMax(g, 1e-6), 2e-6 * exact);
    assertEquals(0.0, Lanczos.sigmaMax(Matrix.zeros(2, 5), 1e-6));
    assertThrows(NullPointerException.class, () -> Lanczos.sigmaMax(null, 1e-6));
  }

  @Test
  void zeroMatrixGivesZeroWithoutNaN() {
    Lanczos l = new Lanczos(3, 4, 5, 1);
    SpectralNormEstimate z = l.estimate(Matrix.zeros(3, 4), 1e-6, 5);
    assertEquals(0.0, z.sigma());
    assertEquals(0.0, z.residual());
    assertTrue(z.converged());
    SpectralNormEstimate again = l.estimate(Matrix.zeros(3, 4), 1e-6, 5);
    assertEquals(0.0, again.sigma());
    assertFalse(Double.isNaN(again.relativeChange()));
  }

  @Test
  void startInNullSpaceStillFindsSigma() {
    // W = e_0 e_2ᵀ·2: a random start has a component along e_2, so σ = 2 after a step or two.
    Matrix w = Matrix.zeros(3, 3);
    w.set(0, 2, 2f);
    assertSigma(2, w);
  }

  @Test
  void reportsNonConvergenceAtCapNeverASilentGuess() {
    Matrix w = gaussian(200, 200, 11);
    SpectralNormEstimate e = new Lanczos(200, 200, 10, 1).estimate(w, 1e-9, 3);
    assertFalse(e.converged());
    assertEquals(3, e.iterations());
    assertTrue(e.residual() > 1e-9 * e.sigma(), e.toString());
  }

  @Test
  void badInput() {
    Lanczos l = new Lanczos(3, 3, 5, 1);
    Matrix nan = Matrix.zeros(3, 3);
    nan.set(1, 1, Float.NaN);
    assertThrows(IllegalArgumentException.class, () -> l.estimate(nan, 1e-6, 5));
    assertThrows(IllegalArgumentException.class, () -> l.estimate(Matrix.zeros(3, 4), 1e-6, 5));
    assertThrows(IllegalArgumentException.class, () -> l.estimate(Matrix.zeros(3, 3), 0, 5));
    assertThrows(IllegalArgumentException.class, () -> l.estimate(Matrix.zeros(3, 3), 1e-6, 6));
    assertThrows(IllegalArgumentException.class, () -> l.estimate(Matrix.zeros(3, 3), 1e-6, 0));
    assertThrows(NullPointerException.class, () -> l.estimate(null, 1e-6, 5));
    assertThrows(IllegalArgumentException.class, () -> new Lanczos(0, 3, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> new Lanczos(3, 3, 0, 1));
  }

  /**
   * The stopping rule is relative (residual ≤ tol·σ): scaling W by c scales σ by c and leaves the
   * number of pairs unchanged, for σ far below and far above 1. An absolute rule (residual ≤ tol)
   * would stop at once for c = 1e-20 and never for c = 1e20.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(doubles = {1e-20, 1e20, 0x1p-66, 0x1p66})
  void stoppingRuleIsScaleInvariant(double c) {
    Matrix w = gaussian(256, 256, 7);
    SpectralNormEstimate base = new Lanczos(256, 256, 60, 1).estimate(w, 1e-4, 60);
    SpectralNormEstimate e = new Lanczos(256, 256, 60, 1).estimate(Scaled.scaled(w, c), 1e-4, 60);
    assertTrue(base.converged(), base.toString());
    assertTrue(e.converged(), e.toString());
    assertEquals(base.iterations(), e.iterations(), e + " vs unscaled " + base);
    assertEquals(c * base.sigma(), e.sigma(), 1e-6 * c * base.sigma(), e + " vs " + base);
    assertEquals(c * base.sigma(), Lanczos.sigmaMax(Scaled.scaled(w, c), 1e-4),
        1e-4 * c * base.sigma());
  }
}
