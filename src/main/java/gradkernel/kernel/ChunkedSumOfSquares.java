package gradkernel.kernel;

import java.util.function.IntConsumer;

/**
 * Σ x_i² in double as the in-order sum of {@link Kernels#sumOfSquares} over fixed chunks of
 * {@link #CHUNK} floats. The chunks do not depend on the thread count, and their partials are
 * added in chunk order after the workers finish, so the result is the same bits on one thread or
 * many. Allocation-free after a thread's first call with that many chunks: each calling thread
 * keeps its own job and partials array.
 */
final class ChunkedSumOfSquares {
  /** Floats per chunk: 64 Ki (256 KiB, an L2-sized piece per worker). */
  static final int CHUNK = 1 << 16;
  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  private ChunkedSumOfSquares() {}

  static double run(Kernels kern, int threads, int n, float[] x, int xOff) {
    int chunks = Math.ceilDiv(n, CHUNK);
    if (threads <= 1 || chunks <= 1) {
      double s = 0;
      for (int c = 0; c < chunks; c++) {
        s += partial(kern, n, x, xOff, c);
      }
      return s;
    }
    Job job = JOB.get();
    if (job.parts.length < chunks) {
      job.parts = new double[chunks];
    }
    job.kern = kern;
    job.n = n;
    job.x = x;
    job.xOff = xOff;
    try {
      Workers.run(threads, chunks, job);
    } finally {
      job.x = null; // do not keep the caller's array alive
      job.kern = null;
    }
    double s = 0;
    for (int c = 0; c < chunks; c++) {
      s += job.parts[c];
    }
    return s;
  }

  /** Σ x_i² over chunk c of [xOff, xOff + n). */
  private static double partial(Kernels kern, int n, float[] x, int xOff, int c) {
    int o = c * CHUNK;
    return kern.sumOfSquares(Math.min(CHUNK, n - o), x, xOff + o);
  }

  /** Block c is chunk c: its partial goes to parts[c]. */
  private static final class Job implements IntConsumer {
    Kernels kern;
    int n;
    float[] x;
    int xOff;
    double[] parts = new double[0];

    @Override
    public void accept(int c) {
      parts[c] = partial(kern, n, x, xOff, c);
    }
  }
}
