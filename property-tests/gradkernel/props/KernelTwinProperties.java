package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.kernel.Kernels;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Vector kernels ({@link Kernels#active()}) against the scalar twin ({@link Kernels#scalar()})
 * for arbitrary lengths, offsets and values. Elementwise kernels with one rounding per element
 * must agree bit for bit; reductions within twice the documented bound (each twin is within the
 * bound of the exact value, so they are within twice it of each other).
 */
@AddLifecycleHook(ReproducibleSeed.class)
class KernelTwinProperties {
  static final Kernels V = Kernels.active();
  static final Kernels S = Kernels.scalar();
  /** Absolute error of one rounding in the subnormal range (half the smallest subnormal). */
  static final double TINY = 0x1p-150;
  /** Magnitude cap for reductions: n·cap² stays below Float.MAX_VALUE (no overflow to compare). */
  static final float CAP = 1e17f;

  /** A vector in a padded buffer: values, offset, and the buffer itself. */
  record Buf(float[] data, int off, int n) {
    @Override
    public String toString() {
      return "n=" + n + " off=" + off + " " + Arrays.toString(Arrays.copyOfRange(data, off,
          off + Math.min(n, 8))) + (n > 8 ? "…" : "");
    }
  }

  static Arbitrary<Buf> buf(int n, Arbitrary<Float> values) {
    return Combinators.combine(Gen.offset(), Gen.array(n, values), Gen.offset())
        .as((off, v, pad) -> {
          float[] d = new float[off + n + pad];
          Arrays.fill(d, Float.NaN); // padding that a stray read would turn into NaN
          System.arraycopy(v, 0, d, off, n);
          return new Buf(d, off, n);
        });
  }

  @Provide
  Arbitrary<Buf[]> pairFinite() {
    return Gen.length().flatMap(n -> Combinators.combine(buf(n, Gen.finite(CAP)),
        buf(n, Gen.finite(CAP))).as((a, b) -> new Buf[] {a, b}));
  }

  @Provide
  Arbitrary<Buf[]> pairAny() {
    return Gen.length().flatMap(n -> Combinators.combine(buf(n, Gen.anyFloat()),
        buf(n, Gen.anyFloat())).as((a, b) -> new Buf[] {a, b}));
  }

  @Provide
  Arbitrary<Buf> oneAny() {
    return Gen.length().flatMap(n -> buf(n, Gen.anyFloat()));
  }

  @Provide
  Arbitrary<Buf> oneFinite() {
    return Gen.length().flatMap(n -> buf(n, Gen.finite(Float.MAX_VALUE)));
  }

  /**
   * dot: each twin is within γ_n·Σ|x_i y_i| of the exact sum (Higham, Accuracy and Stability,
   * Thm 3.1; FMA accumulation), plus n half-subnormal roundings; so they differ by at most twice.
   */
  @Property(tries = 300)
  void dotTwinsAgreeWithinHighamBound(@ForAll("pairFinite") Buf[] p) {
    Buf x = p[0];
    Buf y = p[1];
    int n = x.n;
    double abs = 0;
    for (int i = 0; i < n; i++) {
      abs += Math.abs((double) x.data[x.off + i] * y.data[y.off + i]);
    }
    float v = V.dot(n, x.data, x.off, y.data, y.off);
    float s = S.dot(n, x.data, x.off, y.data, y.off);
    double bound = 2 * Exact.gamma(n) * abs + 2 * n * TINY;
    Statistics.label("length").collect(n == 0 ? "0" : n < 16 ? "<16" : n < 64 ? "16..63" : "≥64");
    assertTrue(Math.abs((double) v - s) <= bound,
        () -> "dot vector=" + v + " scalar=" + s + " bound=" + bound);
  }

  /** axpy, scal and mul round once per element (FMA for axpy): bit-identical twins, NaN/∞ too. */
  @Property(tries = 200)
  void elementwiseKernelsAreBitIdentical(@ForAll("pairAny") Buf[] p,
      @ForAll("alphas") float alpha) {
    Buf x = p[0];
    Buf y = p[1];
    float[] yv = y.data.clone();
    float[] ys = y.data.clone();
    V.axpy(x.n, alpha, x.data, x.off, yv, y.off);
    S.axpy(x.n, alpha, x.data, x.off, ys, y.off);
    assertArrayEqualsBits("axpy", ys, yv);

    float[] xv = x.data.clone();
    float[] xs = x.data.clone();
    V.scal(x.n, alpha, xv, x.off);
    S.scal(x.n, alpha, xs, x.off);
    assertArrayEqualsBits("scal", xs, xv);

    float[] ov = y.data.clone();
    float[] os = y.data.clone();
    V.mul(x.n, x.data, x.off, y.data, y.off, ov, y.off);
    S.mul(x.n, x.data, x.off, y.data, y.off, os, y.off);
    assertArrayEqualsBits("mul", os, ov);
  }

  @Provide
  Arbitrary<Float> alphas() {
    return Gen.finite(Float.MAX_VALUE);
  }

  /** clamp, maxAbs and indexOfNonFinite are exact: bit-identical twins (NaN semantics included). */
  @Property(tries = 200)
  void exactKernelsAreIdentical(@ForAll("oneAny") Buf x, @ForAll("alphas") float a,
      @ForAll("alphas") float b) {
    float lo = Math.min(a, b);
    float hi = Math.max(a, b);
    float[] cv = x.data.clone();
    float[] cs = x.data.clone();
    V.clamp(x.n, lo, hi, cv, x.off);
    S.clamp(x.n, lo, hi, cs, x.off);
    assertArrayEqualsBits("clamp", cs, cv);
    assertEquals(Float.floatToIntBits(S.maxAbs(x.n, x.data, x.off)),
        Float.floatToIntBits(V.maxAbs(x.n, x.data, x.off)), "maxAbs");
    int idx = S.indexOfNonFinite(x.n, x.data, x.off);
    assertEquals(idx, V.indexOfNonFinite(x.n, x.data, x.off), "indexOfNonFinite");
    Statistics.label("non-finite present").collect(idx >= 0);
  }

  /**
   * sumOfSquares and nrm2 of finite floats of any magnitude: finite, and each twin within
   * n·2⁻⁵³ (sum) and (n/2+1)·2⁻⁵³ (norm) relative of the exact value, so within twice that of
   * each other. Squares of floats are exact in double, so there is no underflow term.
   */
  @Property(tries = 300)
  void normsAgreeAndNeverOverflow(@ForAll("oneFinite") Buf x) {
    double sv = V.sumOfSquares(x.n, x.data, x.off);
    double ss = S.sumOfSquares(x.n, x.data, x.off);
    double nv = V.nrm2(x.n, x.data, x.off);
    double ns = S.nrm2(x.n, x.data, x.off);
    assertTrue(Double.isFinite(sv) && Double.isFinite(nv), "finite input must give finite norm");
    assertTrue(Math.abs(sv - ss) <= 2 * x.n * Exact.U64 * ss, () -> "sumOfSquares " + sv + " "
        + ss);
    assertTrue(Math.abs(nv - ns) <= 2 * (x.n / 2.0 + 1) * Exact.U64 * ns, () -> "nrm2 " + nv
        + " " + ns);
    Statistics.label("norm above Float.MAX_VALUE").collect(ns > Float.MAX_VALUE);
  }

  /** A matrix operand with a padded leading dimension, and its vector operands. */
  record Gemv(int m, int n, int lda, int aOff, float[] a, float[] x, float[] y, float alpha,
      float beta) {
    @Override
    public String toString() {
      return "m=" + m + " n=" + n + " lda=" + lda + " aOff=" + aOff + " alpha=" + alpha
          + " beta=" + beta;
    }
  }

  @Provide
  Arbitrary<Gemv> gemvCase() {
    Arbitrary<Integer> dim = Arbitraries.integers().between(0, 40)
        .edgeCases(c -> c.includeOnly(0, 1, 17, 33));
    return Combinators.combine(dim, dim, Gen.offset(), Gen.offset()).flatAs((m, n, pad, off) ->
        Combinators.combine(Gen.array(off + (m == 0 ? 0 : (m - 1) * (n + pad) + n),
            Gen.finite(1e6f)), Gen.array(Math.max(m, n), Gen.finite(1e6f)),
            Gen.array(Math.max(m, n), Gen.finite(1e6f)), Gen.finite(1e3f),
            Arbitraries.of(0f, 1f, -0.5f, 3f))
            .as((a, x, y, al, be) -> new Gemv(m, n, n + pad, off, a, x, y, al, be)));
  }

  /**
   * gemv / gemvT: each output element is α·(a dot product) + β·y, within
   * γ_{k+2}·(|α|Σ|a x| + |β y|) of exact (k the dot length) for either twin, plus subnormal
   * roundings; twins differ by at most twice that. β = 0 must not read y.
   */
  @Property(tries = 200)
  void gemvTwinsAgreeWithinHighamBound(@ForAll("gemvCase") Gemv g) {
    for (boolean trans : new boolean[] {false, true}) {
      int outLen = trans ? g.n : g.m;
      int k = trans ? g.m : g.n;
      float[] yv = g.y.clone();
      float[] ys = g.y.clone();
      if (g.beta == 0f && outLen > 0) {
        yv[0] = Float.NaN; // must not propagate when beta == 0
        ys[0] = Float.NaN;
      }
      if (trans) {
        V.gemvT(g.m, g.n, g.alpha, g.a, g.aOff, g.lda, g.x, 0, g.beta, yv, 0);
        S.gemvT(g.m, g.n, g.alpha, g.a, g.aOff, g.lda, g.x, 0, g.beta, ys, 0);
      } else {
        V.gemv(g.m, g.n, g.alpha, g.a, g.aOff, g.lda, g.x, 0, g.beta, yv, 0);
        S.gemv(g.m, g.n, g.alpha, g.a, g.aOff, g.lda, g.x, 0, g.beta, ys, 0);
      }
      for (int i = 0; i < outLen; i++) {
        double abs = 0;
        for (int p = 0; p < k; p++) {
          float aip = trans ? g.a[g.aOff + p * g.lda + i] : g.a[g.aOff + i * g.lda + p];
          abs += Math.abs((double) g.alpha * aip * g.x[p]);
        }
        abs += g.beta == 0f ? 0 : Math.abs((double) g.beta * g.y[i]);
        double bound = 2 * Exact.gamma(k + 2) * abs + 4 * (k + 2) * TINY * Math.max(1,
            Math.abs(g.alpha));
        int fi = i;
        boolean tr = trans;
        assertTrue(Float.isFinite(yv[i]) && Math.abs((double) yv[i] - ys[i]) <= bound,
            () -> (tr ? "gemvT" : "gemv") + " y[" + fi + "] vector=" + yv[fi] + " scalar="
                + ys[fi] + " bound=" + bound);
      }
      for (int i = outLen; i < yv.length; i++) {
        assertEquals(Float.floatToIntBits(g.y[i]), Float.floatToIntBits(yv[i]),
            "gemv wrote past y's length");
      }
    }
    Statistics.label("shape").collect(g.m == 0 || g.n == 0 ? "empty" : g.m == 1 || g.n == 1
        ? "vector-like" : "matrix");
  }

  /** gemm, all four transpose combinations: element (i,j) within 2·γ_{k+2}·(|α|Σ|a b| + |β c|). */
  @Property(tries = 150)
  void gemmTwinsAgreeWithinHighamBound(@ForAll("gemmDims") int[] d, @ForAll boolean ta,
      @ForAll boolean tb, @ForAll("seeds") long seed) {
    int m = d[0];
    int n = d[1];
    int k = d[2];
    java.util.Random r = new java.util.Random(seed);
    int aRows = ta ? k : m;
    int aCols = ta ? m : k;
    int bRows = tb ? n : k;
    int bCols = tb ? k : n;
    int lda = aCols + 3;
    int ldb = bCols + 1;
    int ldc = n + 2;
    float[] a = randomFloats(r, aRows * lda);
    float[] b = randomFloats(r, bRows * ldb);
    float[] c = randomFloats(r, m * ldc);
    float alpha = (float) r.nextGaussian();
    float beta = r.nextBoolean() ? 0f : (float) r.nextGaussian();
    float[] cv = c.clone();
    float[] cs = c.clone();
    V.gemm(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, cv, 0, ldc);
    S.gemm(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, cs, 0, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < ldc; j++) {
        int at = i * ldc + j;
        if (j >= n) {
          assertEquals(Float.floatToIntBits(c[at]), Float.floatToIntBits(cv[at]),
              "gemm wrote into C's padding");
          continue;
        }
        double abs = beta == 0f ? 0 : Math.abs((double) beta * c[at]);
        for (int p = 0; p < k; p++) {
          float aip = ta ? a[p * lda + i] : a[i * lda + p];
          float bpj = tb ? b[j * ldb + p] : b[p * ldb + j];
          abs += Math.abs((double) alpha * aip * bpj);
        }
        double bound = 2 * Exact.gamma(k + 2) * abs + 4 * (k + 2) * TINY;
        assertTrue(Math.abs((double) cv[at] - cs[at]) <= bound, "gemm C[" + i + "," + j
            + "] vector=" + cv[at] + " scalar=" + cs[at] + " bound=" + bound);
      }
    }
  }

  @Provide
  Arbitrary<int[]> gemmDims() {
    Arbitrary<Integer> dim = Arbitraries.integers().between(0, 24)
        .edgeCases(c -> c.includeOnly(0, 1, 17));
    return Combinators.combine(dim, dim, dim).as((m, n, k) -> new int[] {m, n, k});
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Gen.seed();
  }

  static float[] randomFloats(java.util.Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  static void assertArrayEqualsBits(String what, float[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        throw new AssertionError(what + ": element " + i + " scalar=" + expected[i] + " vector="
            + actual[i]);
      }
    }
  }
}
