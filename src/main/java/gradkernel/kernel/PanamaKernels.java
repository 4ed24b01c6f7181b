package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link Kernels} (loaded reflectively by {@link VectorSupport}).
 * Reductions use four independent accumulators so the FMA latency is hidden; tails run as scalar
 * loops with the same FMA so short vectors cost nothing extra. gemm lives in {@link PanamaGemm}.
 *
 * <p><b>Fixed summation order.</b> No reduction uses {@code reduceLanes(ADD)}: its order is
 * unspecified and in practice differs between the interpreter (lanes in sequence) and C2 (a
 * shuffle tree), so the same call gave different last bits cold and warm. The order here:
 * <ol>
 *   <li>{@code dot} and {@code sumOfSquares}: consecutive blocks of 4·lanes elements go, one
 *       vector each, into accumulators s0, s1, s2, s3 (FMA per lane; lanes of float for dot, of
 *       double for sumOfSquares); dot adds a remaining whole vector into s0. gemv keeps one
 *       accumulator per row, element j in lane j mod lanes.
 *   <li>dot and sumOfSquares add the accumulators lane-wise as (s0 + s1) + (s2 + s3).
 *   <li>The lanes are summed by a fixed halving tree: for k = lanes/2, lanes/4, …, 1, lane i
 *       becomes v[i] + v[i xor k]; the result is lane 0. For 8 lanes:
 *       ((v0+v4)+(v2+v6))+((v1+v5)+(v3+v7)).
 *   <li>The scalar tail is added element by element in index order, with FMA.
 * </ol>
 * Every step is an IEEE operation with one defined result, so the outcome is the same bits in the
 * interpreter, C1 and C2, on every run and every thread. It depends on the lane count (the
 * preferred vector width: 512 bits gives 16 float lanes), which is fixed for a machine and JVM.
 */
