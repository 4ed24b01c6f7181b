package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.kernel.Workers;
import java.util.function.IntConsumer;

/**
 * A batched Dense layer's element-wise backward passes on a tape's threads: the fused
 * activation backward in blocks of {@link #BLOCK} elements and the bias gradient's column sums in
 * blocks of {@link #COLUMNS} columns. Every element goes through the same operations as in one
 * call (an activation's backward is element by element, {@link Activation#backward}; a column
 * sum adds the rows in order whichever columns share its block), so the results are the same bits
 * for every thread count. The last block takes the remainder, so no block is shorter than a full
 * one (short calls may take another code path). Allocation-free after a thread's first split call:
 * each calling thread keeps one job of each kind; an unsplit call is the one call itself.
 */
final class SplitPasses {
  /** Elements per activation block (a multiple of every vector length). */
  static final int BLOCK = 1 << 14;
  /** Columns per column-sum block. */
  static final int COLUMNS = 256;
  private static final ThreadLocal<ActivationJob> ACTIVATION =
      ThreadLocal.withInitial(ActivationJob::new);
  private static final ThreadLocal<ColumnJob> COLUMN = ThreadLocal.withInitial(ColumnJob::new);

  private SplitPasses() {}

  /** out = up ⊙ g'(z) over n elements, as {@code g.backward(up, uOff, z, zOff, out, outOff, n)}. */
  static void activationBackward(int threads, Activation g, float[] up, int uOff, float[] z,
      int zOff, float[] out, int outOff, int n) {
    if (!splits(threads, n, BLOCK)) {
      g.backward(up, uOff, z, zOff, out, outOff, n);
      return;
    }
    ActivationJob job = ACTIVATION.get();
    job.g = g;
    job.up = up;
    job.uOff = uOff;
    job.z = z;
    job.zOff = zOff;
    job.out = out;
    job.outOff = outOff;
    try {
      job.run(threads, n, BLOCK);
    } finally {
      job.g = null; // do not keep the caller's objects alive
      job.up = job.z = job.out = null;
    }
  }

  /** dst[j] = Σ_r src[r·n + j] (rows in order), as {@link Layer#columnSums}. */
  static void columnSums(int threads, int b, int n, float[] src, int sOff, float[] dst,
      int dOff) {
    if (!splits(threads, n, COLUMNS)) {
      Layer.columnSums(b, n, src, sOff, dst, dOff);
      return;
    }
    ColumnJob job = COLUMN.get();
    job.b = b;
    job.src = src;
    job.sOff = sOff;
    job.dst = dst;
    job.dOff = dOff;
    try {
      job.run(threads, n, COLUMNS);
    } finally {
      job.src = job.dst = null; // do not keep the caller's arrays alive
    }
  }

  /** Whether a pass over n in blocks of per goes to the workers: two blocks or more. */
  private static boolean splits(int threads, int n, int per) {
    return threads > 1 && n / per > 1;
  }

  /** A pass over [0, n) in blocks of per; block i is [i·per, (i+1)·per), the last up to n. */
  private abstract static class Job implements IntConsumer {
    int n;
    private int per;

    /** The pass over [s, s + len). */
    abstract void block(int s, int len);

    /** Runs the n / per blocks on up to threads workers. */
    final void run(int threads, int n, int per) {
      this.n = n;
      this.per = per;
      Workers.run(threads, n / per, this);
    }

    @Override
    public final void accept(int i) {
      int s = i * per;
      block(s, i == n / per - 1 ? n - s : per);
    }
  }

  private static final class ActivationJob extends Job {
    Activation g;
    float[] up;
    int uOff;
    float[] z;
    int zOff;
    float[] out;
    int outOff;

    @Override
    void block(int s, int len) {
      g.backward(up, uOff + s, z, zOff + s, out, outOff + s, len);
    }
  }

  private static final class ColumnJob extends Job {
    int b;
    float[] src;
    int sOff;
    float[] dst;
    int dOff;

    @Override
    void block(int s, int len) {
      Layer.columnSums(b, n, s, len, src, sOff, dst, dOff); // n: the row width
    }
  }
}
