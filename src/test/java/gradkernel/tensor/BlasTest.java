package gradkernel.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The checked facade: results on views with offsets, validation before writing, Transpose. */
class BlasTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  @Test
  void elementwiseKernelsOnOffsetViews() {
    float[] x = {9, 1, -2, 3, 9};
    float[] y = {7, 7, 4, 5, -6};
    float[] out = new float[6];
    Blas.mul(new Vec(x, 1, 3), new Vec(y, 2, 3), new Vec(out, 3, 3));
    assertArrayEquals(new float[] {0, 0, 0, 4, -10, -18}, out); // only the window written
    Vec v = new Vec(new float[] {5, -3, 0.5f, Float.NaN, 8}, 1, 3);
    Blas.clamp(-1, 1, v);
    assertArrayEquals(new float[] {5, -1, 0.5f, Float.NaN, 8}, v.data());
    assertThrows(IllegalArgumentException.class, () -> Blas.clamp(1, -1, v));
    assertThrows(IllegalArgumentException.class, () -> Blas.clamp(Float.NaN, 1, v));
    assertEquals(2, Blas.indexOfNonFinite(v));
    assertEquals(-1, Blas.indexOfNonFinite(v.slice(0, 2)));
    assertEquals(Float.NaN, Blas.maxAbs(v));
    assertEquals(1.25, Blas.sumOfSquares(v.slice(0, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> Blas.mul(Vec.zeros(3), Vec.zeros(2), Vec.zeros(3)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Blas.mul(Vec.zeros(3), Vec.zeros(3), Vec.zeros(4)));
    assertTrue(e.getMessage().contains("out"), e.getMessage());
    NullPointerException npe = assertThrows(NullPointerException.class,
        () -> Blas.dot(Vec.zeros(1), null));
    assertEquals("y", npe.getMessage());
  }

  /** All four transpositions against a double reference, and the parallel path bit-identical. */
  @Test
  void gemmWithTransposeEnum() {
    int m = 5;
    int n = 130; // more than two 64-column blocks
    int k = 7;
    for (Transpose ta : Transpose.values()) {
      for (Transpose tb : Transpose.values()) {
        Matrix a = ta.transposed() ? Matrix.of(random(k * m, 1), k, m)
            : Matrix.of(random(m * k, 1), m, k);
        Matrix b = tb.transposed() ? Matrix.of(random(n * k, 2), n, k)
            : Matrix.of(random(k * n, 2), k, n);
        assertEquals(m, ta.rows(a));
        assertEquals(k, tb.rows(b));
        Matrix c = Matrix.zeros(m, n);
        Blas.gemm(ta, tb, 1.5f, a, b, 0f, c);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double s = 0;
            double abs = 0;
            for (int p = 0; p < k; p++) {
              double t = (double) (ta.transposed() ? a.get(p, i) : a.get(i, p))
                  * (tb.transposed() ? b.get(j, p) : b.get(p, j));
              s += t;
              abs += Math.abs(t);
            }
            // γ_{k+2} = (k+2)u/(1-(k+2)u) with u = 2⁻²⁴, times |alpha|·Σ|a·b|.
            double bound = 1.5 * abs * (k + 2) * 0x1p-24 / (1 - (k + 2) * 0x1p-24);
            assertEquals(1.5 * s, c.get(i, j), bound + Math.ulp(c.get(i, j)),
                ta + "/" + tb + " (" + i + "," + j + ")");
          }
        }
        Matrix par = Matrix.zeros(m, n);
        Blas.gemm(Parallelism.threads(3), ta, tb, 1.5f, a, b, 0f, par);
        assertArrayEquals(c.data(), par.data(), "parallel " + ta + "/" + tb);
      }
    }
  }

  @Test
  void gemmRejectsBadShapesAndArgumentsBeforeWriting() {
    Matrix a = Matrix.zeros(2, 3);
    Matrix b = Matrix.zeros(3, 4);
    Matrix c = Matrix.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
    float[] before = c.data().clone();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Blas.gemm(Transpose.YES, Transpose.NO, 1f, a, b, 0f, c));
    assertTrue(e.getMessage().contains("2x3") && e.getMessage().contains("3x4"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Blas.gemm(Parallelism.threads(0), Transpose.NO, Transpose.NO, 1f, a, b, 0f, c));
    assertEquals("par", assertThrows(NullPointerException.class,
        () -> Blas.gemm((Parallelism) null, Transpose.NO, Transpose.NO, 1f, a, b, 0f, c))
        .getMessage());
    assertEquals("transB", assertThrows(NullPointerException.class,
        () -> Blas.gemm(Transpose.NO, null, 1f, a, b, 0f, c)).getMessage());
    assertEquals("c", assertThrows(NullPointerException.class,
        () -> Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, null)).getMessage());
    assertArrayEquals(before, c.data());
    Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, c); // β = 0: C not read
    assertArrayEquals(new float[8], c.data());
    assertTrue(Blas.implementation().equals("scalar") || Blas.implementation().startsWith("panama"),
        Blas.implementation());
  }

  /** Record equality of views: the same array object and window, never the element values. */
  @Test
  void viewsAreEqualWhenTheyViewTheSameWindow() {
    float[] d = {1, 2, 3, 4, 5, 6};
    Vec v = new Vec(d, 1, 3);
    assertEquals(v, new Vec(d, 1, 3));
    assertEquals(v.hashCode(), new Vec(d, 1, 3).hashCode());
    assertEquals(v, Vec.of(d).slice(1, 3));
    assertNotEquals(v, new Vec(d.clone(), 1, 3), "same values, other storage");
    assertNotEquals(v, new Vec(d, 2, 3));
    Set<Vec> set = new HashSet<>(Set.of(v));
    v.set(0, 42); // writes do not move a view in a hash set
    assertTrue(set.contains(new Vec(d, 1, 3)));

    Matrix a = Matrix.of(d, 2, 3);
    assertEquals(a, new Matrix(d, 0, 2, 3, 3));
    assertEquals(a.view(1, 0, 1, 3), new Matrix(d, 3, 1, 3, 3));
    assertNotEquals(a, Matrix.of(d.clone(), 2, 3));
    assertNotEquals(a, Matrix.of(d, 3, 2));
    assertEquals(a.hashCode(), new Matrix(d, 0, 2, 3, 3).hashCode());
  }
}
