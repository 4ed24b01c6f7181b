package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNormKernels}: the active implementation against the scalar twin, bit for bit, for
 * batches 1..9, 13, 17 and feature counts 0..53 (up to three 16-lane vectors plus tails) at two
 * offsets; the stated accuracy of the shifted sums when |mean| ≫ σ and of the float normalization
 * against double references.
 */
class BatchNormKernelTwinTest {
  private static final BatchNormKernels V = BatchNormKernels.active();
  private static final BatchNormKernels S = BatchNormKernels.scalar();

  private static float[] data(SplittableRandom r, int len, double mean, double spread) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) (mean + r.nextGaussian() * spread);
    }
    return x;
  }

  private static void assertSameBits(float[] s, float[] v, String what) {
    for (int i = 0; i < s.length; i++) {
      assertEquals(Float.floatToRawIntBits(s[i]), Float.floatToRawIntBits(v[i]), what + " i=" + i);
    }
  }

  private static void assertSameBits(double[] s, double[] v, String what) {
    for (int i = 0; i < s.length; i++) {
      assertEquals(Double.doubleToRawLongBits(s[i]), Double.doubleToRawLongBits(v[i]),
          what + " i=" + i);
    }
  }

  private static void check(SplittableRandom r, int b, int n, int off) {
    String at = " b=" + b + " n=" + n + " off=" + off;
    float[] x = data(r, off + b * n, 3, 2);
    float[] dy = data(r, off + b * n, 0, 1);
    // q has a sentinel past the 5n slots that must stay untouched
    double[] qs = new double[off + 5 * n + 1];
    double[] qv = new double[off + 5 * n + 1];
    java.util.Arrays.fill(qs, 7.0);
    java.util.Arrays.fill(qv, 7.0);
    S.shiftedSums(b, n, x, off, qs, off);
    V.shiftedSums(b, n, x, off, qv, off);
    assertSameBits(qs, qv, "shiftedSums" + at);
    float[] p = data(r, off + 2 * n, 0.5, 1);
    for (int j = 0; j < n; j++) {
      qs[off + j] = qv[off + j] = 3 + r.nextGaussian();
      qs[off + n + j] = qv[off + n + j] = 0.5 + r.nextDouble();
    }
    float[] ys = data(r, off + b * n + 2, 0, 1);
    float[] yv = ys.clone();
    S.normalize(b, n, x, off, qs, off, p, off, ys, 2);
    V.normalize(b, n, x, off, qv, off, p, off, yv, 2);
    assertSameBits(ys, yv, "normalize" + at);
    S.gradSums(b, n, dy, off, x, off, qs, off);
    V.gradSums(b, n, dy, off, x, off, qv, off);
    assertSameBits(qs, qv, "gradSums" + at);
    for (int i = off + 2 * n; i < off + 5 * n; i++) {
      qs[i] = qv[i] = r.nextGaussian();
    }
    float[] ds = data(r, off + b * n + 1, 0, 1);
    float[] dv = ds.clone();
    S.inputGradient(b, n, dy, off, x, off, qs, off, ds, 1);
    V.inputGradient(b, n, dy, off, x, off, qv, off, dv, 1);
    assertSameBits(ds, dv, "inputGradient" + at);
    // in place (dx aliasing dy, y aliasing x) gives the same bits as separate buffers
    float[] dyIn = dy.clone();
    V.inputGradient(b, n, dyIn, off, x, off, qv, off, dyIn, off);
    assertSameBits(java.util.Arrays.copyOfRange(ds, 1, 1 + b * n),
        java.util.Arrays.copyOfRange(dyIn, off, off + b * n), "inputGradient in place" + at);
  }

  @Test
  void twinsAreBitIdenticalForEveryBatchFeatureCountAndOffset() {
    SplittableRandom r = new SplittableRandom(15);
    for (int b : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17}) {
      for (int n = 0; n <= 53; n++) {
        for (int off : new int[] {0, 3}) {
          check(r, b, n, off);
        }
      }
    }
  }

  @Test
  void twinsStayBitIdenticalOnceCompiled() {
    // Large enough, and repeated, for C2 to compile the vector loops (OSR) mid-way.
    SplittableRandom r = new SplittableRandom(16);
    for (int rep = 0; rep < 12; rep++) {
      check(r, 67, 1031, rep % 2);
    }
  }

  @Test
  void activeIsVectorizedWhenTheModuleIsPresent() {
    if (VectorSupport.vectorized()) {
      assertNotEquals("scalar", V.name());
    } else {
      assertEquals("scalar", V.name());
    }
  }

  @Test
  void shiftedSumsKeepTheVarianceWhenTheMeanDwarfsTheSpread() {
    // mean 1e4, σ 1e-2: Σx² − (Σx)²/b in double would lose (1e6)²·2⁻⁵³ ≈ 100 % of the variance.
    SplittableRandom r = new SplittableRandom(18);
    int b = 256;
    int n = 37;
    float[] x = data(r, b * n, 1e4, 1e-2);
    double[] q = new double[2 * n];
    V.shiftedSums(b, n, x, 0, q, 0);
    for (int j = 0; j < n; j++) {
      double mean = 0;
      for (int i = 0; i < b; i++) {
        mean += x[i * n + j];
      }
      mean /= b;
      double ref = 0;
      for (int i = 0; i < b; i++) {
        double d = x[i * n + j] - mean;
        ref += d * d;
      }
      double s1 = q[j];
      double got = q[n + j] - s1 * (s1 / b);
      assertEquals(mean, x[j] + s1 / b, 4 * 0x1p-53 * Math.abs(mean), "mean j=" + j);
      // stated loss (b−1)·2⁻⁵³ plus the summation's b·2⁻⁵³ (and the reference's own)
      assertEquals(ref, got, 4 * b * 0x1p-53 * ref, "Σ(x − mean)² j=" + j);
    }
  }

  @Test
  void normalizeRoundsOnceEvenFarFromZero() {
    SplittableRandom r = new SplittableRandom(19);
    int b = 9;
    int n = 21;
    for (double mu : new double[] {0, 1e4, -3e6}) {
      float[] x = data(r, b * n, mu, 0.5);
      double[] q = new double[2 * n];
      float[] p = new float[2 * n];
      for (int j = 0; j < n; j++) {
        q[j] = mu + r.nextGaussian() * 0.1;
        q[n + j] = 1 / (0.5 + r.nextDouble());
        p[j] = 1f;
      }
      float[] y = new float[b * n];
      V.normalize(b, n, x, 0, q, 0, p, 0, y, 0);
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < n; j++) {
          // x − μ and the product carry ≤ 2 double roundings; then one float rounding
          java.math.BigDecimal ex = new java.math.BigDecimal(x[i * n + j])
              .subtract(new java.math.BigDecimal(q[j])).multiply(new java.math.BigDecimal(q[n + j]));
          double exact = ex.doubleValue();
          double bound = 0x1p-24 * Math.abs(exact) * (1 + 0x1p-50);
          assertTrue(Math.abs(y[i * n + j] - exact) <= bound,
              "x̂ " + y[i * n + j] + " vs " + exact + " mu=" + mu);
        }
      }
    }
  }
}