final class PanamaKernels implements Kernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, F.vectorShape());
  private static final int L = F.length();
  /** Float species of half the width: its lanes widen to exactly one full double vector. */
  private static final VectorSpecies<Float> H =
      VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  /**
   * False when H is below 128 bits (e.g. -XX:MaxVectorSize=16): C2 then boxes the 64-bit float
   * vectors (measured: the chain's AllocationFreeTest allocated 160-470 KB per 400 passes), so
   * sumOfSquares runs the scalar twin's loop instead.
   */
  private static final boolean HALF_OK = H.vectorBitSize() >= 128;

  /**
   * Lane permutations i → i xor k (null where k ≥ lanes): the steps of the halving tree. The
   * tree is written out at each use rather than in a helper method: a vector passed to a method
   * that C2 declines to inline (it does, in large callers) is boxed, which allocates.
   */
  private static final VectorShuffle<Float> F32 = swap(F, 32);
  private static final VectorShuffle<Float> F16 = swap(F, 16);
  private static final VectorShuffle<Float> F8 = swap(F, 8);
  private static final VectorShuffle<Float> F4 = swap(F, 4);
  private static final VectorShuffle<Float> F2 = swap(F, 2);
  private static final VectorShuffle<Float> F1 = swap(F, 1);
  private static final VectorShuffle<Double> D16 = swap(D, 16);
  private static final VectorShuffle<Double> D8 = swap(D, 8);
  private static final VectorShuffle<Double> D4 = swap(D, 4);
  private static final VectorShuffle<Double> D2 = swap(D, 2);
  private static final VectorShuffle<Double> D1 = swap(D, 1);

  private static <E> VectorShuffle<E> swap(VectorSpecies<E> species, int k) {
    return k < species.length() ? VectorShuffle.fromOp(species, i -> i ^ k) : null;
  }

  PanamaKernels() {
    if (L < 4 || L > 64) {
      throw new UnsupportedOperationException("vector width " + F.vectorBitSize() + " bits not"
          + " supported (4 to 64 float lanes)");
    }
  }

  @Override public String name() { return "panama-" + F.vectorBitSize(); }

  // The short-length branches below stay in small entry methods and the vector loops in their own
  // methods: C2 then inlines the entry (and the twin's loop) into the caller, as it does the
  // twin itself; with the vector loop in the same body the entry was too large to inline and a
  // 7-element dot paid two calls (0.65x its twin, JMH 2026-12-02 session 5).

  @Override public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    // No whole vector: the documented order is the tail alone, from +0, which is exactly the
    // twin's loop; skipping the zero accumulators and their lane tree saves ~5 ns at n = 7.
    return n < L ? ScalarKernels.INSTANCE.dot(n, x, xOff, y, yOff)
        : dotVector(n, x, xOff, y, yOff);
  }

  private static float dotVector(int n, float[] x, int xOff, float[] y, int yOff) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = 0;
    for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
      s0 = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), s0);
      s1 = FloatVector.fromArray(F, x, xOff + i + L)
          .fma(FloatVector.fromArray(F, y, yOff + i + L), s1);
      s2 = FloatVector.fromArray(F, x, xOff + i + 2 * L)
          .fma(FloatVector.fromArray(F, y, yOff + i + 2 * L), s2);
      s3 = FloatVector.fromArray(F, x, xOff + i + 3 * L)
          .fma(FloatVector.fromArray(F, y, yOff + i + 3 * L), s3);
    }
    for (int bound = F.loopBound(n); i < bound; i += L) {
      s0 = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), s0);
    }
    // Halving tree over the lanes (class comment); L is a constant, so C2 keeps only its steps.
    FloatVector t = s0.add(s1).add(s2.add(s3));
    if (L >= 64) {
      t = t.add(t.rearrange(F32));
    }
    if (L >= 32) {
      t = t.add(t.rearrange(F16));
    }
    if (L >= 16) {
      t = t.add(t.rearrange(F8));
    }
    if (L >= 8) {
      t = t.add(t.rearrange(F4));
    }
    t = t.add(t.rearrange(F2));
    float s = t.add(t.rearrange(F1)).lane(0);
    for (; i < n; i++) {
      s = Math.fma(x[xOff + i], y[yOff + i], s);
    }
    return s;
  }

  // axpy and scal run the scalar twin's loop itself at mid lengths: C2 compiles that plain
  // elementwise loop to vector code that aligns its stores by a pre-loop, unrolls and vectorizes
  // the remainder, which beat the Vector API loop (one unaligned vector per iteration, scalar tail)
  // at 100 and 1000 elements; the Vector API loop stayed faster at 33 (no pre-loop to pay for)
  // and, for axpy, at 64M floats (35.8 against 58.3 ms). JMH, 2026-12-02, BENCHMARKS.md
  // (session 5). Elementwise fma and mul are correctly rounded: the same bits either way.

  /** From this length the twin's loop runs axpy and scal. */
  private static final int TWIN_FROM = 64;
  /** Above this length (beyond L2) axpy is the Vector API loop again. */
  private static final int AXPY_TWIN_TO = 1 << 16;

  @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    if (n >= TWIN_FROM && n <= AXPY_TWIN_TO) {
      ScalarKernels.INSTANCE.axpy(n, alpha, x, xOff, y, yOff);
    } else {
      axpyVector(n, alpha, x, xOff, y, yOff);
    }
  }

  private static void axpyVector(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    FloatVector a = FloatVector.broadcast(F, alpha);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).fma(a, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override public void scal(int n, float alpha, float[] x, int xOff) {
    // Below one vector scalVector would run only its scalar tail: the twin's own loop instead.
    if (n >= TWIN_FROM || n < L) {
      ScalarKernels.INSTANCE.scal(n, alpha, x, xOff);
    } else {
      scalVector(n, alpha, x, xOff);
    }
  }

  private static void scalVector(int n, float alpha, float[] x, int xOff) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
    }
    for (; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out,
      int outOff) {
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).mul(FloatVector.fromArray(F, y, yOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] * y[yOff + i];
    }
  }

  @Override public void clamp(int n, float lo, float hi, float[] x, int xOff) {
    int i = 0;
    // Compare-and-blend (not MIN/MAX) so NaN and −0 behave exactly as in the scalar twin.
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      v = v.blend(lo, v.compare(LT, lo));
      v.blend(hi, v.compare(GT, hi)).intoArray(x, xOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      if (v < lo) {
        x[xOff + i] = lo;
      } else if (v > hi) {
        x[xOff + i] = hi;
      }
    }
  }

  /**
   * Squares are formed and summed in double lanes (a float square of 1e20 would overflow, of 1e-30
   * underflow), so the result has the scalar twin's bound: relative error ≤ (n/2+1)·2⁻⁵³ with a far
   * smaller constant, as each lane sums only n/(2·lanes) terms.
   */
  @Override public double sumOfSquares(int n, float[] x, int xOff) {
    // No whole block of four double vectors: the documented order is the tail alone, from +0,
    // which is exactly the twin's loop (as in dot); below 128-bit half vectors, always the twin.
    return n < 4 * H.length() || !HALF_OK ? ScalarKernels.INSTANCE.sumOfSquares(n, x, xOff)
        : sumOfSquaresVector(n, x, xOff);
  }

  private static double sumOfSquaresVector(int n, float[] x, int xOff) {
    DoubleVector s0 = DoubleVector.zero(D);
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    DoubleVector s3 = DoubleVector.zero(D);
    int h = H.length();
    int i = 0;
    // Half-width float loads widen to full-width doubles in one conversion each (splitting a
    // full-width load into two halves costs an extra shuffle and measured 1.4x slower in cache).
    for (int bound = n - 4 * h; i <= bound; i += 4 * h) {
      DoubleVector v0 = (DoubleVector) FloatVector.fromArray(H, x, xOff + i).convertShape(F2D, D, 0);
      DoubleVector v1 = (DoubleVector) FloatVector.fromArray(H, x, xOff + i + h)
          .convertShape(F2D, D, 0);
      DoubleVector v2 = (DoubleVector) FloatVector.fromArray(H, x, xOff + i + 2 * h)
          .convertShape(F2D, D, 0);
      DoubleVector v3 = (DoubleVector) FloatVector.fromArray(H, x, xOff + i + 3 * h)
          .convertShape(F2D, D, 0);
      s0 = v0.fma(v0, s0);
      s1 = v1.fma(v1, s1);
      s2 = v2.fma(v2, s2);
      s3 = v3.fma(v3, s3);
    }
    // Halving tree over the lanes (class comment); D has L/2 lanes, at least 2.
    DoubleVector t = s0.add(s1).add(s2.add(s3));
    if (L >= 64) {
      t = t.add(t.rearrange(D16));
    }
    if (L >= 32) {
      t = t.add(t.rearrange(D8));
    }
    if (L >= 16) {
      t = t.add(t.rearrange(D4));
    }
    if (L >= 8) {
      t = t.add(t.rearrange(D2));
    }
    double s = t.add(t.rearrange(D1)).lane(0);
    for (; i < n; i++) {
      double v = x[xOff + i];
      s = Math.fma(v, v, s);
    }
    return s;
  }

  @Override public float maxAbs(int n, float[] x, int xOff) {
    FloatVector m0 = FloatVector.zero(F);
    FloatVector m1 = FloatVector.zero(F);
    int i = 0;
    // MAX propagates NaN (Math.max semantics), so a NaN anywhere makes the result NaN. Unlike ADD,
    // reduceLanes(MAX) is exact: every order gives the same value (the lanes are ≥ 0 or NaN).
    for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
      m0 = m0.lanewise(MAX, FloatVector.fromArray(F, x, xOff + i).abs());
      m1 = m1.lanewise(MAX, FloatVector.fromArray(F, x, xOff + i + L).abs());
    }
    float m = m0.lanewise(MAX, m1).reduceLanes(MAX);
    for (; i < n; i++) {
      m = Math.max(m, Math.abs(x[xOff + i]));
    }
    return m;
  }

  @Override public int indexOfNonFinite(int n, float[] x, int xOff) {
    int i = 0;
    // v − v is 0 for finite v and NaN for NaN and ±∞.
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      VectorMask<Float> bad = v.sub(v).compare(NE, 0f);
      if (bad.anyTrue()) {
        return i + bad.firstTrue();
      }
    }
    for (; i < n; i++) {
      if (!Float.isFinite(x[xOff + i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Four rows at a time share each load of x; y is written once per row. Rows in a block of four
   * use one accumulator each, the remaining m mod 4 rows use {@link #dot}: both orders are fixed
   * (see the class comment), so row i's result depends only on (m, n, i) and the data.
   */
  @Override public void gemv(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x,
      int xOff, float beta, float[] y, int yOff) {
    int i = 0;
    int vb = F.loopBound(n);
    for (; i + 4 <= m; i += 4) {
      int r0 = aOff + i * lda;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      FloatVector s2 = FloatVector.zero(F);
      FloatVector s3 = FloatVector.zero(F);
      int j = 0;
      for (; j < vb; j += L) {
        FloatVector xv = FloatVector.fromArray(F, x, xOff + j);
        s0 = FloatVector.fromArray(F, a, r0 + j).fma(xv, s0);
        s1 = FloatVector.fromArray(F, a, r1 + j).fma(xv, s1);
        s2 = FloatVector.fromArray(F, a, r2 + j).fma(xv, s2);
        s3 = FloatVector.fromArray(F, a, r3 + j).fma(xv, s3);
      }
      // Halving tree over the lanes of each row's accumulator (class comment).
      if (L >= 64) {
        s0 = s0.add(s0.rearrange(F32));
        s1 = s1.add(s1.rearrange(F32));
        s2 = s2.add(s2.rearrange(F32));
        s3 = s3.add(s3.rearrange(F32));
      }
      if (L >= 32) {
        s0 = s0.add(s0.rearrange(F16));
        s1 = s1.add(s1.rearrange(F16));
        s2 = s2.add(s2.rearrange(F16));
        s3 = s3.add(s3.rearrange(F16));
      }
      if (L >= 16) {
        s0 = s0.add(s0.rearrange(F8));
        s1 = s1.add(s1.rearrange(F8));
        s2 = s2.add(s2.rearrange(F8));
        s3 = s3.add(s3.rearrange(F8));
      }
      if (L >= 8) {
        s0 = s0.add(s0.rearrange(F4));
        s1 = s1.add(s1.rearrange(F4));
        s2 = s2.add(s2.rearrange(F4));
        s3 = s3.add(s3.rearrange(F4));
      }
      s0 = s0.add(s0.rearrange(F2));
      s1 = s1.add(s1.rearrange(F2));
      s2 = s2.add(s2.rearrange(F2));
      s3 = s3.add(s3.rearrange(F2));
      float t0 = s0.add(s0.rearrange(F1)).lane(0);
      float t1 = s1.add(s1.rearrange(F1)).lane(0);
      float t2 = s2.add(s2.rearrange(F1)).lane(0);
      float t3 = s3.add(s3.rearrange(F1)).lane(0);
      for (; j < n; j++) {
        float xj = x[xOff + j];
        t0 = Math.fma(a[r0 + j], xj, t0);
        t1 = Math.fma(a[r1 + j], xj, t1);
        t2 = Math.fma(a[r2 + j], xj, t2);
        t3 = Math.fma(a[r3 + j], xj, t3);
      }
      store(alpha, t0, beta, y, yOff + i);
      store(alpha, t1, beta, y, yOff + i + 1);
      store(alpha, t2, beta, y, yOff + i + 2);
      store(alpha, t3, beta, y, yOff + i + 3);
    }
    for (; i < m; i++) {
      store(alpha, dot(n, a, aOff + i * lda, x, xOff), beta, y, yOff + i);
    }
  }

  private static void store(float alpha, float s, float beta, float[] y, int at) {
    float prior = beta == 0f ? 0f : beta * y[at];
    y[at] = Math.fma(alpha, s, prior);
  }

  /** y = βy, then four rows of A per sweep over y, so y is read and written m/4 times, A once. */
  @Override public void gemvT(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x,
      int xOff, float beta, float[] y, int yOff) {
    if (beta == 0f) {
      java.util.Arrays.fill(y, yOff, yOff + n, 0f);
    } else if (beta != 1f) {
      scal(n, beta, y, yOff);
    }
    int i = 0;
    int vb = F.loopBound(n);
    for (; i + 4 <= m; i += 4) {
      float c0 = alpha * x[xOff + i];
      float c1 = alpha * x[xOff + i + 1];
      float c2 = alpha * x[xOff + i + 2];
      float c3 = alpha * x[xOff + i + 3];
      int r0 = aOff + i * lda;
      int r1 = r0 + lda;
      int r2 = r1 + lda;
      int r3 = r2 + lda;
      FloatVector v0 = FloatVector.broadcast(F, c0);
      FloatVector v1 = FloatVector.broadcast(F, c1);
      FloatVector v2 = FloatVector.broadcast(F, c2);
      FloatVector v3 = FloatVector.broadcast(F, c3);
      int j = 0;
      for (; j < vb; j += L) {
        FloatVector acc = FloatVector.fromArray(F, y, yOff + j);
        acc = FloatVector.fromArray(F, a, r0 + j).fma(v0, acc);
        acc = FloatVector.fromArray(F, a, r1 + j).fma(v1, acc);
        acc = FloatVector.fromArray(F, a, r2 + j).fma(v2, acc);
        acc = FloatVector.fromArray(F, a, r3 + j).fma(v3, acc);
        acc.intoArray(y, yOff + j);
      }
      for (; j < n; j++) {
        float acc = y[yOff + j];
        acc = Math.fma(c0, a[r0 + j], acc);
        acc = Math.fma(c1, a[r1 + j], acc);
        acc = Math.fma(c2, a[r2 + j], acc);
        y[yOff + j] = Math.fma(c3, a[r3 + j], acc);
      }
    }
    for (; i < m; i++) {
      axpy(n, alpha * x[xOff + i], a, aOff + i * lda, y, yOff);
    }
  }

  @Override public void ger(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff,
      float[] a, int aOff, int lda) {
    for (int i = 0; i < m; i++) {
      axpy(n, alpha * x[xOff + i], y, yOff, a, aOff + i * lda);
    }
  }

  @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
      int ldc) {
    PanamaGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** From {@link ParallelGemm#ROWS_MIN} rows split by rows, sharing packed B; else by columns. */
  @Override public void gemmParallel(int threads, boolean transA, boolean transB, int m, int n,
      int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    if (m < ParallelGemm.ROWS_MIN || !ParallelGemm.runRows(threads, transA, transB, m, n, k,
        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)) {
      ParallelGemm.run(this, threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
          beta, c, cOff, ldc);
    }
  }
}
