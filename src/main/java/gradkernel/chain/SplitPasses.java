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
 * one (short calls may take another code path). Allocation-free after a thread's first call: each
 * calling thread keeps one job.
 */
final class SplitPasses {
  /** Elements per activation block (a multiple of every vector length). */
  static final int BLOCK = 1 << 14;
  /** Columns per column-sum block. */
  static final int COLUMNS = 256;
  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  private SplitPasses() {}

  /** out = up ⊙ g'(z) over n elements, as {@code g.backward(up, uOff, z, zOff, out, outOff, n)}. */
  static void activationBackward(int threads, Activation g, float[] up, int uOff, float[] z,
      int zOff, float[] out, int outOff, int n) {
    int blocks = n / BLOCK;
    if (threads <= 1 || blocks <= 1) {
      g.backward(up, uOff, z, zOff, out, outOff, n);
      return;
    }
    Job job = JOB.get();
    job.g = g;
    job.up = up;
    job.uOff = uOff;
    job.z = z;
    job.zOff = zOff;
    job.out = out;
    job.outOff = outOff;
    job.n = n;
    job.blocks = blocks;
    job.per = BLOCK;
    run(threads, job);
  }

  /** dst[j] = Σ_r src[r·n + j] (rows in order), as {@link Layer#columnSums}. */
  static void columnSums(int threads, int b, int n, float[] src, int sOff, float[] dst,
      int dOff) {
    int blocks = n / COLUMNS;
    if (threads <= 1 || blocks <= 1) {
      Layer.columnSums(b, n, src, sOff, dst, dOff);
      return;
    }
    Job job = JOB.get();
    job.b = b;
    job.z = src;
    job.zOff = sOff;
    job.out = dst;
    job.outOff = dOff;
    job.n = n;
    job.blocks = blocks;
    job.per = COLUMNS;
    run(threads, job);
  }

  private static void run(int threads, Job job) {
    try {
      Workers.run(threads, job.blocks, job);
    } finally {
      job.g = null; // do not keep the caller's arrays alive
      job.up = job.z = job.out = null;
    }
  }

  /** Block i: elements (or columns) [i·per, (i+1)·per), the last block up to n. */
  private static final class Job implements IntConsumer {
    Activation g;
    float[] up;
    int uOff;
    float[] z;
    int zOff;
    float[] out;
    int outOff;
    int n;
    int b;
    int blocks;
    int per;

    @Override
    public void accept(int i) {
      int s = i * per;
      int len = i == blocks - 1 ? n - s : per;
      if (g != null) {
        g.backward(up, uOff + s, z, zOff + s, out, outOff + s, len);
        return;
      }
      Layer.columnSums(b, n, s, len, z, zOff, out, outOff);
    }
  }
}
