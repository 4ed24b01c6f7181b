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
}
