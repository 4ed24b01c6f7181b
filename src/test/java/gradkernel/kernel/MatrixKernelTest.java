package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.ChildJvm;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gemv, gemvᵀ, ger and gemm of the active and the scalar kernels against a double-precision
 * reference on odd shapes, offsets and leading dimensions. Each output element is a k-term dot
 * product plus β·c, so its error is at most γ_{k+2}·(Σ|α a b| + |β c|) with γ_j = j·u/(1 − j·u).
 */
class MatrixKernelTest {
  private static final double U = 0x1p-24;
  private static final int[] SIZES = {1, 2, 5, 6, 7, 16, 17, 31, 33, 65, 97, 130};

  private static double gamma(int k) {
    return (k + 2) * U / (1 - (k + 2) * U);
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void gemmMatchesDoubleReferenceForAllTransposes() {
    SplittableRandom r = new SplittableRandom(3);
    for (Kernels k : new Kernels[] {Kernels.active(), Kernels.scalar()}) {
      for (int t = 0; t < 60; t++) {
        int m = SIZES[r.nextInt(SIZES.length)];
        int n = SIZES[r.nextInt(SIZES.length)];
        int kk = t == 0 ? 300 : SIZES[r.nextInt(SIZES.length)];
        boolean ta = r.nextBoolean();
        boolean tb = r.nextBoolean();
        check(k, r, ta, tb, m, n, kk, (float) r.nextGaussian(), t % 3 == 0 ? 0f : 0.5f);
      }
      check(k, r, false, false, 257, 300, 513, 1f, 1f); // several KC, MC and NR blocks
      check(k, r, true, true, 131, 129, 260, -2f, 0f);
    }
  }

  /**
   * The packed kernel runs, for every element of C, the scalar twin's own FMA chain over p (α
   * folded into A, KC steps stored and reloaded exactly), so neither the register tile nor the
   * packing may change a bit: edges, offsets, every transpose.
   */
  @Test
  void gemmIsBitIdenticalToTheScalarTwin() {
    SplittableRandom r = new SplittableRandom(9);
    int[][] shapes = {{131, 129, 260}, {12, 32, 16}, {13, 33, 17}, {25, 64, 300}, {1, 97, 33},
        {200, 70, 513}, {36, 130, 31}, {32, 64, 40}, {20, 33, 17}, {8, 32, 300}, {4, 96, 33},
        {28, 64, 31}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        int m = s[0];
        int n = s[1];
        int k = s[2];
        int lda = (ta ? m : k) + r.nextInt(3);
        int ldb = (tb ? k : n) + r.nextInt(3);
        int ao = r.nextInt(4);
        int bo = r.nextInt(4);
        float[] a = random(r, ao + (ta ? k : m) * lda);
        float[] b = random(r, bo + (tb ? n : k) * ldb);
        for (float beta : new float[] {0f, 0.5f}) {
          float[] c0 = random(r, m * n);
          float[] want = c0.clone();
          float[] got = c0.clone();
          Kernels.scalar().gemm(ta, tb, m, n, k, -1.5f, a, ao, lda, b, bo, ldb, beta, want, 0, n);
          Kernels.active().gemm(ta, tb, m, n, k, -1.5f, a, ao, lda, b, bo, ldb, beta, got, 0, n);
          KernelTwinTest.assertArrayBits(want, got,
              "gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta);
        }
      }
    }
  }

  private static void check(Kernels kern, SplittableRandom r, boolean ta, boolean tb, int m,
      int n, int k, float alpha, float beta) {
    int lda = (ta ? m : k) + r.nextInt(3);
    int ldb = (tb ? k : n) + r.nextInt(3);
    int ldc = n + r.nextInt(3);
    int ao = r.nextInt(4);
    int bo = r.nextInt(4);
    int co = r.nextInt(4);
    float[] a = random(r, ao + (ta ? k : m) * lda);
    float[] b = random(r, bo + (tb ? n : k) * ldb);
    float[] c = random(r, co + m * ldc);
    if (beta == 0f) {
      Arrays.fill(c, Float.NaN); // β = 0 must not read C
    }
    float[] before = c.clone();
    kern.gemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double mag = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
          double y = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
          s += x * y;
          mag += Math.abs(x * y);
        }
        double prior = beta == 0f ? 0 : (double) beta * before[co + i * ldc + j];
        double ref = alpha * s + prior;
        double tol = gamma(k) * (Math.abs(alpha) * mag + Math.abs(prior)) + 1e-37;
        float got = c[co + i * ldc + j];
        assertEquals(ref, got, tol, () -> kern.name() + " gemm " + (ta ? "T" : "N")
            + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k);
      }
      for (int j = n; j < ldc && co + i * ldc + j < c.length; j++) {
        assertEquals(Float.floatToIntBits(before[co + i * ldc + j]),
            Float.floatToIntBits(c[co + i * ldc + j]), "padding between rows untouched");
      }
    }
  }

  @Test
  void gemvAndGemvTransposeMatchDoubleReference() {
    SplittableRandom r = new SplittableRandom(4);
    for (Kernels kern : new Kernels[] {Kernels.active(), Kernels.scalar()}) {
      for (int m : SIZES) {
        for (int n : SIZES) {
          int lda = n + r.nextInt(3);
          int ao = r.nextInt(3);
          float[] a = random(r, ao + m * lda);
          float alpha = (float) r.nextGaussian();
          float beta = r.nextBoolean() ? 0f : -1.5f;
          float[] x = random(r, 2 + n);
          float[] y = random(r, 1 + m);
          if (beta == 0f) {
            Arrays.fill(y, Float.NaN);
          }
          float[] y0 = y.clone();
          kern.gemv(m, n, alpha, a, ao, lda, x, 2, beta, y, 1);
          for (int i = 0; i < m; i++) {
            double s = 0;
            double mag = 0;
            for (int j = 0; j < n; j++) {
              s += (double) a[ao + i * lda + j] * x[2 + j];
              mag += Math.abs((double) a[ao + i * lda + j] * x[2 + j]);
            }
            double prior = beta == 0f ? 0 : (double) beta * y0[1 + i];
            assertEquals(alpha * s + prior, y[1 + i],
                gamma(n) * (Math.abs(alpha) * mag + Math.abs(prior)) + 1e-37, "gemv");
          }
          float[] xt = random(r, m);
          float[] yt = random(r, 3 + n);
          if (beta == 0f) {
            Arrays.fill(yt, Float.NaN);
          }
          float[] yt0 = yt.clone();
          kern.gemvT(m, n, alpha, a, ao, lda, xt, 0, beta, yt, 3);
          for (int j = 0; j < n; j++) {
            double s = 0;
            double mag = 0;
            for (int i = 0; i < m; i++) {
              s += (double) a[ao + i * lda + j] * xt[i];
              mag += Math.abs((double) a[ao + i * lda + j] * xt[i]);
            }
            double prior = beta == 0f ? 0 : (double) beta * yt0[3 + j];
            assertEquals(alpha * s + prior, yt[3 + j],
                2 * gamma(m) * (Math.abs(alpha) * mag + Math.abs(prior)) + 1e-37, "gemvT");
          }
        }
      }
    }
  }

  @Test
  void gemvTransposeAndGerAreBitIdenticalToTheScalarTwin() {
    SplittableRandom r = new SplittableRandom(5);
    for (int m : SIZES) {
      for (int n : SIZES) {
        float[] a = random(r, m * (n + 1));
        float[] x = random(r, m);
        float[] y = random(r, n);
        float[] yv = y.clone();
        float[] ys = y.clone();
        Kernels.active().gemvT(m, n, 0.7f, a, 0, n + 1, x, 0, 1.25f, yv, 0);
        Kernels.scalar().gemvT(m, n, 0.7f, a, 0, n + 1, x, 0, 1.25f, ys, 0);
        KernelTwinTest.assertArrayBits(ys, yv, "gemvT " + m + "x" + n);
        float[] av = a.clone();
        float[] as = a.clone();
        Kernels.active().ger(m, n, -0.3f, x, 0, y, 0, av, 0, n + 1);
        Kernels.scalar().ger(m, n, -0.3f, x, 0, y, 0, as, 0, n + 1);
        KernelTwinTest.assertArrayBits(as, av, "ger " + m + "x" + n);
      }
    }
  }

  /** Below {@link ParallelGemm#ROWS_MIN} rows by columns (13), above by rows (67). */
  @ParameterizedTest
  @ValueSource(ints = {13, 67})
  void parallelGemmIsBitIdenticalForEveryThreadCount(int m) {
    SplittableRandom r = new SplittableRandom(6);
    int n = 333;
    int k = 300;
    for (boolean tb : new boolean[] {false, true}) {
      float[] a = random(r, m * k);
      float[] b = random(r, k * n);
      float[] c0 = random(r, m * n);
      float[] ref = c0.clone();
      Kernels.active().gemm(false, tb, m, n, k, 1.5f, a, 0, k, b, 0, tb ? k : n, 0.5f, ref, 0, n);
      for (int threads : new int[] {1, 2, 3, 7}) {
        float[] c = c0.clone();
        Kernels.active().gemmParallel(threads, false, tb, m, n, k, 1.5f, a, 0, k, b, 0,
            tb ? k : n, 0.5f, c, 0, n);
        KernelTwinTest.assertArrayBits(ref, c, threads + " threads");
      }
    }
  }

  /**
   * From {@link ParallelGemm#ROWS_MIN} rows the vector gemm splits by rows and shares packed B
   * panels between the threads: the same bits as one thread for every transpose, β = 0 (C not
   * read) and β ≠ 0, with several MC blocks per thread, a last MR strip of one row, two NC panels
   * (the second one partial, 36 columns: one padded NR strip) and two KC steps, so both shared
   * panels are used and reused.
   */
  @Test
  void rowSplitGemmIsBitIdenticalForEveryThreadCount() {
    SplittableRandom r = new SplittableRandom(16);
    int m = 2 * PanamaGemm.MC + 1;
    int n = PanamaGemm.NC + 36;
    int k = PanamaGemm.KC + 14;
    for (int trans = 0; trans < 4; trans++) {
      boolean ta = (trans & 1) != 0;
      boolean tb = (trans & 2) != 0;
      float beta = trans % 2 == 0 ? 0f : -0.75f;
      float[] a = random(r, m * k);
      float[] b = random(r, k * n);
      float[] c0 = random(r, m * n);
      float[] ref = c0.clone();
      Kernels.active().gemm(ta, tb, m, n, k, 1.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, ref,
          0, n);
      for (int threads : new int[] {2, 3, 7}) {
        float[] c = c0.clone();
        Kernels.active().gemmParallel(threads, ta, tb, m, n, k, 1.5f, a, 0, ta ? m : k, b, 0,
            tb ? k : n, beta, c, 0, n);
        KernelTwinTest.assertArrayBits(ref, c, trans + ": " + threads + " threads");
      }
    }
  }

  /**
   * A member of a row-split gemm that fails (here: C too short for the second member's rows) breaks
   * the team's barrier: the call throws instead of leaving the other member waiting, and the
   * workers then serve the next call.
   */
  @Test
  void failingRowSplitMemberDoesNotHang() {
    SplittableRandom r = new SplittableRandom(17);
    int m = ParallelGemm.ROWS_MIN + 100;
    int n = 100;
    int k = 50;
    float[] a = random(r, m * k);
    float[] b = random(r, k * n);
    float[] shortC = new float[(m / 2) * n];
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (float beta : new float[] {0f, 0.5f}) { // the failure after, and before, the first wait
        assertThrows(RuntimeException.class, () -> Kernels.active().gemmParallel(2, false, false,
            m, n, k, 1f, a, 0, k, b, 0, n, beta, shortC, 0, n));
      }
      float[] ref = new float[m * n];
      float[] c = new float[m * n];
      Kernels.active().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, ref, 0, n);
      Kernels.active().gemmParallel(2, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
      KernelTwinTest.assertArrayBits(ref, c, "the call after the failures");
    });
  }

  /**
   * Repeated gemm, gemv, gemvT, ger, dot, sumOfSquares and maxAbs calls allocate nothing once
   * compiled. Measured in a child JVM with synchronous compilation ({@code
   * -XX:-BackgroundCompilation}), so C2 has finished after a fixed number of rounds however busy
   * the machine is; the best of those rounds must stay under 1 KiB for 350 calls.
   */
  @Test
  void repeatedMatrixKernelsAllocateNothing() {
    ChildJvm.Result r = ChildJvm.run("allocation", ChildJvm.parentHasVectorModule(),
        List.of("-XX:-BackgroundCompilation"), MatrixKernelTest.class).requireSuccess();
    String[] out = r.out().strip().split(" ");
    long bytes = Long.parseLong(out[1]);
    assertTrue(bytes <= 1024, () -> out[0] + ": " + bytes + " bytes for 350 compiled calls");
  }

  /** Child main: prints the kernels' name, the fewest bytes a round of 350 calls took, a sum. */
  public static void main(String[] args) throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
    SplittableRandom r = new SplittableRandom(7);
    int n = 67;
    float[] a = random(r, n * n);
    float[] b = random(r, n * n);
    float[] c = new float[n * n];
    float[] x = random(r, n);
    float[] y = new float[n];
    Kernels kern = Kernels.active();
    long best = Long.MAX_VALUE;
    float sink = 0;
    for (int round = 0; best > 1024 && round < 60; round++) {
      long before = (Long) allocated.invoke(mx);
      for (int i = 0; i < 50; i++) {
        kern.gemm(i % 2 == 0, i % 3 == 0, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        kern.gemv(n, n, 1f, a, 0, n, x, 0, 0f, y, 0);
        kern.gemvT(n, n, 1f, a, 0, n, x, 0, 0f, y, 0);
        kern.ger(n, n, 1e-3f, x, 0, y, 0, b, 0, n);
        sink += kern.dot(n * n, a, 0, b, 0);
        sink += (float) kern.sumOfSquares(n * n - 5, c, 5);
        sink += kern.maxAbs(n * n, b, 0);
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    System.out.println(kern.name() + " " + best + " " + sink); // sink: results stay live
  }
}
