package gradkernel.kernel;

import java.util.function.IntConsumer;

/**
 * Runs one gemm on the library's shared {@link Workers}, in one of two splits. By columns: C in
 * column blocks (multiples of 64 columns, so blocks stay vector-aligned), each block the
 * single-threaded gemm of any {@link Kernels}; every thread then packs all of op(A). By rows (the
 * vector gemm, from {@link #ROWS_MIN} rows): a {@link GemmTeam} of threads each computing its own
 * rows of C from B panels packed once between them ({@link PanamaGemm}). Either way each element
 * of C is computed by one thread with the operations of the single-threaded gemm, so the result
 * is bit-identical for every thread count and either split. Allocation-free after a thread's
 * first call: each calling thread reuses its own job object (and team).
 */
final class ParallelGemm {
  private static final int ALIGN = 64;
  /**
   * Rows from which the vector gemm splits by rows. Measured on two cores (AVX-512, 2026-12-02):
   * from 16 to 4096 rows, at k = 256 and 1024 and n = 1024 and 4096, the row split took 2–18 %
   * less time than the column split (B packed once instead of op(A) packed by every thread).
   */
  static final int ROWS_MIN = 16;
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
    Job job = JOB.get().set(kern, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, c, cOff, ldc);
    job.per = ((n + blocks - 1) / blocks + ALIGN - 1) / ALIGN * ALIGN;
    try {
      Workers.run(threads, (n + job.per - 1) / job.per, job);
    } finally {
      job.clear();
    }
  }

  /**
   * The vector gemm split by rows over a team of up to {@code threads} threads (at most one per
   * MR-row strip); false, having done nothing, when that is not one thread per member: fewer than
   * two members, or the workers are taken (the caller then runs the column split, sequentially).
   */
  static boolean runRows(int threads, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    int size = Math.min(threads, (m + PanamaGemm.MR - 1) / PanamaGemm.MR);
    if (size <= 1) {
      return false;
    }
    Job job = JOB.get().set(null, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, c, cOff, ldc);
    if (job.team == null) {
      job.team = new GemmTeam(PanamaGemm.KC * PanamaGemm.NC);
    }
    job.team.reset();
    job.size = size;
    try {
      return Workers.runTogether(size, job);
    } finally {
      job.size = 0;
      job.clear();
    }
  }

  /**
   * One gemm call's arguments; in a column split block i computes columns [i·per, min(n,
   * (i+1)·per)) of C, in a row split member i of the team its rows.
   */
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

    /** Members of the row team in this call; 0 for a column split. */
    int size;
    GemmTeam team;

    Job set(Kernels kern, boolean transA, boolean transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c,
        int cOff, int ldc) {
      this.kern = kern;
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.beta = beta;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
      return this;
    }

    /** Do not keep the caller's arrays alive. */
    void clear() {
      a = b = c = null;
      kern = null;
    }

    @Override
    public void accept(int i) {
      if (size > 0) {
        try {
          PanamaGemm.gemm(team, i, size, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff,
              ldb, beta, c, cOff, ldc);
        } catch (RuntimeException | Error e) {
          team.breakBarrier();
          throw e;
        }
        return;
      }
      int j0 = i * per;
      int w = Math.min(per, n - j0);
      int bj = bOff + (transB ? j0 * ldb : j0);
      kern.gemm(transA, transB, m, w, k, alpha, a, aOff, lda, b, bj, ldb, beta, c, cOff + j0, ldc);
    }
  }
}
