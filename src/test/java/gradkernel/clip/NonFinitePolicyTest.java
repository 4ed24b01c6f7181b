package gradkernel.clip;

import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Views;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every policy with NaN, +∞ and -∞ at the first, middle and last element of the first, middle
 * and last tensor (the middle tensor spans two chunks, so the second chunk is exercised too).
 */
class NonFinitePolicyTest {
  static final float[] BAD = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
  static final int[] LENGTHS = {5, NormAccumulator.CHUNK + 9, 7};

  static float[][] grads(long seed) {
    Random r = new Random(seed);
    float[][] g = new float[LENGTHS.length][];
    for (int t = 0; t < g.length; t++) {
      g[t] = Ref.tensor(r, LENGTHS[t], 3);
    }
    return g;
  }

  interface Op {
    double run(NonFinite policy, float[][] g);
  }

  static final Op[] OPS = {
    (p, g) -> Clip.globalNorm(2, p, Views.all(g)),
    (p, g) -> Clip.byGlobalNorm(1.0, 2, p, Views.all(g)),
    (p, g) -> Clip.byGlobalNorm(1.0, 3, p, Views.all(g)),
    (p, g) -> Clip.byValue(0.5, p, Views.all(g)),
    (p, g) -> Clip.byGlobalNorm(Parallelism.allCores(), 1.0, 2, p, Views.all(g)),
    (p, g) -> Clip.byTensorNorms(1.0, p, new double[3], Views.all(g)),
  };

  @Test
  void everyPolicyAtEveryPosition() {
    for (float bad : BAD) {
      for (int t = 0; t < 3; t++) {
        int n = LENGTHS[t];
        for (int i : new int[] {0, n / 2, n - 1}) {
          for (int op = 0; op < OPS.length; op++) {
            check(bad, t, i, op);
          }
        }
      }
    }
  }

  private static void check(float bad, int t, int i, int op) {
    String where = "value " + bad + " at [" + t + "][" + i + "] op " + op;
    float[][] g = grads(t * 1000 + i);
    g[t][i] = bad;
    float[][] before = Ref.copy(g);

    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> OPS[op].run(NonFinite.THROW, g), where);
    assertEquals(t, e.tensorIndex(), where);
    assertEquals(i, e.elementIndex(), where);
    assertEquals(Float.floatToIntBits(bad), Float.floatToIntBits(e.value()), where);
    assertTrue(e.getMessage().contains("tensor " + t) && e.getMessage().contains("element " + i),
        e.getMessage());
    assertTrue(Ref.bitEqual(before, g), "THROW wrote: " + where);

    double skipped = OPS[op].run(NonFinite.SKIP, g);
    assertTrue(Ref.bitEqual(before, g), "SKIP wrote: " + where);
    if (op != 5) {
      assertEquals(Float.isNaN(bad) ? Double.NaN : Double.POSITIVE_INFINITY, skipped, where);
    }

    // ZERO must equal zeroing by hand, then clipping with the same operation, bit for bit. This
    // relies on the kernels' fixed summation order: with reduceLanes(ADD) the two runs differed in
    // the last bit whenever C2 compiled sumOfSquares between them (or the pool's workers ran
    // other code than the caller), e.g. 1129938.807632856 vs 1129938.8076328558.
    float[][] byHand = Ref.copy(before);
    byHand[t][i] = 0f;
    double expected = OPS[op].run(NonFinite.THROW, byHand);
    double zeroed = OPS[op].run(NonFinite.ZERO, g);
    assertEquals(expected, zeroed, where);
    assertTrue(Ref.bitEqual(byHand, g), "ZERO differs from zero-then-clip: " + where);
  }

  @Test
  void firstNonFiniteIsReportedAndNaNDominatesInfinity() {
    float[][] g = grads(5);
    g[2][1] = Float.NaN;
    g[1][NormAccumulator.CHUNK + 3] = Float.NEGATIVE_INFINITY;
    g[1][NormAccumulator.CHUNK + 5] = Float.NaN;
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Clip.byGlobalNorm(1, Views.all(g)));
    assertEquals(1, e.tensorIndex());
    assertEquals(NormAccumulator.CHUNK + 3, e.elementIndex());
    assertEquals(Float.NEGATIVE_INFINITY, e.value());
    assertEquals(Double.NaN, Clip.globalNorm(2, NonFinite.SKIP, Views.all(g)));
    assertEquals(Double.NaN, Clip.globalNorm(Double.POSITIVE_INFINITY, NonFinite.SKIP, Views.all(g)));
    float[][] onlyInf = grads(6);
    onlyInf[0][0] = Float.NEGATIVE_INFINITY;
    onlyInf[2][6] = Float.POSITIVE_INFINITY;
    assertEquals(Double.POSITIVE_INFINITY, Clip.globalNorm(1, NonFinite.SKIP, Views.all(onlyInf)));
    double z = Clip.byGlobalNorm(1, 2, NonFinite.ZERO, Views.all(g));
    assertTrue(Double.isFinite(z));
    assertEquals(0f, g[1][NormAccumulator.CHUNK + 3]);
    assertEquals(0f, g[1][NormAccumulator.CHUNK + 5]);
    assertEquals(0f, g[2][1]);
    assertTrue(Clip.globalNorm(Views.all(g)) <= 1);
  }

  @Test
  void adaptiveThrowsOnNonFiniteWeightOrGradientUntouched() {
    float[] w = {1, 2, 3, 4, 5, 6};
    float[] g = {10, 20, 30, 40, 50, Float.NaN};
    float[] gBefore = g.clone();
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Clip.adaptive(0.01,
        1e-3, gradkernel.tensor.Matrix.of(w, 2, 3), gradkernel.tensor.Matrix.of(g, 2, 3)));
    assertEquals(1, e.tensorIndex());
    assertEquals(2, e.elementIndex());
    assertTrue(java.util.Arrays.equals(gBefore, g));
    float[] w2 = {1, 2, 3, Float.POSITIVE_INFINITY, 5, 6};
    float[] g2 = {10, 20, 30, 40, 50, 60};
    float[] g2Before = g2.clone();
    assertThrows(NonFiniteException.class, () -> Clip.adaptive(0.01, 1e-3,
        gradkernel.tensor.Matrix.of(w2, 2, 3), gradkernel.tensor.Matrix.of(g2, 2, 3)));
    assertTrue(java.util.Arrays.equals(g2Before, g2));
  }
}
