package gradkernel.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits C into column blocks (multiples of 64 columns, so blocks stay vector-aligned) and runs
 * the single-threaded gemm on each in a pool of daemon workers, one per core. The common pool is
 * not used: on a 2-core machine it has a single worker.
 */
final class ParallelGemm {
  private static final int ALIGN = 64;

  private static final class Pool {
    static final ForkJoinPool POOL = new ForkJoinPool(
        Runtime.getRuntime().availableProcessors(), p -> {
          var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
          t.setDaemon(true);
          t.setName("gradkernel-gemm-" + t.getPoolIndex());
          return t;
        }, null, false);
  }

  private ParallelGemm() {}

  static void run(Kernels kern, int threads, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    int blocks = Math.min(Math.max(1, threads), (n + ALIGN - 1) / ALIGN);
    if (blocks <= 1) {
      kern.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    int per = ((n + blocks - 1) / blocks + ALIGN - 1) / ALIGN * ALIGN;
    RecursiveAction[] tasks = new RecursiveAction[blocks];
    int count = 0;
    for (int j = 0; j < n; j += per) {
      int j0 = j;
      int w = Math.min(per, n - j);
      int bj = bOff + (transB ? j0 * ldb : j0);
      tasks[count++] = new RecursiveAction() {
        @Override protected void compute() {
          kern.gemm(transA, transB, m, w, k, alpha, a, aOff, lda, b, bj, ldb, beta, c, cOff + j0,
              ldc);
        }
      };
    }
    RecursiveAction[] run = java.util.Arrays.copyOf(tasks, count);
    Pool.POOL.invoke(new RecursiveAction() {
      @Override protected void compute() {
        invokeAll(run);
      }
    });
  }
}
