package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.kernel.OptimizerKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The active optimizer kernels (Vector API where present) against the scalar twin, bit for bit
 * (NaN compared as NaN, payloads aside), for every length 0..4·16+3, offsets 0, 1, 5 (different
 * per array), every option combination, and values mixed with ±0, subnormals, huge values, ±∞ and
 * NaN. Under the scalar-fallback run both sides are the scalar kernels.
 */
class OptimizerKernelTwinTest {
  private static final OptimizerKernels V = OptimizerKernels.active();
  private static final OptimizerKernels S = OptimizerKernels.scalar();
  private static final int MAX = 4 * 16 + 3;
  private static final int[][] OFFSETS = {{0, 0, 0}, {1, 5, 3}, {5, 1, 0}};

  private static float[] values(SplittableRandom r, int n, boolean nonNegative) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double v = r.nextGaussian() * Math.pow(10, r.nextInt(-4, 3));
      x[i] = (float) (nonNegative ? Math.abs(v) : v);
      switch (r.nextInt(20)) {
        case 0 -> x[i] = Float.MIN_VALUE * r.nextInt(1, 100);
        case 1 -> x[i] = nonNegative ? 0f : -0f;
        case 2 -> x[i] = 0f;
        case 3 -> x[i] = (nonNegative || r.nextBoolean() ? 1 : -1) * 3e37f;
        case 4 -> x[i] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
        default -> { }
      }
    }
    return x;
  }

  /** n values at offset off in a buffer padded with sentinels on both sides. */
  private static float[] padded(SplittableRandom r, int n, int off, boolean nonNegative) {
    float[] x = new float[off + n + 3];
    java.util.Arrays.fill(x, 12345f);
    System.arraycopy(values(r, n, nonNegative), 0, x, off, n);
    return x;
  }

  private static void same(float[] s, float[] v, String what) {
    if (s == null) {
      return;
    }
    for (int i = 0; i < s.length; i++) {
      if (Float.floatToIntBits(s[i]) != Float.floatToIntBits(v[i])) {
        assertEquals(s[i], v[i], what + " [" + i + "]");
        throw new AssertionError(what + " [" + i + "]: " + s[i] + " vs " + v[i]);
      }
    }
  }

  private static float[] copy(float[] x) {
    return x == null ? null : x.clone();
  }

  /** Runs one kernel call on copies with both implementations and compares every array. */
  interface Call {
    void run(OptimizerKernels k, float[] w, float[] g, float[] a, float[] b, float[] c);
  }

  private static void twin(Call call, float[] w, float[] g, float[] a, float[] b, float[] c,
      String what) {
    float[] ws = copy(w);
    float[] as = copy(a);
    float[] bs = copy(b);
    float[] cs = copy(c);
    float[] wv = copy(w);
    float[] av = copy(a);
    float[] bv = copy(b);
    float[] cv = copy(c);
    float[] g0 = g.clone();
    call.run(S, ws, g, as, bs, cs);
    call.run(V, wv, g, av, bv, cv);
    same(ws, wv, what + " w");
    same(as, av, what + " a");
    same(bs, bv, what + " b");
    same(cs, cv, what + " c");
    same(g0, g, what + " g unchanged");
  }

  @Test
  void theVectorKernelsAreSelectedWhenTheModuleIsPresent() {
    // The scalar-fallback Surefire execution runs without jdk.incubator.vector and sets this.
    boolean scalar = "scalar".equals(System.getProperty("gradkernel.expectKernels", "vector"));
    assertEquals(scalar, V.name().equals("scalar"), V.name());
  }

  @Test
  void everyKernelAgreesBitForBitWithTheScalarTwin() {
    SplittableRandom r = new SplittableRandom(2026);
    int calls = 0;
    for (int n = 0; n <= MAX; n++) {
      for (int[] o : OFFSETS) {
        final int len = n;
        int wo = o[0];
        int go = o[1];
        int so = o[2];
        float[] w = padded(r, n, wo, false);
        float[] g = padded(r, n, go, false);
        float[] s1 = padded(r, n, so, false);
        float[] s2 = padded(r, n, so, true);
        float[] s3 = padded(r, n, so, true);
        for (int mode = 0; mode < 8; mode++) {
          float clip = mode % 2 == 0 ? 1f : (float) r.nextDouble();
          float l2 = (mode & 2) != 0 ? 0.01f : 0f;
          float l1 = (mode & 4) != 0 ? 0.003f : 0f;
          String tag = "n=" + n + " off=" + wo + "," + go + "," + so + " mode=" + mode;
          for (int sgd = 0; sgd < 4; sgd++) {
            boolean mom = sgd > 0;
            boolean nest = sgd == 2;
            boolean first = sgd == 3;
            twin((k, ww, gg, a, b, c) -> k.sgd(len, ww, wo, gg, go, mom ? a : null, so, clip, l2,
                l1, 0.1f, 0.9f, 0.8f, nest, first), w, g, s1, null, null, tag + " sgd" + sgd);
          }
          for (int rms = 0; rms < 4; rms++) {
            boolean centered = (rms & 1) != 0;
            boolean mom = (rms & 2) != 0;
            twin((k, ww, gg, a, b, c) -> k.rmsprop(len, ww, wo, gg, go, a, so,
                centered ? b : null, so, mom ? c : null, so, clip, l2, l1, 0.01f, 0.99f, 0.01f,
                1e-8f, 0.5f), w, g, s2, s1, s1, tag + " rms" + rms);
          }
          twin((k, ww, gg, a, b, c) -> k.adagrad(len, ww, wo, gg, go, a, so, clip, l2, l1, 0.05f,
              1e-10f), w, g, s2, null, null, tag + " adagrad");
          for (int ams = 0; ams < 2; ams++) {
            boolean on = ams == 1;
            float decay = mode < 4 ? 1f : 0.999f;
            twin((k, ww, gg, a, b, c) -> k.adam(len, ww, wo, gg, go, a, so, b, so, on ? c : null,
                so, clip, l2, l1, decay, 0.9f, 0.1f, 0.999f, 0.001f, 0.0123f, 0.0447f, 1e-8f),
                w, g, s1, s2, s3, tag + " adam" + ams);
          }
          calls += 11;
        }
      }
    }
    assertEquals((MAX + 1) * OFFSETS.length * 8 * 11, calls);
  }
}
