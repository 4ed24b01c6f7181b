package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The active kernels (Vector API where present) against the scalar twin, for every length
 * 0..4·lanes+3, non-zero offsets and random values mixed with subnormals, ±0 and huge values.
 * Element-wise kernels must agree bit for bit (both round once per element); reductions within
 * the bounds stated in {@link Kernels}.
 */
class KernelTwinTest {
  private static final Kernels V = Kernels.active();
  private static final Kernels S = Kernels.scalar();
  private static final int MAX = 4 * 16 + 3;
  private static final double U = 0x1p-24;

  static float[] values(SplittableRandom r, int n, boolean specials) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
      if (specials) {
        switch (r.nextInt(12)) {
          case 0 -> x[i] = Float.MIN_VALUE * r.nextInt(1, 100);
          case 1 -> x[i] = -0f;
          case 2 -> x[i] = 0f;
          case 3 -> x[i] = (r.nextBoolean() ? 1 : -1) * 3e37f;
          default -> { }
        }
      }
    }
    return x;
  }

  /** axpy and scal switch loops by length (PanamaKernels); the long side of the switch too. */
  @Test
  void axpyAndScalAreBitIdenticalAtLongLengths() {
    SplittableRandom r = new SplittableRandom(3);
    for (int n : new int[] {(1 << 16) - 1, 1 << 16, (1 << 16) + 1, (1 << 16) + 4 * 16 + 3}) {
      for (int off : new int[] {0, 3}) {
        float[] x = values(r, n + off, true);
        float[] y = values(r, n + off, true);
        assertAxpyAndScalBits(n, off, (float) r.nextGaussian(), x, y);
      }
    }
  }

  /** axpy into a copy of y, scal of a copy of x: active against twin, bit for bit. */
  private static void assertAxpyAndScalBits(int n, int off, float alpha, float[] x, float[] y) {
    float[] yv = y.clone();
    float[] ys = y.clone();
    V.axpy(n, alpha, x, off, yv, off);
    S.axpy(n, alpha, x, off, ys, off);
    assertArrayBits(ys, yv, "axpy n=" + n);
    float[] xv = x.clone();
    float[] xs = x.clone();
    V.scal(n, alpha, xv, off);
    S.scal(n, alpha, xs, off);
    assertArrayBits(xs, xv, "scal n=" + n);
  }

  @Test
  void elementwiseKernelsAreBitIdentical() {
    SplittableRandom r = new SplittableRandom(1);
    for (int n = 0; n <= MAX; n++) {
      for (int off : new int[] {0, 1, 5}) {
        float[] x = values(r, n + off, true);
        float[] y = values(r, n + off, true);
        float alpha = (float) r.nextGaussian();
        assertAxpyAndScalBits(n, off, alpha, x, y);
        float[] ov = new float[n + 3];
        float[] os = new float[n + 3];
        V.mul(n, x, off, y, off, ov, 3);
        S.mul(n, x, off, y, off, os, 3);
        assertArrayBits(os, ov, "mul n=" + n);
        float[] xv = x.clone();
        float[] xs = x.clone();
        if (n > 0) {
          xv[off + n / 2] = Float.NaN;
          xs[off + n / 2] = Float.NaN;
        }
        V.clamp(n, -0.5f, 2f, xv, off);
        S.clamp(n, -0.5f, 2f, xs, off);
        assertArrayBits(xs, xv, "clamp n=" + n);
      }
    }
  }

  @Test
  void reductionsAgreeWithinTheirBounds() {
    SplittableRandom r = new SplittableRandom(2);
    for (int n = 0; n <= MAX; n++) {
      for (int off : new int[] {0, 3}) {
        float[] x = values(r, n + off, false);
        float[] y = values(r, n + off, false);
        double abs = 0;
        for (int i = 0; i < n; i++) {
          abs += Math.abs((double) x[off + i] * y[off + i]);
        }
        double bound = 2 * n * U / (1 - n * U) * abs;
        assertEquals(S.dot(n, x, off, y, off), V.dot(n, x, off, y, off), bound + 1e-30,
            "dot n=" + n);
        double ss = S.sumOfSquares(n, x, off);
        assertEquals(ss, V.sumOfSquares(n, x, off), (n + 2) * 0x1p-53 * ss, "sumsq n=" + n);
        assertEquals(Math.sqrt(ss), V.nrm2(n, x, off), (n + 2) * 0x1p-53 * Math.sqrt(ss));
        assertEquals(S.maxAbs(n, x, off), V.maxAbs(n, x, off), 0f, "maxAbs n=" + n);
        assertEquals(-1, V.indexOfNonFinite(n, x, off));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY}) {
          for (int at : new int[] {0, n / 2, n - 1}) {
            if (n == 0) {
              continue;
            }
            float[] z = x.clone();
            z[off + at] = bad;
            if (at > 0) {
              z[off + at - 1] = Float.MIN_VALUE; // subnormals are finite
            }
            assertEquals(S.indexOfNonFinite(n, z, off), V.indexOfNonFinite(n, z, off));
            assertEquals(at, V.indexOfNonFinite(n, z, off));
            assertEquals(S.maxAbs(n, z, off), V.maxAbs(n, z, off), 0f);
          }
        }
      }
    }
  }

  @Test
  void sumOfSquaresNeitherOverflowsNorUnderflows() {
    float[] big = new float[1010];
    Arrays.fill(big, 0, 1000, 1e19f);
    Arrays.fill(big, 1000, 1010, 3f);
    double exact = Math.sqrt(1000 * (double) 1e19f * 1e19f + 90);
    assertEquals(exact, V.nrm2(big.length, big, 0), 1e-15 * exact);
    assertEquals(3.16227766e20, V.nrm2(1000, big, 0), 1e12);
    float[] tiny = new float[77];
    Arrays.fill(tiny, 1e-30f);
    double t = Math.sqrt(77) * (double) 1e-30f;
    assertEquals(t, V.nrm2(tiny.length, tiny, 0), 1e-15 * t);
    float[] sub = new float[50];
    Arrays.fill(sub, Float.MIN_VALUE);
    assertEquals(Math.sqrt(50) * Float.MIN_VALUE, V.nrm2(50, sub, 0), 1e-15 * Float.MIN_VALUE);
    float[] max = {Float.MAX_VALUE, -Float.MAX_VALUE};
    assertTrue(Double.isFinite(V.nrm2(2, max, 0)));
  }

  static void assertArrayBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int e = Float.floatToIntBits(expected[i]);
      int a = Float.floatToIntBits(actual[i]);
      int at = i;
      assertEquals(e, a, () -> what + " at " + at + ": " + expected[at] + " vs " + actual[at]);
    }
  }
}
