package gradkernel.tensor;

/**
 * How many threads a parallel method of the library may use: the one parallelism policy shared
 * by {@link Blas#gemm(Parallelism, Transpose, Transpose, float, Matrix, Matrix, float, Matrix)},
 * the clipping and norm methods of {@code gradkernel.clip}, the optimizers' step and the trainer.
 *
 * <p>Every parallel method cuts its work into fixed blocks whose boundaries depend only on the
 * problem (shapes, lengths, batch), never on the thread count; it runs the blocks on the calling
 * thread plus up to {@code threads() − 1} of the library's shared daemon worker threads and
 * combines block results in block order. Results are therefore bit-identical for every
 * {@code Parallelism}, {@link #SEQUENTIAL} included; only the wall time changes.
 *
 * <p>The workers are created on first use, as many as the largest thread count requested so far
 * (at most {@value #MAX_THREADS} − 1), and then reused: a parallel call allocates nothing for
 * its threads. One parallel call at a time uses them; a call made while they are busy (from
 * another thread, or nested inside a block of a parallel call) runs its blocks on its own thread,
 * with the same bits and without waiting. More threads than cores is allowed and useless.
 */
public final class Parallelism {
  /** Largest accepted thread count. */
  public static final int MAX_THREADS = 256;

  /** One thread: the caller's. */
  public static final Parallelism SEQUENTIAL = new Parallelism(1);

  private final int threads;

  private Parallelism(int threads) {
    this.threads = threads;
  }

  /**
   * Up to {@code threads} threads (the caller and {@code threads − 1} workers).
   *
   * @throws IllegalArgumentException unless 1 ≤ threads ≤ {@value #MAX_THREADS}
   */
  public static Parallelism threads(int threads) {
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got "
          + threads);
    }
    return threads == 1 ? SEQUENTIAL : new Parallelism(threads);
  }

  /** As many threads as {@link Runtime#availableProcessors()} reports (capped). */
  public static Parallelism allCores() {
    return threads(Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /** The thread count, ≥ 1, the caller's thread included. */
  public int threads() {
    return threads;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parallelism p && p.threads == threads;
  }

  @Override
  public int hashCode() {
    return threads;
  }

  @Override
  public String toString() {
    return "Parallelism[threads=" + threads + "]";
  }
}
