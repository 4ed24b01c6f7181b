package gradkernel.clip;

import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Vec;
import gradkernel.tensor.Views;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClipTest {
  static final double EPS = 0x1p-23;

  @Test
  void hugeFiniteValuesDoNotOverflowAndClipCorrectly() {
    float[] x = new float[1000];
    Arrays.fill(x, 1e19f);
    float[] y = new float[10];
    Arrays.fill(y, 3f);
    float[][] before = Ref.copy(new float[][] {x, y});
    double n = Clip.byGlobalNorm(1.0, Views.all(x, y));
    assertEquals(Ref.l2(before), n, 1e-15 * n);
    assertEquals(3.16227766e20, n, 1e-8 * n); // 1e19f is 9.9999999805e18
    double post = Clip.globalNorm(Views.all(x, y));
    assertTrue(post <= 1.0 && post >= 1 - 4 * EPS, "post " + post);
    assertTrue(y[0] > 0 && Float.isFinite(y[0]), "small entries survive: " + y[0]);
    Ref.assertSameDirection(before, new float[][] {x, y});
  }

  @Test
  void noOpBelowMaxAndNonFiniteThrowsUntouched() {
    float[] g = {3f, -4f};
    assertEquals(5.0, Clip.byGlobalNorm(10, Vec.of(g)));
    assertArrayEquals(new float[] {3f, -4f}, g);
    float[] bad = {1f, Float.NaN};
    assertThrows(IllegalArgumentException.class, () -> Clip.byGlobalNorm(0.5, Views.all(g, bad)));
    assertArrayEquals(new float[] {3f, -4f}, g);
    assertThrows(IllegalArgumentException.class, () -> Clip.byGlobalNorm(-1, Vec.of(g)));
    assertEquals(7.0, Clip.globalNorm(1, Vec.of(g)));
    assertEquals(4.0, Clip.globalNorm(Double.POSITIVE_INFINITY, Vec.of(g)));
    assertEquals(0.0, Clip.globalNorm());
  }

  @Test
  void largestFloatsGiveFiniteNormAndFiniteClip() {
    float[] x = new float[100];
    Arrays.fill(x, Float.MAX_VALUE);
    x[7] = -Float.MAX_VALUE;
    double n = Clip.byGlobalNorm(2.0, Vec.of(x));
    assertEquals(10.0 * Float.MAX_VALUE, n, (100 / 2 + 2) * 0x1p-53 * n);
    assertEquals(2.0 / 10, Math.abs(x[7]), 1e-6);
    assertTrue(x[7] < 0);
    assertTrue(Clip.globalNorm(Vec.of(x)) <= 2.0);
  }

  @Test
  void coefficientBelowFloatRangeKeepsDirection() {
    Random r = new Random(7);
    for (double maxNorm : new double[] {1e-30, 1e-38, 1e-42}) {
      float[][] g = {Ref.tensor(r, 300, 30), Ref.tensor(r, 17, 25)};
      float[][] before = Ref.copy(g);
      double n = Clip.byGlobalNorm(maxNorm, Views.all(g));
      assertTrue(n > 1e30 && Double.isFinite(n));
      double post = Clip.globalNorm(Views.all(g));
      assertTrue(post > 0, "not wiped out at maxNorm " + maxNorm);
      assertTrue(post <= maxNorm * (1 + 4 * EPS) + Math.sqrt(317) * 0x1p-149,
          "post " + post + " for " + maxNorm);
      if (maxNorm >= 1e-30) {
        assertTrue(post >= maxNorm * (1 - 4 * EPS), "post " + post);
        Ref.assertSameDirection(before, g);
      }
    }
  }

  @Test
  void maxNormZeroZeroesAndNegativeZeroIsZero() {
    float[] g = {1e-30f, -5f, 0f, 3e30f};
    assertEquals(Ref.l2(g.clone()), Clip.byGlobalNorm(0, Vec.of(g)), 1e15);
    for (float v : g) {
      assertEquals(0f, Math.abs(v));
    }
    float[] h = {1f};
    Clip.byGlobalNorm(-0.0, Vec.of(h));
    assertEquals(0f, Math.abs(h[0]));
  }

  @Test
  void badArgumentsThrowBeforeWriting() {
    float[] g = {3f, 4f};
    for (double bad : new double[] {Double.NaN, -1, -Double.MIN_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Clip.byGlobalNorm(bad, Vec.of(g)));
      assertTrue(e.getMessage().contains("maxNorm"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Clip.byNorm(bad,Vec.of(g)));
      assertThrows(IllegalArgumentException.class, () -> Clip.byValue(bad, Vec.of(g)));
      assertThrows(IllegalArgumentException.class, () -> Clip.clipCoefficient(5, bad));
      assertThrows(IllegalArgumentException.class, () -> Clip.clipCoefficient(bad, 1));
      assertThrows(IllegalArgumentException.class, () -> Clip.scaleToNorm(bad, 1, Vec.of(g)));
      assertThrows(IllegalArgumentException.class, () -> Clip.byGlobalNorm(Parallelism.allCores(), bad, Vec.of(g)));
    }
    for (double p : new double[] {Double.NaN, 0.5, 0, -2, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Clip.byGlobalNorm(0.1, p, NonFinite.THROW, Vec.of(g)));
      assertTrue(e.getMessage().contains("p must be"), e.getMessage());
    }
    NullPointerException npe = assertThrows(NullPointerException.class,
        () -> Clip.byGlobalNorm(0.1, Views.all(g, null)));
    assertTrue(npe.getMessage().contains("tensor 1"), npe.getMessage());
    assertThrows(NullPointerException.class, () -> Clip.byGlobalNorm(0.1, Views.all((float[][]) null)));
    assertThrows(NullPointerException.class, () -> Clip.scaleToNorm(5, 1, Views.all(g, null)));
    assertThrows(NullPointerException.class, () -> Clip.byGlobalNorm(0.1, 2, null, Vec.of(g)));
    // A range outside the array cannot reach Clip: the view rejects it when made.
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> Clip.byNorm(0.1, NonFinite.THROW, new Vec(g, 1, 2)));
    assertTrue(range.getMessage().contains("range [1, 3) outside array of length 2"),
        range.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Clip.byTensorNorms(0.1, NonFinite.THROW, new double[0], Vec.of(g)));
    assertArrayEquals(new float[] {3f, 4f}, g);
  }

  @Test
  void emptyListsAndEmptyTensorsHaveNormZero() {
    assertEquals(0.0, Clip.globalNorm());
    assertEquals(0.0, Clip.globalNorm(Views.all(new float[0], new float[0])));
    assertEquals(0.0, Clip.globalNorm(3, Vec.of(new float[0])));
    assertEquals(0.0, Clip.globalNorm(Double.POSITIVE_INFINITY));
    assertEquals(0.0, Clip.byGlobalNorm(0, Vec.of(new float[0])));
    assertEquals(0.0, Clip.byGlobalNorm(Parallelism.allCores(), 1));
    assertEquals(0.0, Clip.globalNorm(Parallelism.allCores(), Vec.of(new float[0])));
    assertEquals(0.0, Clip.byValue(0, Vec.of(new float[0])));
    assertEquals(0.0, Clip.byNorm(0,Vec.of(new float[0])));
    assertEquals(0, Clip.byTensorNorms(0, NonFinite.THROW, new double[0]));
  }

  @Test
  void idempotentAndNoOpBelowMaxAreBitExact() {
    Random r = new Random(11);
    for (int trial = 0; trial < 40; trial++) {
      float[][] g = {Ref.tensor(r, r.nextInt(500), r.nextInt(60) - 30),
          Ref.tensor(r, r.nextInt(500), r.nextInt(60) - 30)};
      double n = Clip.globalNorm(Views.all(g));
      double max = n * Math.pow(10, r.nextDouble() * 4 - 3);
      Clip.byGlobalNorm(max, Views.all(g));
      float[][] once = Ref.copy(g);
      double n2 = Clip.byGlobalNorm(max, Views.all(g));
      assertTrue(n2 <= max, "clipped norm " + n2 + " > " + max);
      assertTrue(Ref.bitEqual(once, g), "second clip wrote");
      double above = Clip.globalNorm(Views.all(g)) * 1.5;
      assertEquals(Clip.globalNorm(Views.all(g)), Clip.byGlobalNorm(above, Views.all(g)));
      assertTrue(Ref.bitEqual(once, g), "clip below the limit wrote");
      assertEquals(1.0, Clip.scaleToNorm(Clip.globalNorm(Views.all(g)), above, Views.all(g)));
      assertTrue(Ref.bitEqual(once, g));
    }
  }

  @Test
  void splitApiEqualsFusedClipBitForBit() {
    Random r = new Random(3);
    float[][] a = {Ref.tensor(r, 1000, 2), Ref.tensor(r, 70000, -1), Ref.tensor(r, 3, 5)};
    float[][] b = Ref.copy(a);
    double fused = Clip.byGlobalNorm(0.5, Views.all(a));
    NormAccumulator acc = NormAccumulator.l2();
    for (float[] t : b) {
      acc.add(Vec.of(t));
    }
    assertEquals(fused, acc.norm());
    double c = Clip.scaleToNorm(acc.norm(), 0.5, Views.all(b));
    assertEquals(Clip.clipCoefficient(fused, 0.5), c);
    assertTrue(c < 0.5 / fused && c > 0.5 / fused * (1 - 4 * EPS));
    assertTrue(Ref.bitEqual(a, b));
    assertEquals(1.0, Clip.clipCoefficient(2, 2));
    assertEquals(0.0, Clip.clipCoefficient(2, 0));
  }

  @Test
  void byNormClipsOnlyTheRange() {
    float[] g = {100f, 3f, 4f, 100f};
    assertEquals(5.0, Clip.byNorm(1, NonFinite.THROW, new Vec(g, 1, 2)));
    assertEquals(100f, g[0]);
    assertEquals(100f, g[3]);
    assertEquals(0.6f, g[1], 1e-6f);
    assertEquals(0.8f, g[2], 1e-6f);
    float[] h = {6f, 8f};
    assertEquals(10.0, Clip.byNorm(20,Vec.of(h)));
    assertArrayEquals(new float[] {6f, 8f}, h);
  }

  @Test
  void byTensorNormsClipsEachTensorSeparately() {
    float[] a = {3f, 4f};
    float[] b = {0.3f, 0.4f};
    float[] c = {};
    double[] norms = new double[4];
    assertEquals(1, Clip.byTensorNorms(1, NonFinite.THROW, norms, Views.all(a, b, c)));
    assertEquals(5.0, norms[0]);
    assertEquals(0.5, norms[1], 1e-7);
    assertEquals(0.0, norms[2]);
    assertEquals(0.6f, a[0], 1e-6f);
    assertArrayEquals(new float[] {0.3f, 0.4f}, b);
  }

  @Test
  void byValueClampsAndReturnsMaxAbs() {
    float[] a = {-5f, 0.5f, 2f};
    float[] b = {1e30f};
    assertEquals(1e30f, (float) Clip.byValue(1, Views.all(a, b)));
    assertArrayEquals(new float[] {-1f, 0.5f, 1f}, a);
    assertArrayEquals(new float[] {1f}, b);
    float[] c = {0.25f, -0.5f};
    assertEquals(0.5, Clip.byValue(0.5, Vec.of(c)));
    assertArrayEquals(new float[] {0.25f, -0.5f}, c);
    float[] d = {1f, -1f};
    Clip.byValue(0.1, Vec.of(d)); // 0.1 is not a float: the bound is rounded down
    assertTrue(d[0] <= 0.1 && d[0] > 0.0999999 && d[1] == -d[0]);
  }

  @Test
  void pNormsMatchReferenceAndClip() {
    Random r = new Random(5);
    float[][] g = {Ref.tensor(r, 999, 20), Ref.tensor(r, 33, -20), Ref.tensor(r, 70001, 0)};
    for (int p : new int[] {1, 2, 3, 7}) {
      double want = Ref.lp(p, g);
      double got = Clip.globalNorm(p, Views.all(g));
      assertEquals(want, got, 1e-12 * want, "p=" + p);
    }
    double inf = 0;
    for (float[] t : g) {
      for (float v : t) {
        inf = Math.max(inf, Math.abs(v));
      }
    }
    assertEquals(inf, Clip.globalNorm(Double.POSITIVE_INFINITY, Views.all(g)));
    double n1 = Clip.byGlobalNorm(1.0, 1, NonFinite.THROW, Views.all(g));
    assertTrue(n1 > 1 && Clip.globalNorm(1, Views.all(g)) <= 1.0, "post " + Clip.globalNorm(1, Views.all(g)));
    float[] big = new float[50];
    Arrays.fill(big, 1e38f);
    double want7 = 1e38f * Math.pow(50, 1 / 7.0);
    assertEquals(want7, Clip.globalNorm(7, Vec.of(big)), 1e-14 * want7);
  }
}
