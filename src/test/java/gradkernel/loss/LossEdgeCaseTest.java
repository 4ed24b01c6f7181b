package gradkernel.loss;

import static gradkernel.loss.LossReference.m;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Huge logits, NaN policy, aliasing, strided views and bad input (nothing written on error). */
class LossEdgeCaseTest {
  private static final int B = 3;
  private static final int C = 5;
  private static final float[] HUGE = {3e38f, -3e38f, 0f, 1e30f, -1e30f, Float.MAX_VALUE,
      -Float.MAX_VALUE, 1e30f, 3e38f, -1e-30f, -3e38f, -3e38f, -1e30f, 2f, 1e30f};

  private static float[] soft() {
    float[] t = new float[B * C];
    for (int r = 0; r < B; r++) {
      for (int c = 0; c < C; c++) {
        t[r * C + c] = (c + 1) / 15f;
      }
    }
    return t;
  }

  private static void allFinite(String what, double v, float[] g) {
    assertTrue(Double.isFinite(v), what + " value " + v);
    for (int i = 0; i < g.length; i++) {
      assertTrue(Float.isFinite(g[i]), what + " grad[" + i + "] = " + g[i]);
    }
  }

  @Test
  void hugeLogitsGiveFiniteValuesAndGradients() {
    int[] y = {1, 0, 4};
    float[] t = soft();
    float[] g = new float[B * C];
    double[] xd = LossReference.toDouble(HUGE);
    for (Reduction red : Reduction.values()) {
      boolean mean = red == Reduction.MEAN;
      for (double eps : new double[] {0, 0.1}) {
        CrossEntropyLoss ce = CrossEntropyLoss.of(red).withLabelSmoothing(eps);
        double v = ce.apply(m(HUGE, 0, B, C), y, 0, m(g, 0, B, C));
        allFinite("ce", v, g);
        double ref = LossReference.ceIndex(xd, C, y, eps, null, mean);
        assertEquals(ref, v, 1e-12 * ref);
        rowsSumToZero(g, 1);
        v = ce.applyProbabilities(m(HUGE, 0, B, C), m(t, 0, B, C), m(g, 0, B, C));
        allFinite("ce prob", v, g);
        ref = LossReference.ceProb(xd, C, t, eps, mean);
        assertEquals(ref, v, 1e-12 * ref);
        rowsSumToZero(g, 1);
      }
      float[] pw = {0.5f, 2f, 1f, 3f, 0.25f};
      double v = BceWithLogitsLoss.of(red).withPosWeight(Vec.of(pw)).apply(m(HUGE, 0, B, C), m(t,
          0, B, C), m(g, 0, B, C));
      allFinite("bce", v, g);
      double ref = LossReference.bce(xd, t, pw, C, mean);
      assertEquals(ref, v, 1e-12 * ref);
      allFinite("huber", HuberLoss.of(1, red).apply(m(HUGE, 0, B, C), m(t, 0, B, C), m(g, 0, B,
          C)), g);
    }
    // MSE's gradient 2(x − y)/n is representable here (n = 15); the value is a finite double
    double v = MseLoss.of(Reduction.MEAN).apply(m(HUGE, 0, B, C), m(new float[B * C], 0, B, C),
        m(g, 0, B, C));
    allFinite("mse", v, g);
  }

  private static void rowsSumToZero(float[] g, double scale) {
    for (int r = 0; r < B; r++) {
      double s = 0;
      for (int c = 0; c < C; c++) {
        s += g[r * C + c];
      }
      assertEquals(0, s, 1e-6 * scale, "row " + r);
    }
  }

