package gradkernel.kernel;

import java.util.function.IntConsumer;

/**
 * Splits C into column blocks (multiples of 64 columns, so blocks stay vector-aligned) and runs
 * the single-threaded gemm on each on the library's shared {@link Workers}. Each element of C is
 * computed by one block with the operations of the single-threaded gemm, so the result is
 * bit-identical for every thread count; the block width depends on the thread count (fewer,
 * wider blocks on fewer threads), which is allowed because blocks never share an element of C.
 * Allocation-free after a thread's first call: each calling thread reuses its own job object.
 */
final class ParallelGemm {
  private static final int ALIGN = 64;
  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  private ParallelGemm() {}

  static void run(Kernels kern, int threads, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    int blocks = Math.min(Math.max(1, threads), (n + ALIGN - 1) / ALIGN);
    if (blocks <= 1) {
      kern.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    Job job = JOB.get();
    job.kern = kern;
    job.transA = transA;
    job.transB = transB;
    job.m = m;
    job.n = n;
    job.k = k;
    job.alpha = alpha;
    job.a = a;
    job.aOff = aOff;
    job.lda = lda;
    job.b = b;
    job.bOff = bOff;
    job.ldb = ldb;
    job.beta = beta;
    job.c = c;
    job.cOff = cOff;
    job.ldc = ldc;
    job.per = ((n + blocks - 1) / blocks + ALIGN - 1) / ALIGN * ALIGN;
    try {
      Workers.run(threads, (n + job.per - 1) / job.per, job);
    } finally {
      job.a = job.b = job.c = null; // do not keep the caller's arrays alive
      job.kern = null;
    }
  }

  /** One gemm call's arguments; block i computes columns [i·per, min(n, (i+1)·per)) of C. */
  private static final class Job implements IntConsumer {
    Kernels kern;
    boolean transA;
    boolean transB;
    int m;
    int n;
    int k;
    float alpha;
    float[] a;
    int aOff;
    int lda;
    float[] b;
    int bOff;
    int ldb;
    float beta;
    float[] c;
    int cOff;
    int ldc;
    int per;

    @Override
    public void accept(int i) {
      int j0 = i * per;
      int w = Math.min(per, n - j0);
      int bj = bOff + (transB ? j0 * ldb : j0);
      kern.gemm(transA, transB, m, w, k, alpha, a, aOff, lda, b, bj, ldb, beta, c, cOff + j0, ldc);
    }
  }
}
