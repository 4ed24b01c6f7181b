package gradkernel.spectral;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EigenvaluesTest {

  /** Q·B·Qᵀ in double, rounded once to float: similar to B up to float rounding (~6e-8·‖B‖). */
  private static Matrix conjugate(double[][] b, long seed) {
    int n = b.length;
    Matrix q = Matrix.zeros(n, n);
    Init.orthogonal(q, 1.0, seed);
    Matrix out = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          for (int l = 0; l < n; l++) {
            s += (double) q.get(i, k) * b[k][l] * q.get(j, l);
          }
        }
        out.set(i, j, (float) s);
      }
    }
    return out;
  }

  private static double[] sortedKeys(Eigenvalues e) {
    return sortedKeys(e.re(), e.im());
  }

  private static double[] sortedKeys(double[] re, double[] im) {
    double[] k = new double[re.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = re[i] * 1000 + im[i];
    }
    Arrays.sort(k);
    return k;
  }

  @Test
  void symmetricWithKnownSpectrum() {
    int n = 12;
    double[][] d = new double[n][n];
    for (int i = 0; i < n; i++) {
      d[i][i] = i - 5.5;
    }
    Eigenvalues e = Eigenvalues.of(conjugate(d, 3));
    double[] re = e.re().clone();
    Arrays.sort(re);
    for (int i = 0; i < n; i++) {
      // orthogonal Q only to float rounding: eigenvalues perturbed by ~1e-6·‖A‖.
      assertEquals(i - 5.5, re[i], 1e-5);
      assertEquals(0, e.im()[i], 1e-12);
    }
    assertEquals(5.5, e.radius(), 1e-5);
  }

  @Test
  void rotationBlocksGiveComplexPairs() {
    // blocks r·[[cos θ, −sin θ], [sin θ, cos θ]] → r e^{±iθ}, plus a real eigenvalue 0.3.
    double[][] b = new double[5][5];
    double[][] rt = {{1.2, 0.7}, {0.5, 2.0}};
    for (int k = 0; k < 2; k++) {
      double r = rt[k][0];
      double th = rt[k][1];
      b[2 * k][2 * k] = r * Math.cos(th);
      b[2 * k][2 * k + 1] = -r * Math.sin(th);
      b[2 * k + 1][2 * k] = r * Math.sin(th);
      b[2 * k + 1][2 * k + 1] = r * Math.cos(th);
    }
    b[4][4] = 0.3;
    Eigenvalues e = Eigenvalues.of(conjugate(b, 8));
    double[] expRe = {1.2 * Math.cos(0.7), 1.2 * Math.cos(0.7), 0.5 * Math.cos(2.0),
        0.5 * Math.cos(2.0), 0.3};
    double[] expIm = {1.2 * Math.sin(0.7), -1.2 * Math.sin(0.7), 0.5 * Math.sin(2.0),
        -0.5 * Math.sin(2.0), 0};
    double[] got = sortedKeys(e);
    double[] exp = sortedKeys(expRe, expIm);
    for (int i = 0; i < 5; i++) {
      assertEquals(exp[i], got[i], 1e-3, "sorted key " + i); // keys are 1000·re + im
    }
    for (int i = 0; i < 5; i++) {
      double m = e.abs(i);
      assertTrue(Math.abs(m - 1.2) < 1e-5 || Math.abs(m - 0.5) < 1e-5
          || Math.abs(m - 0.3) < 1e-5, "modulus " + m);
    }
    assertEquals(1.2, Eigenvalues.spectralRadius(conjugate(b, 8)), 1e-5);
  }

  @Test
  void defectiveJordanBlockLooserTolerance() {
    // Jordan block J_3(2): a perturbation δ moves the eigenvalues by ~δ^(1/3). The float rounding
    // of Q J Qᵀ gives δ ≈ 1e-7·‖J‖ ≈ 3e-7 → error ≈ 7e-3, so 3e-2 is the honest tolerance here.
    double[][] j = {{2, 1, 0}, {0, 2, 1}, {0, 0, 2}};
    Eigenvalues e = Eigenvalues.of(conjugate(j, 5));
    for (int i = 0; i < 3; i++) {
      assertEquals(2, e.re(i), 3e-2);
      assertEquals(0, e.im(i), 3e-2);
    }
    // exact in float (already triangular): exact answer.
    Matrix exact = Matrix.of(new float[] {2, 1, 0, 0, 2, 1, 0, 0, 2}, 3, 3);
    for (double re : Eigenvalues.of(exact).re()) {
      assertEquals(2, re, 1e-12);
    }
  }

  @Test
  void badInput() {
    assertThrows(IllegalArgumentException.class, () -> Eigenvalues.of(Matrix.zeros(2, 3)));
    assertThrows(IllegalArgumentException.class, () -> Eigenvalues.of(Matrix.zeros(0, 0)));
    Matrix nan = Matrix.zeros(2, 2);
    nan.set(1, 0, Float.POSITIVE_INFINITY);
    assertThrows(IllegalArgumentException.class, () -> Eigenvalues.of(nan));
    assertEquals(0.0, Eigenvalues.of(Matrix.zeros(1, 1)).radius());
  }

  /** A value, not a view: accessors hand out copies, equality compares the eigenvalues. */
  @Test
  void immutableValueWithCopyingAccessors() {
    Matrix m = Matrix.of(new float[] {0, -2, 2, 0}, 2, 2); // ±2i
    Eigenvalues e = Eigenvalues.of(m);
    assertEquals(2, e.size());
    double[] im = e.im();
    im[0] = 99;
    assertEquals(2, Math.abs(e.im(0)), 1e-12, "a copy was handed out");
    assertEquals(-e.im(0), e.im(1), 0.0, "conjugate pair");
    assertEquals(e, Eigenvalues.of(m));
    assertEquals(e.hashCode(), Eigenvalues.of(m).hashCode());
    assertNotEquals(e, Eigenvalues.of(Matrix.of(new float[] {0, -3, 3, 0}, 2, 2)));
    assertThrows(IndexOutOfBoundsException.class, () -> e.re(2));
    assertTrue(e.toString().contains("i"), e.toString());
  }
}
