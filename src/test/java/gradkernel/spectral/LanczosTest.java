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

  /** σ_max of a 1024² Gaussian by double-precision power iteration on WᵀW, run to stagnation. */
  private static double doubleReference(Matrix w) {
    int n = w.cols();
    int m = w.rows();
    double[] a = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = w.get(i, j);
      }
    }
    // Lanczos itself in double would be the tight reference; the Jacobi SVD of a 1024² matrix is
    // too slow for a unit test, so check the float Lanczos against the float-free SVD at 256².
    return Double.NaN;
  }

  @Test
  void gaussian256AgreesWithJacobiSvdWithinFiftyPairs() {
    Matrix w = gaussian(256, 256, 7);
    double exact = SingularValues.max(w);
    SpectralNormEstimate e = new Lanczos(256, 256, 50, 1).estimate(w, 1e-4, 50);
    System.out.println("256 cold " + e + " exact " + exact);
    assertTrue(e.converged(), e.toString());
    assertEquals(exact, e.sigma(), 1e-4 * exact, e.toString());
  }

  @Test
  void gaussian1024ColdAndWarm() {
    Matrix w = gaussian(1024, 1024, 7);
    Lanczos l = new Lanczos(1024, 1024, 50, 1);
    long t0 = System.nanoTime();
    SpectralNormEstimate e = l.estimate(w, 1e-4, 50);
    long t1 = System.nanoTime();
    System.out.println("1024 cold " + e + " ms " + (t1 - t0) / 1e6);
    SpectralNormEstimate tight = new Lanczos(1024, 1024, 200, 3).estimate(w, 1e-6, 200);
    System.out.println("1024 tight " + tight);
    w.set(3, 5, w.get(3, 5) + 1e-3f);
    SpectralNormEstimate warm = l.estimate(w, 1e-4, 50);
    System.out.println("1024 warm " + warm);
    assertTrue(e.converged());
  }
}
