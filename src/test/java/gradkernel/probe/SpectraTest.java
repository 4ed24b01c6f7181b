package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.tensor.Matrix;
import org.junit.jupiter.api.Test;

class SpectraTest {
  /** diag(d) hidden behind two signed permutations: singular values are |d|, known exactly. */
  private static Matrix permutedDiagonal(double... d) {
    int n = d.length;
    Matrix m = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      m.set((3 * i + 1) % n, (5 * i + 2) % n, (float) (i % 2 == 0 ? d[i] : -d[i]));
    }
    return m;
  }

  @Test
  void singularValuesOfKnownMatrices() {
    Matrix m = permutedDiagonal(3, 0.5, 2, 1, 0.25, 1.5, 0.75);
    assertEquals(3, Spectra.sigmaMax(m), 1e-5);
    assertEquals(0.25, Spectra.sigmaMin(m), 1e-6);
    assertEquals(0, Spectra.sigmaMin(permutedDiagonal(1, 2, 0, 3)), 0);
    Matrix tall = Matrix.of(new float[] {3, 0, 0, 4, 0, 0}, 3, 2);
    assertEquals(4, Spectra.sigmaMax(tall), 1e-5);
  }

  @Test
  void sigmaMinOfAGeneralMatrixMatchesTheInverse() {
    // [[2, 1], [1, 3]] is symmetric positive definite: singular values (5 ± √5)/2.
    Matrix m = Matrix.of(new float[] {2, 1, 1, 3}, 2, 2);
    assertEquals((5 - Math.sqrt(5)) / 2, Spectra.sigmaMin(m), 1e-6);
    assertEquals((5 + Math.sqrt(5)) / 2, Spectra.sigmaMax(m), 1e-5);
  }

  @Test
  void spectralRadiusOfARotationAndOfANonNormalMatrix() {
    double c = 1.1;
    double a = 0.3;
    // c times a rotation: complex eigenvalues c·e^{±ia}, where plain power iteration oscillates.
    Matrix rot = Matrix.of(new float[] {(float) (c * Math.cos(a)), (float) (-c * Math.sin(a)),
        (float) (c * Math.sin(a)), (float) (c * Math.cos(a))}, 2, 2);
    assertEquals(c, Spectra.spectralRadius(rot), 1e-5);
    // Upper triangular: eigenvalues 0.9 and 0.5, σ_max far larger than ρ.
    Matrix tri = Matrix.of(new float[] {0.9f, 5f, 0f, 0.5f}, 2, 2);
    assertEquals(0.9, Spectra.spectralRadius(tri), 1e-3);
  }
}
