package gradkernel.loss;

import static gradkernel.loss.LossReference.m;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Vec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every loss on random batches against the double reference: the value within 1e-12 relative
 * (both are double sums of the same float inputs; for cross-entropy plus its stated float
 * exp-sum bound (ln C + 3)·2⁻²⁴ per unit of scaled target mass, see CrossEntropyLoss),
     and the float gradient against central
 * differences of the reference within 2^-22·(|g| + scale) — float rounding of the output plus the
 * float-stored exponentials of cross-entropy — plus 1e-9·scale for the differences themselves.
 */
class LossGradientTest {
  private static final int BATCH = 5;
  private static final int WIDTH = 7;

  static float[] random(SplittableRandom r, int n, double lo, double hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return a;
  }

  private static void check(String what, double value, float[] grad, LossReference.Fn ref,
      float[] x, double scale) {
    check(what, value, grad, ref, x, scale, 0);
  }

  /** mass: Σ over rows of scale·Σ_c t_c, the weight of the rows' ln S (cross-entropy only). */
  private static void check(String what, double value, float[] grad, LossReference.Fn ref,
      float[] x, double scale, double mass) {
    double[] xd = LossReference.toDouble(x);
    double expected = ref.value(xd);
    double lse = mass * (Math.log(WIDTH) + 3) * 0x1p-24;
    assertEquals(expected, value, 1e-12 * Math.abs(expected) + lse, what + " value");
    double[] fd = LossReference.grad(ref, xd, 1e-6);
    for (int i = 0; i < fd.length; i++) {
      double tol = 0x1p-22 * (Math.abs(fd[i]) + scale) + 1e-9 * scale;
      assertEquals(fd[i], grad[i], tol, what + " gradient [" + i / WIDTH + ", " + i % WIDTH + "]");
    }
  }

