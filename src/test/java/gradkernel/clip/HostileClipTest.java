package gradkernel.clip;

import gradkernel.tensor.Parallelism;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import gradkernel.tensor.Views;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Issue 13's hostile input to clipping: aliasing, write-nothing under THROW, ZERO/SKIP of byNorm. */
class HostileClipTest {

  private static void rejectsUntouched(String positions, float[][] grads, Executable call) {
    float[][] before = Ref.copy(grads);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(positions), e.getMessage());
    assertTrue(Ref.bitEqual(before, grads), "a tensor was written before the throw");
  }

  /** The same array twice would be scaled twice (sequential) or race (parallel): rejected. */
  @Test
  void sameTensorTwiceIsRejectedByEveryScalingMethod() {
    Random r = new Random(3);
    float[] g = Ref.tensor(r, 200_000, 10); // several 64 Ki chunks: the parallel path forks
    float[] h = Ref.tensor(r, 10, 10);
    float[][] twice = {g, h, g};
    String pos = "grads[0] and grads[2]";
    Parallelism pool = Parallelism.threads(2);
    rejectsUntouched(pos, twice, () -> Clip.byGlobalNorm(1, Views.all(twice)));
    rejectsUntouched(pos, twice, () -> Clip.byGlobalNorm(1e30, 2, NonFinite.ZERO, Views.all(twice)));
    rejectsUntouched(pos, twice, () -> Clip.byGlobalNorm(Parallelism.allCores(), 1, Views.all(twice)));
    rejectsUntouched(pos, twice,
        () -> Clip.byGlobalNorm(pool, 1, 3, NonFinite.THROW, Views.all(twice)));
    rejectsUntouched(pos, twice, () -> Clip.scaleToNorm(10, 1, Views.all(twice)));
    rejectsUntouched(pos, twice, () -> Clip.scaleToNorm(pool, 10, 1, Views.all(twice)));
    rejectsUntouched(pos, twice,
        () -> Clip.byTensorNorms(1, NonFinite.THROW, new double[3], Views.all(twice)));
  }

  /**
   * Views make aliasing a question of elements: two different views over overlapping ranges of
   * one array are rejected like the same view twice, by every scaling method, before any write.
   */
  @Test
  void overlappingViewsAreRejectedByEveryScalingMethod() {
    Random r = new Random(4);
    float[] buf = Ref.tensor(r, 300_000, 10); // several 64 Ki chunks: the parallel path forks
    float[][] all = {buf};
    Vec[] partial = {new Vec(buf, 0, 200_000), new Vec(buf, 250_000, 10),
        new Vec(buf, 199_999, 30_000)}; // shares buf[199_999] with grads[0]
    Vec v = new Vec(buf, 1000, 5000);
    Vec[] same = {v, new Vec(buf, 260_000, 10), v};
    Vec[] equal = {new Vec(buf, 7, 9), Vec.of(new float[3]), new Vec(buf, 7, 9)};
    Parallelism pool = Parallelism.threads(2);
    for (Vec[] bad : List.of(partial, same, equal)) {
      String pos = bad == partial ? "grads[0] [0, 200000) and grads[2] [199999, 229999) overlap"
          : bad == same ? "grads[0] and grads[2] are the same view [1000, 6000)"
          : "grads[0] and grads[2] are the same view [7, 16)";
      rejectsUntouched(pos, all, () -> Clip.byGlobalNorm(1, bad));
      rejectsUntouched(pos, all, () -> Clip.byGlobalNorm(1e30, 2, NonFinite.ZERO, bad));
      rejectsUntouched(pos, all, () -> Clip.byGlobalNorm(pool, 1, bad));
      rejectsUntouched(pos, all, () -> Clip.byGlobalNorm(pool, 1, 3, NonFinite.THROW, bad));
      rejectsUntouched(pos, all, () -> Clip.scaleToNorm(10, 1, bad));
      rejectsUntouched(pos, all, () -> Clip.scaleToNorm(pool, 10, 1, bad));
      rejectsUntouched(pos, all,
          () -> Clip.byTensorNorms(1, NonFinite.THROW, new double[3], bad));
    }
  }

  /**
   * Adjacent (and other disjoint) slices of one array are separate tensors: allowed, and every
   * method gives the bits it gives on copies, sequential and parallel; elements outside the
   * views are never written.
   */
  @Test
  void disjointSlicesOfOneArrayClipLikeSeparateArrays() {
    Random r = new Random(6);
    int[] sizes = {70_000, 1, 0, 140_001, 9};
    float[][] copies = new float[sizes.length][];
    float[] buf = new float[3 + 70_000 + 1 + 0 + 140_001 + 2 + 9 + 5];
    Vec[] slices = new Vec[sizes.length];
    for (int t = 0, off = 3; t < sizes.length; off += sizes[t] + (t == 3 ? 2 : 0), t++) {
      copies[t] = Ref.tensor(r, sizes[t], 10);
      System.arraycopy(copies[t], 0, buf, off, sizes[t]);
      slices[t] = new Vec(buf, off, sizes[t]); // slices 0, 1, 2, 3 adjacent; a gap before 4
    }
    java.util.Arrays.fill(buf, 0, 3, 7f);
    java.util.Arrays.fill(buf, buf.length - 5, buf.length, 7f);
    buf[3 + 70_001 + 140_001] = 7f;
    buf[3 + 70_001 + 140_001 + 1] = 7f;
    float[] outside = {buf[0], buf[1], buf[2], buf[3 + 70_001 + 140_001],
        buf[3 + 70_001 + 140_002], buf[buf.length - 1]};
    Vec[] sep = Views.all(Ref.copy(copies));
    double want = Clip.globalNorm(sep);
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(
        Clip.globalNorm(slices)));
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(
        Clip.globalNorm(Parallelism.threads(2), slices)));
    float[] par = buf.clone();
    Vec[] parSlices = new Vec[slices.length];
    for (int t = 0; t < slices.length; t++) {
      parSlices[t] = new Vec(par, slices[t].offset(), slices[t].length());
    }
    assertEquals(want, Clip.byGlobalNorm(want / 3, sep));
    assertEquals(want, Clip.byGlobalNorm(want / 3, slices));
    assertEquals(want, Clip.byGlobalNorm(Parallelism.threads(2), want / 3, parSlices));
    for (int t = 0; t < slices.length; t++) {
      assertArrayEquals(sep[t].toArray(), slices[t].toArray(), "tensor " + t);
      assertArrayEquals(sep[t].toArray(), parSlices[t].toArray(), "parallel tensor " + t);
    }
    assertArrayEquals(buf, par);
    assertArrayEquals(outside, new float[] {buf[0], buf[1], buf[2],
        buf[3 + 70_001 + 140_001], buf[3 + 70_001 + 140_002], buf[buf.length - 1]});
    double[] normsSep = new double[5];
    double[] normsSlices = new double[5];
    assertEquals(Clip.byTensorNorms(1, NonFinite.THROW, normsSep, sep),
        Clip.byTensorNorms(1, NonFinite.THROW, normsSlices, slices));
    assertArrayEquals(normsSep, normsSlices);
    assertEquals(Clip.scaleToNorm(3, 1, sep), Clip.scaleToNorm(3, 1, slices));
    assertEquals(Clip.byNorm(0.5, sep[3]), Clip.byNorm(0.5, slices[3]));
    for (int t = 0; t < slices.length; t++) {
      assertArrayEquals(sep[t].toArray(), slices[t].toArray(), "tensor " + t);
    }
    assertEquals(7f, buf[0]);
    assertEquals(7f, buf[3 + 70_001 + 140_001]);
    assertEquals(7f, buf[buf.length - 1]);
  }

  /** Above 256 tensors the check sorts identity hashes: still exact, both ways. */
  @Test
  void manyTensorsTakeTheSortedPath() {
    Random r = new Random(5);
    float[][] grads = new float[600][];
    for (int t = 0; t < grads.length; t++) {
      grads[t] = Ref.tensor(r, 3, 10);
    }
    grads[599] = grads[17];
    rejectsUntouched("grads[17] and grads[599]", grads, () -> Clip.byGlobalNorm(1, Views.all(grads)));
    grads[599] = new float[] {1, 2, 3};
    grads[598] = new float[0];
    grads[597] = grads[598]; // empty arrays share no element: allowed
    float[][] copy = Ref.copy(grads);
    double norm = Clip.byGlobalNorm(1, Views.all(grads));
    assertEquals(Ref.l2(copy), norm, 1e-12 * norm);
    assertEquals(1, Clip.globalNorm(Views.all(grads)), 1e-6);
  }

  /** Reading, clamping and zeroing are idempotent per element: aliasing is defined there. */
  @Test
  void readOnlyAndIdempotentMethodsAcceptAliasing() {
    float[] g = {3, -4, Float.NaN};
    assertEquals(Math.sqrt(50), Clip.globalNorm(2, NonFinite.ZERO, Views.all(g, g)), 1e-12);
    assertArrayEquals(new float[] {3, -4, 0}, g);
    assertEquals(4, Clip.byValue(2, Views.all(g, g)));
    assertArrayEquals(new float[] {2, -2, 0}, g);
  }

  @Test
  void adaptiveRejectsGradSharingStorageWithWeight() {
    float[] buf = {1, 2, 3, 4, 5, 6, 7, 8};
    float[] before = buf.clone();
    double[] out = {-7, -7};
    Matrix w = new Matrix(buf, 0, 2, 2, 4); // buf[0, 1, 4, 5]
    Matrix g = new Matrix(buf, 1, 2, 2, 4); // buf[1, 2, 5, 6]: shares buf[1] and buf[5]
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Clip.adaptive(0.01, 1e-3, w, g, out));
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Clip.adaptive(0.01, 1e-3, w, w, out));
    assertArrayEquals(before, buf);
    assertArrayEquals(new double[] {-7, -7}, out);
    // Interleaved column blocks of one array share no element: allowed, same result as copies.
    Matrix wl = new Matrix(buf, 0, 2, 2, 4);
    Matrix gr = new Matrix(buf, 2, 2, 2, 4);
    float[] wc = {1, 2, 5, 6};
    float[] gc = {3, 4, 7, 8};
    assertEquals(Clip.adaptive(0.01, 1e-3, Matrix.of(wc, 2, 2), Matrix.of(gc, 2, 2), out),
        Clip.adaptive(0.01, 1e-3, wl, gr, new double[2]));
    assertArrayEquals(new float[] {1, 2, gc[0], gc[1], 5, 6, gc[2], gc[3]}, buf);
  }

  /** THROW writes nothing at all: not the tensors, not the norm outputs. */
  @Test
  void byTensorNormsUnderThrowLeavesNormsOutUntouched() {
    float[] a = {3, 4};
    float[] b = {1, 1, 1};
    float[] c = {0, Float.POSITIVE_INFINITY};
    double[] norms = {-7, -7, -7, -7};
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> Clip.byTensorNorms(1, NonFinite.THROW, norms, Views.all(a, b, c)));
    assertEquals(2, e.tensorIndex());
    assertEquals(1, e.elementIndex());
    assertArrayEquals(new double[] {-7, -7, -7, -7}, norms);
    assertArrayEquals(new float[] {3, 4}, a);
    assertArrayEquals(new float[] {1, 1, 1}, b);
    // finite: same behavior as before
    assertEquals(1, Clip.byTensorNorms(2, NonFinite.THROW, norms, Views.all(a, b)));
    assertArrayEquals(new double[] {5, Math.sqrt(3), -7, -7}, norms, 1e-15);
  }

  @Test
  void adaptiveUnderThrowLeavesRowNormsUntouched() {
    for (boolean badWeight : new boolean[] {false, true}) {
      float[] w = {1, 1, 1, 1, 1, 1};
      float[] g = {5, 5, 5, 5, 5, 5};
      (badWeight ? w : g)[5] = Float.NaN;
      float[] w0 = w.clone();
      float[] g0 = g.clone();
      double[] out = {-7, -7, -7};
      NonFiniteException e = assertThrows(NonFiniteException.class,
          () -> Clip.adaptive(0.01, 1e-3, Matrix.of(w, 3, 2), Matrix.of(g, 3, 2), out));
      assertEquals(2, e.tensorIndex(), e.getMessage());
      assertTrue(e.getMessage().contains(badWeight ? "weight" : "gradient"), e.getMessage());
      assertArrayEquals(new double[] {-7, -7, -7}, out);
      assertArrayEquals(w0, w);
      assertArrayEquals(g0, g);
    }
  }

  /** byNorm under ZERO recomputes the norm after zeroing; under SKIP writes nothing. */
  @Test
  void byNormZeroAndSkip() {
    float[] buf = {9, 3, Float.NaN, -4, Float.NEGATIVE_INFINITY, 9};
    float[] skip = buf.clone();
    double n = Clip.byNorm(1, NonFinite.SKIP, new Vec(skip, 1, 4));
    assertTrue(Double.isNaN(n), "SKIP returns the non-finite norm, got " + n);
    assertArrayEquals(buf, skip, "SKIP wrote");
    float[] inf = {9, 3, Float.POSITIVE_INFINITY, 9};
    float[] inf0 = inf.clone();
    assertEquals(Double.POSITIVE_INFINITY, Clip.byNorm(1, NonFinite.SKIP, new Vec(inf, 1, 2)));
    assertArrayEquals(inf0, inf);

    double z = Clip.byNorm(1, NonFinite.ZERO, new Vec(buf, 1, 4));
    assertEquals(5, z, "ZERO returns the norm of what is left after zeroing");
    assertEquals(9f, buf[0], "outside the range");
    assertEquals(9f, buf[5], "outside the range");
    assertEquals(0f, buf[2]);
    assertEquals(0f, buf[4]);
    assertEquals(0.6f, buf[1], 1e-6f);
    assertEquals(-0.8f, buf[3], 1e-6f);
    double after = Math.sqrt((double) buf[1] * buf[1] + (double) buf[3] * buf[3]);
    assertTrue(after <= 1 && after >= 1 - 1e-6, "post-clip norm " + after);
    // Below the limit after zeroing: zeroed, not scaled.
    float[] small = {Float.NaN, 0.3f, 0.4f};
    assertEquals(0.5, Clip.byNorm(1, NonFinite.ZERO, new Vec(small, 0, 3)), 1e-7);
    assertArrayEquals(new float[] {0, 0.3f, 0.4f}, small);
  }

  /**
   * Merging partials whose power-of-two scale is nonzero (norms near 1e300 only arise from double
   * partials): a merge that dropped the other side's scale would lose it entirely.
   */
  @Test
  void mergeKeepsTheOtherSidesScale() {
    NormAccumulator a = NormAccumulator.l2().addNorm(1e300).addNorm(3e299);
    NormAccumulator b = NormAccumulator.l2().addNorm(4e300);
    NormAccumulator c = NormAccumulator.l2().add(Vec.of(new float[] {3, 4})).addNorm(1e-300);
    double want = Math.sqrt(1 + 0.09 + 16) * 1e300;
    NormAccumulator ab = NormAccumulator.l2().merge(a).merge(b);
    assertEquals(want, ab.norm(), 1e-15 * want);
    assertEquals(want, NormAccumulator.l2().merge(b).merge(a).norm(), 1e-15 * want);
    assertEquals(3, ab.tensorCount());
    // small side merged into a huge one and the other way round
    assertEquals(want, ab.merge(c).norm(), 1e-15 * want);
    NormAccumulator small = NormAccumulator.l2().add(Vec.of(new float[] {3, 4}));
    assertEquals(want, small.merge(a).merge(b).norm(), 1e-15 * want);
    NormAccumulator seq = NormAccumulator.l2().add(Vec.of(new float[] {3, 4})).addNorm(1e300)
        .addNorm(3e299).addNorm(4e300);
    assertEquals(seq.norm(), small.norm(), 1e-15 * want);
    // Two huge sides of equal scale: √2·1e300, not 1e300.
    NormAccumulator x = NormAccumulator.l2().addNorm(1e300);
    assertEquals(Math.sqrt(2) * 1e300, x.merge(NormAccumulator.l2().addNorm(1e300)).norm(),
        1e-15 * 1.5e300);
    // tiny partials (negative scale) as well
    NormAccumulator t = NormAccumulator.l2().addNorm(3e-300);
    assertEquals(5e-300, t.merge(NormAccumulator.l2().addNorm(4e-300)).norm(), 1e-15 * 5e-300);
    // other p: (scale, sum) representation
    for (double p : new double[] {1, 3, Double.POSITIVE_INFINITY}) {
      NormAccumulator u = NormAccumulator.of(p).addNorm(1e300);
      NormAccumulator v = NormAccumulator.of(p).addNorm(2e300);
      double expect = p == Double.POSITIVE_INFINITY ? 2e300
          : Math.pow(1 + Math.pow(2, p), 1 / p) * 1e300;
      assertEquals(expect, u.merge(v).norm(), 1e-14 * expect, "p = " + p);
    }
  }
}
