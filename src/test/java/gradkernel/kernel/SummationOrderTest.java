package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API reductions follow exactly the order documented in {@code PanamaKernels}: a plain
 * Java model of that order (four accumulators, (s0 + s1) + (s2 + s3), the halving tree over the
 * lanes, the tail in index order) reproduces dot, sumOfSquares and gemv bit for bit, for every
 * length around the block edges. Any unspecified order (reduceLanes) fails this.
 */
class SummationOrderTest {
  private static final Kernels V = Kernels.active();

  /** Float lanes of the active Vector API kernels ("panama-512" → 16). */
  private static int lanes() {
    assumeTrue(VectorSupport.vectorized(), "the scalar kernels have no lanes");
    return Integer.parseInt(V.name().substring("panama-".length())) / 32;
  }

  static float[] values(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-4, 5)));
    }
    return x;
  }

  /** The halving tree: for k = lanes/2 … 1, t[i] = t[i] + t[i xor k]; result t[0]. */
  static float tree(float[] t) {
    t = t.clone();
    for (int k = t.length / 2; k >= 1; k /= 2) {
      float[] u = new float[t.length];
      for (int i = 0; i < t.length; i++) {
        u[i] = t[i] + t[i ^ k];
      }
      t = u;
    }
    return t[0];
  }

  static double tree(double[] t) {
    t = t.clone();
    for (int k = t.length / 2; k >= 1; k /= 2) {
      double[] u = new double[t.length];
      for (int i = 0; i < t.length; i++) {
        u[i] = t[i] + t[i ^ k];
      }
      t = u;
    }
    return t[0];
  }

  static float dotModel(int l, int n, float[] x, int xo, float[] y, int yo) {
    float[][] acc = new float[4][l];
    int i = 0;
    for (; i + 4 * l <= n; i += 4 * l) {
      for (int a = 0; a < 4; a++) {
        for (int j = 0; j < l; j++) {
          int e = i + a * l + j;
          acc[a][j] = Math.fma(x[xo + e], y[yo + e], acc[a][j]);
        }
      }
    }
    for (; i + l <= n; i += l) {
      for (int j = 0; j < l; j++) {
        acc[0][j] = Math.fma(x[xo + i + j], y[yo + i + j], acc[0][j]);
      }
    }
    float[] t = new float[l];
    for (int j = 0; j < l; j++) {
      t[j] = (acc[0][j] + acc[1][j]) + (acc[2][j] + acc[3][j]);
    }
    float s = tree(t);
    for (; i < n; i++) {
      s = Math.fma(x[xo + i], y[yo + i], s);
    }
    return s;
  }

  static double sumOfSquaresModel(int l, int n, float[] x, int xo) {
    int h = l / 2; // double lanes
    double[][] acc = new double[4][h];
    int i = 0;
    for (; i + 4 * h <= n; i += 4 * h) {
      for (int a = 0; a < 4; a++) {
        for (int j = 0; j < h; j++) {
          double v = x[xo + i + a * h + j];
          acc[a][j] = Math.fma(v, v, acc[a][j]);
        }
      }
    }
    double[] t = new double[h];
    for (int j = 0; j < h; j++) {
      t[j] = (acc[0][j] + acc[1][j]) + (acc[2][j] + acc[3][j]);
    }
    double s = tree(t);
    for (; i < n; i++) {
      double v = x[xo + i];
      s = Math.fma(v, v, s);
    }
    return s;
  }

  /** Rows in blocks of four: one accumulator per row, tree, tail; other rows as dot. */
  static float gemvRowModel(int l, int m, int n, float[] a, int row, float[] x) {
    if (row >= m / 4 * 4) {
      return dotModel(l, n, a, row * n, x, 0);
    }
    float[] acc = new float[l];
    int j = 0;
    for (; j + l <= n; j += l) {
      for (int q = 0; q < l; q++) {
        acc[q] = Math.fma(a[row * n + j + q], x[j + q], acc[q]);
      }
    }
    float s = tree(acc);
    for (; j < n; j++) {
      s = Math.fma(a[row * n + j], x[j], s);
    }
    return s;
  }

  @Test
  void dotAndSumOfSquaresFollowTheDocumentedOrder() {
    int l = lanes();
    SplittableRandom r = new SplittableRandom(5);
    for (int n = 0; n <= 9 * l + 3; n++) {
      for (int off : new int[] {0, 3}) {
        float[] x = values(r, n + off);
        float[] y = values(r, n + off);
        assertEquals(Float.floatToRawIntBits(dotModel(l, n, x, off, y, off)),
            Float.floatToRawIntBits(V.dot(n, x, off, y, off)), "dot n=" + n);
        assertEquals(Double.doubleToRawLongBits(sumOfSquaresModel(l, n, x, off)),
            Double.doubleToRawLongBits(V.sumOfSquares(n, x, off)), "sumOfSquares n=" + n);
      }
    }
  }

  @Test
  void gemvFollowsTheDocumentedOrder() {
    int l = lanes();
    SplittableRandom r = new SplittableRandom(6);
    for (int m : new int[] {1, 4, 7}) {
      for (int n = 0; n <= 3 * l + 2; n++) {
        float[] a = values(r, m * n);
        float[] x = values(r, n);
        float[] y = values(r, m);
        float[] expected = new float[m];
        for (int i = 0; i < m; i++) {
          expected[i] = Math.fma(0.75f, gemvRowModel(l, m, n, a, i, x), 0.5f * y[i]);
        }
        V.gemv(m, n, 0.75f, a, 0, n, x, 0, 0.5f, y, 0);
        KernelTwinTest.assertArrayBits(expected, y, "gemv " + m + "x" + n);
      }
    }
  }

  /**
   * sumOfSquaresChunked is the in-order double sum of sumOfSquares over chunks of 65 536 floats,
   * the same bits for every thread count and for both kernel sets, at lengths around the chunk
   * edges and at an offset.
   */
  @Test
  void chunkedSumOfSquaresAddsFixedChunksInOrder() {
    SplittableRandom r = new SplittableRandom(7);
    int c = ChunkedSumOfSquares.CHUNK;
    for (Kernels k : new Kernels[] {V, Kernels.scalar()}) {
      for (int n : new int[] {0, 1, c - 1, c, c + 1, 3 * c + 17}) {
        float[] x = values(r, n + 5);
        double want = 0;
        for (int o = 0; o < n; o += c) {
          want += k.sumOfSquares(Math.min(c, n - o), x, 5 + o);
        }
        for (int threads : new int[] {1, 2, 3, 8}) {
          assertEquals(Double.doubleToRawLongBits(want),
              Double.doubleToRawLongBits(k.sumOfSquaresChunked(threads, n, x, 5)),
              k.name() + " n=" + n + " threads=" + threads);
        }
      }
    }
  }
}