  private static double scale(Reduction red, int count) {
    return red == Reduction.MEAN ? 1.0 / count : 1;
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void mse(Reduction red) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = random(r, BATCH * WIDTH, -3, 3);
    float[] y = random(r, BATCH * WIDTH, -3, 3);
    float[] g = new float[x.length];
    double v = MseLoss.of(red).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH), m(g, 0, BATCH,
        WIDTH));
    check("mse", v, g, xd -> LossReference.mse(xd, y, red == Reduction.MEAN), x,
        scale(red, x.length));
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void huber(Reduction red) {
    SplittableRandom r = new SplittableRandom(2);
    float[] x = random(r, BATCH * WIDTH, -3, 3);
    float[] y = random(r, BATCH * WIDTH, -3, 3);
    float[] g = new float[x.length];
    for (double delta : new double[] {0.3, 1.0, 2.5}) {
      double v = HuberLoss.of(delta, red).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH), m(g,
          0, BATCH, WIDTH));
      check("huber " + delta, v, g,
          xd -> LossReference.huber(xd, y, delta, red == Reduction.MEAN), x, scale(red, x.length));
    }
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void bceWithLogits(Reduction red) {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = random(r, BATCH * WIDTH, -8, 8);
    float[] y = random(r, BATCH * WIDTH, 0, 1);
    y[0] = 0;
    y[1] = 1;
    float[] pw = random(r, WIDTH, 0.2, 4);
    float[] g = new float[x.length];
    boolean mean = red == Reduction.MEAN;
    double v = BceWithLogitsLoss.of(red).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH), m(g,
        0, BATCH, WIDTH));
    check("bce", v, g, xd -> LossReference.bce(xd, y, null, WIDTH, mean), x,
        scale(red, x.length));
    v = BceWithLogitsLoss.of(red).withPosWeight(Vec.of(pw)).apply(m(x, 0, BATCH, WIDTH), m(y, 0,
        BATCH, WIDTH), m(g, 0, BATCH, WIDTH));
    check("bce posWeight", v, g, xd -> LossReference.bce(xd, y, pw, WIDTH, mean), x,
        4 * scale(red, x.length));
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void crossEntropyIndices(Reduction red) {
    SplittableRandom r = new SplittableRandom(4);
    float[] x = random(r, BATCH * WIDTH, -6, 6);
    int[] y = {3, 0, 6, 2, 3};
    float[] g = new float[x.length];
    boolean mean = red == Reduction.MEAN;
    for (double eps : new double[] {0, 0.1, 1}) {
      double v = CrossEntropyLoss.of(red).withLabelSmoothing(eps)
          .apply(m(x, 0, BATCH, WIDTH), y, 0, m(g, 0, BATCH, WIDTH));
      check("ce eps " + eps, v, g, xd -> LossReference.ceIndex(xd, WIDTH, y, eps, null, mean), x,
          scale(red, BATCH), scale(red, BATCH) * BATCH);
    }
    int[] ignored = {3, -100, 6, 2, -100};
    for (double eps : new double[] {0, 0.25}) {
      double v = CrossEntropyLoss.of(red).withLabelSmoothing(eps).withIgnoreIndex(-100)
          .apply(m(x, 0, BATCH, WIDTH), ignored, 0, m(g, 0, BATCH, WIDTH));
      check("ce ignore eps " + eps, v, g,
          xd -> LossReference.ceIndex(xd, WIDTH, ignored, eps, -100, mean), x, scale(red, 3),
          scale(red, 3) * 3);
    }
    // an ignore index inside [0, classes) ignores that class's rows
    double v = CrossEntropyLoss.of(red).withIgnoreIndex(3).apply(m(x, 0, BATCH, WIDTH), y, 0, m(g,
        0, BATCH, WIDTH));
    check("ce ignore 3", v, g, xd -> LossReference.ceIndex(xd, WIDTH, y, 0, 3, mean), x,
        scale(red, 3), scale(red, 3) * 3);
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void crossEntropyProbabilities(Reduction red) {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = random(r, BATCH * WIDTH, -6, 6);
    float[] t = random(r, BATCH * WIDTH, 0, 1);
    for (int row = 0; row < BATCH; row++) { // rows 0..3 normalized, row 4 left unnormalized
      double s = 0;
      for (int c = 0; c < WIDTH; c++) {
        s += t[row * WIDTH + c];
      }
      for (int c = 0; row < 4 && c < WIDTH; c++) {
        t[row * WIDTH + c] /= (float) s;
      }
    }
    float[] g = new float[x.length];
    boolean mean = red == Reduction.MEAN;
    for (double eps : new double[] {0, 0.1, 1}) {
      double v = CrossEntropyLoss.of(red).withLabelSmoothing(eps)
          .applyProbabilities(m(x, 0, BATCH, WIDTH), m(t, 0, BATCH, WIDTH), m(g, 0, BATCH, WIDTH));
      double mass = 0;
      for (float tc : t) {
        mass += (1 - eps) * tc;
      }
      mass = scale(red, BATCH) * (mass + eps * BATCH);
      check("ce prob eps " + eps, v, g, xd -> LossReference.ceProb(xd, WIDTH, t, eps, mean), x,
          4 * scale(red, BATCH), mass);
    }
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void oneHotProbabilitiesEqualIndices(Reduction red) {
    SplittableRandom r = new SplittableRandom(6);
    float[] x = random(r, BATCH * WIDTH, -6, 6);
    int[] y = {1, 4, 0, 6, 6};
    float[] t = new float[x.length];
    for (int row = 0; row < BATCH; row++) {
      t[row * WIDTH + y[row]] = 1;
    }
    for (double eps : new double[] {0, 0.3}) {
      CrossEntropyLoss ce = CrossEntropyLoss.of(red).withLabelSmoothing(eps);
      float[] g1 = new float[x.length];
      float[] g2 = new float[x.length];
      double v1 = ce.apply(m(x, 0, BATCH, WIDTH), y, 0, m(g1, 0, BATCH, WIDTH));
      double v2 = ce.applyProbabilities(m(x, 0, BATCH, WIDTH), m(t, 0, BATCH, WIDTH), m(g2, 0,
          BATCH, WIDTH));
      assertEquals(v1, v2, 1e-14 * v1);
      for (int i = 0; i < g1.length; i++) {
        assertEquals(g1[i], g2[i], 0x1p-23 * (Math.abs(g1[i]) + 1), "[" + i + "]");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void sumIsMeanTimesCount(Reduction ignoredParameter) {
    SplittableRandom r = new SplittableRandom(8);
    float[] x = random(r, BATCH * WIDTH, -4, 4);
    float[] y = random(r, BATCH * WIDTH, 0, 1);
    int[] idx = {0, 1, 2, -1, 4};
    int n = x.length;
    assertRatio(n, MseLoss.of(Reduction.SUM).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH),
        null),
        MseLoss.of(Reduction.MEAN).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH), null));
    assertRatio(n, HuberLoss.of(0.5, Reduction.SUM).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH,
        WIDTH), null),
        HuberLoss.of(0.5, Reduction.MEAN).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH),
            null));
    assertRatio(n, BceWithLogitsLoss.of(Reduction.SUM).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH,
        WIDTH), null),
        BceWithLogitsLoss.of(Reduction.MEAN).apply(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH),
            null));
    assertRatio(4, CrossEntropyLoss.of(Reduction.SUM).withIgnoreIndex(-1)
            .apply(m(x, 0, BATCH, WIDTH), idx, 0, null),
        CrossEntropyLoss.of(Reduction.MEAN).withIgnoreIndex(-1)
            .apply(m(x, 0, BATCH, WIDTH), idx, 0, null));
    assertRatio(BATCH, CrossEntropyLoss.of(Reduction.SUM)
            .applyProbabilities(m(x, 0, BATCH, WIDTH), m(y, 0, BATCH, WIDTH), null),
        CrossEntropyLoss.of(Reduction.MEAN).applyProbabilities(m(x, 0, BATCH, WIDTH), m(y, 0,
            BATCH, WIDTH), null));
  }

  private static void assertRatio(int count, double sum, double mean) {
    assertTrue(sum > 0);
    assertEquals(sum, mean * count, 1e-14 * sum);
  }
}