  @Test
  void nanInputGivesNanValue() {
    float[] x = soft();
    x[7] = Float.NaN;
    float[] t = soft();
    float[] g = new float[B * C];
    assertTrue(Double.isNaN(MseLoss.of(Reduction.MEAN).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0,
        B, C))));
    assertTrue(Float.isNaN(g[7]));
    assertTrue(Double.isNaN(HuberLoss.of(1, Reduction.SUM).apply(m(x, 0, B, C), m(t, 0, B, C),
        m(g, 0, B, C))));
    assertTrue(Float.isNaN(g[7]));
    assertTrue(Double.isNaN(BceWithLogitsLoss.of(Reduction.MEAN).apply(m(x, 0, B, C), m(t, 0, B,
        C), m(g, 0, B, C))));
    assertTrue(Float.isNaN(g[7]));
    assertTrue(Double.isNaN(CrossEntropyLoss.of(Reduction.MEAN)
        .apply(m(x, 0, B, C), new int[] {0, 0, 0}, 0, m(g, 0, B, C))));
    for (int c = 0; c < C; c++) {
      assertTrue(Float.isNaN(g[C + c]), "the NaN row's gradient is NaN");
      assertTrue(Float.isFinite(g[c]) && Float.isFinite(g[2 * C + c]), "other rows are not");
    }
    assertTrue(Double.isNaN(CrossEntropyLoss.of(Reduction.SUM)
        .applyProbabilities(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C))));
  }

  /** Every loss as (input, grad) → value over dense [B, C], for the aliasing checks. */
  private static ToDoubleBiFunction<float[], float[]>[] all() {
    float[] t = soft();
    int[] y = {2, 0, 4};
    @SuppressWarnings("unchecked")
    ToDoubleBiFunction<float[], float[]>[] fs = new ToDoubleBiFunction[] {
        (ToDoubleBiFunction<float[], float[]>) (x, g) ->
            MseLoss.of(Reduction.MEAN).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C)),
        (ToDoubleBiFunction<float[], float[]>) (x, g) ->
            HuberLoss.of(0.7, Reduction.SUM).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C)),
        (ToDoubleBiFunction<float[], float[]>) (x, g) -> BceWithLogitsLoss.of(Reduction.MEAN)
            .withPosWeight(Vec.of(new float[] {1, 2, 3, 4, 5})).apply(m(x, 0, B, C), m(t, 0, B,
                C), m(g, 0, B, C)),
        (ToDoubleBiFunction<float[], float[]>) (x, g) -> CrossEntropyLoss.of(Reduction.MEAN)
            .withLabelSmoothing(0.2).apply(m(x, 0, B, C), y, 0, m(g, 0, B, C)),
        (ToDoubleBiFunction<float[], float[]>) (x, g) -> CrossEntropyLoss.of(Reduction.SUM)
            .withLabelSmoothing(0.1).applyProbabilities(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B,
                C))};
    return fs;
  }

  @Test
  void gradientMayReplaceInputAndValueOnlyMatches() {
    float[] x = LossGradientTest.random(new SplittableRandom(9), B * C, -4, 4);
    int k = 0;
    for (ToDoubleBiFunction<float[], float[]> f : all()) {
      float[] g = new float[B * C];
      double v = f.applyAsDouble(x.clone(), g);
      float[] inPlace = x.clone();
      assertEquals(Double.doubleToLongBits(v),
          Double.doubleToLongBits(f.applyAsDouble(inPlace, inPlace)), "loss " + k);
      assertArrayEquals(g, inPlace, "loss " + k + ": in-place gradient, same bits");
      assertEquals(Double.doubleToLongBits(v),
          Double.doubleToLongBits(f.applyAsDouble(x.clone(), null)), "loss " + k + " value only");
      k++;
    }
  }

  @Test
  void stridedViewsMatchDenseArrays() {
    SplittableRandom r = new SplittableRandom(10);
    float[] x = LossGradientTest.random(r, B * C, -4, 4);
    float[] t = soft();
    int ld = C + 3;
    int off = 2;
    float[] big = LossGradientTest.random(r, off + B * ld, -1, 1);
    float[] bigT = new float[off + B * ld];
    float[] bigG = new float[off + B * ld];
    Arrays.fill(bigG, 42f);
    for (int i = 0; i < B; i++) {
      System.arraycopy(x, i * C, big, off + i * ld, C);
      System.arraycopy(t, i * C, bigT, off + i * ld, C);
    }
    Matrix xv = new Matrix(big, off, B, C, ld);
    Matrix tv = new Matrix(bigT, off, B, C, ld);
    Matrix gv = new Matrix(bigG, off, B, C, ld);
    float[] g = new float[B * C];
    int[] y = {4, 1, 0};
    CrossEntropyLoss ce = CrossEntropyLoss.of(Reduction.MEAN).withLabelSmoothing(0.05);
    double[] dense = {
        MseLoss.of(Reduction.MEAN).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C)),
        HuberLoss.of(1, Reduction.MEAN).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C)),
        BceWithLogitsLoss.of(Reduction.SUM).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C)),
        ce.apply(m(x, 0, B, C), y, 0, m(g, 0, B, C)),
        ce.applyProbabilities(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B, C))};
    double[] views = {
        MseLoss.of(Reduction.MEAN).apply(xv, tv, gv),
        HuberLoss.of(1, Reduction.MEAN).apply(xv, tv, gv),
        BceWithLogitsLoss.of(Reduction.SUM).apply(xv, tv, gv),
        ce.apply(xv, y, 0, gv),
        ce.applyProbabilities(xv, tv, gv)};
    assertArrayEquals(dense, views);
    for (int i = 0; i < B; i++) {
      assertArrayEquals(Arrays.copyOfRange(g, i * C, i * C + C),
          Arrays.copyOfRange(bigG, off + i * ld, off + i * ld + C), "row " + i);
      for (int j = C; j < ld && off + i * ld + j < bigG.length; j++) {
        assertEquals(42f, bigG[off + i * ld + j], "padding untouched");
      }
    }
    assertEquals(42f, bigG[0]);
  }

  @Test
  void posWeightIsCopiedInAndOut() {
    float[] x = LossGradientTest.random(new SplittableRandom(12), B * C, -4, 4);
    float[] t = soft();
    float[] pw = {0.5f, 2f, 1f, 3f, 0.25f};
    float[] window = {9f, 0.5f, 2f, 1f, 3f, 0.25f, 9f};
    BceWithLogitsLoss bce = BceWithLogitsLoss.of(Reduction.SUM).withPosWeight(Vec.of(pw));
    double before = bce.apply(m(x, 0, B, C), m(t, 0, B, C), null);
    assertEquals(before, BceWithLogitsLoss.of(Reduction.SUM).withPosWeight(new Vec(window, 1, C))
        .apply(m(x, 0, B, C), m(t, 0, B, C), null), "a window of a larger array");
    Arrays.fill(pw, 7f);
    Vec out = bce.posWeight();
    assertArrayEquals(new float[] {0.5f, 2f, 1f, 3f, 0.25f}, out.toArray());
    out.set(0, 100f);
    assertEquals(before, bce.apply(m(x, 0, B, C), m(t, 0, B, C), null));
    assertArrayEquals(new float[] {0.5f, 2f, 1f, 3f, 0.25f}, bce.posWeight().toArray());
    assertEquals(null, BceWithLogitsLoss.of(Reduction.SUM).posWeight());
  }

  @Test
  void everyRowIgnoredOrEmptyBatchGivesZero() {
    float[] x = soft();
    float[] g = new float[B * C];
    Arrays.fill(g, 3f);
    CrossEntropyLoss ce = CrossEntropyLoss.of(Reduction.MEAN).withIgnoreIndex(-100);
    assertEquals(0.0, ce.apply(m(x, 0, B, C), new int[] {-100, -100, -100}, 0, m(g, 0, B, C)));
    assertArrayEquals(new float[B * C], g);
    assertEquals(0.0, ce.apply(m(x, 0, 0, C), new int[0], 0, m(g, 0, 0, C)));
    assertEquals(0.0, MseLoss.of(Reduction.MEAN).apply(m(x, 0, 0, C), m(x, 0, 0, C), m(g, 0, 0,
        C)));
  }

  private static void rejects(String argument, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(argument), e.getMessage());
  }

  @Test
  void badInputThrowsBeforeWriting() {
    float[] x = LossGradientTest.random(new SplittableRandom(11), B * C, -4, 4);
    float[] x0 = x.clone();
    float[] t = soft();
    float[] badT = soft();
    badT[9] = Float.NaN;
    float[] g = new float[B * C];
    Arrays.fill(g, 7f);
    float[] g0 = g.clone();
    CrossEntropyLoss ce = CrossEntropyLoss.of(Reduction.MEAN);
    rejects("targets[2]", () -> ce.apply(m(x, 0, B, C), new int[] {0, 1, 5}, 0, m(g, 0, B, C)));
    rejects("targets[1]", () -> ce.apply(m(x, 0, B, C), new int[] {0, -100, 1}, 0, m(g, 0, B, C)));
    rejects("targets[0]", () -> ce.withIgnoreIndex(-1).apply(m(x, 0, B, C), new int[] {-100, 1,
        1}, 0, m(x, 0, B, C)));
    rejects("targets", () -> ce.apply(m(x, 0, B, C), new int[] {0, 1}, 0, m(g, 0, B, C)));
    rejects("target", () -> ce.applyProbabilities(m(x, 0, B, C), m(badT, 0, B, C), m(x, 0, B, C)));
    rejects("target", () -> BceWithLogitsLoss.of(Reduction.SUM).apply(m(x, 0, B, C), m(badT, 0, B,
        C), m(x, 0, B, C)));
    rejects("grad", () -> ce.apply(m(x, 0, B, C), new int[] {0, 1, 2}, 0, m(g, 0, B, C - 1)));
    float[] wide = new float[B * C + 1];
    rejects("partially overlaps", () -> ce.apply(m(wide, 0, B, C), new int[] {0, 1, 2}, 0,
        m(wide, 1, B, C)));
    rejects("partially overlaps", () -> MseLoss.of(Reduction.SUM).apply(m(wide, 1, B, C),
        m(t, 0, B, C), m(wide, 0, B, C)));
    rejects("overlaps the target", () -> ce.applyProbabilities(m(wide, 0, B, C), m(t, 0, B, C),
        m(t, 0, B, C)));
    rejects("grad", () -> MseLoss.of(Reduction.SUM).apply(m(x, 0, B, C), m(t, 0, B, C), m(t, 0, B,
        C)));
    rejects("logits", () -> ce.applyProbabilities(m(x, 0, B, C), m(t, 0, C, B), null));
    rejects("logits", () -> ce.apply(m(x, 0, B, 0), new int[] {0, 1, 2}, 0, m(g, 0, B, 0)));
    rejects("input", () -> HuberLoss.of(1, Reduction.SUM).apply(m(x, 0, B, C), m(t, 0, B, C - 1),
        null));
    assertEquals("input", assertThrows(NullPointerException.class,
        () -> HuberLoss.of(1, Reduction.SUM).apply(null, m(t, 0, B, C), null)).getMessage());
    assertEquals("target", assertThrows(NullPointerException.class,
        () -> HuberLoss.of(1, Reduction.SUM).apply(m(x, 0, B, C), null, null)).getMessage());
    // Bounds, offsets and negative shapes are now the view's to check, when it is built.
    rejects("data", () -> m(x, 1, B, C));
    rejects("data", () -> m(x, 0, -1, C));
    rejects("target", () -> MseLoss.of(Reduction.SUM)
        .apply(Matrix.of(x, B, C), Matrix.of(t, C, B), Matrix.of(g, B, C)));
    rejects("grad", () -> MseLoss.of(Reduction.SUM)
        .apply(Matrix.of(x, B, C), Matrix.of(t, B, C), Matrix.of(g, C, B)));
    rejects("posWeight", () -> BceWithLogitsLoss.of(Reduction.SUM)
        .withPosWeight(Vec.of(new float[] {1, 2})).apply(m(x, 0, B, C), m(t, 0, B, C), m(g, 0, B,
            C)));
    rejects("posWeight", () -> BceWithLogitsLoss.of(Reduction.SUM)
        .withPosWeight(Vec.of(new float[] {1, Float.POSITIVE_INFINITY})));
    rejects("labelSmoothing", () -> ce.withLabelSmoothing(1.5));
    rejects("delta", () -> HuberLoss.of(0, Reduction.MEAN));
    assertArrayEquals(g0, g, "grad untouched");
    assertArrayEquals(x0, x, "logits untouched");
  }
}
