package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxKernels}: the active implementation against the scalar twin, bit for bit, for
 * lengths 0..67 and 50257 (GPT-2's vocabulary) at offsets 0, 1, 5, in separate and in-place
 * buffers; and the stated accuracy of the exp-sum against a double reference.
 */
class SoftmaxKernelTwinTest {
  private static final SoftmaxKernels V = SoftmaxKernels.active();
  private static final SoftmaxKernels S = SoftmaxKernels.scalar();

  private static float[] logits(SplittableRandom r, int n, double spread) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * spread);
      if (r.nextInt(50) == 0) {
        x[i] = r.nextBoolean() ? -3e38f : (float) (r.nextGaussian() * 100);
      }
    }
    return x;
  }

  private static void check(SplittableRandom r, int n, int off) {
    for (double spread : new double[] {0.5, 5, 40}) {
      float[] x = logits(r, n + off, spread);
      if (n == 0) {
        assertEquals(0.0, V.expSum(x, off, 0, 0f, null, 0));
        assertEquals(0.0, S.expSum(x, off, 0, 0f, null, 0));
        continue;
      }
      float mv = V.max(x, off, n);
      float ms = S.max(x, off, n);
      assertEquals(Float.floatToRawIntBits(ms), Float.floatToRawIntBits(mv), "max n=" + n);
      float[] dv = new float[n + 3];
      float[] ds = new float[n + 3];
      double sv = V.expSum(x, off, n, mv, dv, 3);
      double ss = S.expSum(x, off, n, ms, ds, 3);
      assertEquals(Double.doubleToRawLongBits(ss), Double.doubleToRawLongBits(sv),
          "expSum n=" + n + " off=" + off);
      assertEquals(ss, S.expSum(x, off, n, ms, null, 0), "value-only expSum n=" + n);
      for (int c = 0; c < n + 3; c++) {
        assertEquals(Float.floatToRawIntBits(ds[c]), Float.floatToRawIntBits(dv[c]),
            "exp n=" + n + " c=" + c);
      }
      float[] iv = x.clone();
      float[] is = x.clone();
      assertEquals(sv, V.expSum(iv, off, n, mv, iv, off), "in place n=" + n);
      assertEquals(ss, S.expSum(is, off, n, ms, is, off), "in place n=" + n);
      float a = (float) (1 / sv);
      float b = (float) -r.nextDouble();
      V.affine(iv, off, n, a, b);
      S.affine(is, off, n, a, b);
      for (int c = 0; c < n + off; c++) {
        assertEquals(Float.floatToRawIntBits(is[c]), Float.floatToRawIntBits(iv[c]),
            "affine n=" + n + " c=" + c);
      }
      // accuracy: ln S within (ln n + 3)·2⁻²⁴ of the double reference
      double ref = 0;
      for (int c = 0; c < n; c++) {
        ref += Math.exp((double) x[off + c] - ms);
      }
      double bound = (Math.log(n) + 3) * 0x1p-24;
      double err = Math.abs(Math.log(ss) - Math.log(ref));
      assertTrue(err <= bound, "ln S error " + err + " > " + bound + " n=" + n);
    }
  }

  @Test
  void twinsAreBitIdenticalForEveryLengthAndOffset() {
    SplittableRandom r = new SplittableRandom(14);
    for (int n = 0; n <= 67; n++) {
      for (int off : new int[] {0, 1, 5}) {
        check(r, n, off);
      }
    }
  }

  @Test
  void twinsAreBitIdenticalForGpt2Vocabulary() {
    SplittableRandom r = new SplittableRandom(50257);
    for (int off : new int[] {0, 1, 5}) {
      check(r, 50257, off);
    }
  }

  @Test
  void maxPropagatesNaN() {
    float[] x = {1f, 2f, Float.NaN, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f,
        17f};
    assertTrue(Float.isNaN(V.max(x, 0, x.length)));
    assertTrue(Float.isNaN(S.max(x, 0, x.length)));
    assertTrue(Double.isNaN(V.expSum(x, 0, x.length, 17f, null, 0)));
  }
}
