package gradkernel.clip;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Fork/join over the same fixed chunks as {@link NormAccumulator}: chunk partials are computed
 * concurrently into an array and combined sequentially in tensor-then-chunk order, so the result
 * is bit-identical to the sequential accumulation for any pool size. That also needs each chunk
 * partial to be the same bits on every thread, whatever code the JIT has compiled there: the
 * kernels' fixed summation order guarantees it (with {@code reduceLanes(ADD)}, a chunk reduced by
 * C2 code on a worker and by interpreted code on the caller differed in the last bit).
 */
final class ParallelNorm {
  private final float[][] grads;
  private final int[] tensorOf;
  private final int[] start;

  private ParallelNorm(float[][] grads) {
    this.grads = grads;
    int chunks = 0;
    for (int t = 0; t < grads.length; t++) {
      chunks += Math.ceilDiv(NormAccumulator.checkedLength(grads[t], t), NormAccumulator.CHUNK);
    }
    tensorOf = new int[chunks];
    start = new int[chunks];
    for (int t = 0, c = 0; t < grads.length; t++) {
      for (long s = 0; s < grads[t].length; s += NormAccumulator.CHUNK, c++) {
        tensorOf[c] = t;
        start[c] = (int) s;
      }
    }
  }

  /**
   * One worker per core: the common pool when it is that large, else a library-owned pool (the
   * common pool keeps one core for the caller, which on 2 cores would leave one worker).
   */
  static ForkJoinPool defaultPool() {
    return DefaultPool.POOL;
  }

  private static final class DefaultPool {
    static final ForkJoinPool POOL = create();

    private static ForkJoinPool create() {
      int cores = Runtime.getRuntime().availableProcessors();
      return ForkJoinPool.getCommonPoolParallelism() >= cores ? ForkJoinPool.commonPool()
          : new ForkJoinPool(cores); // workers are daemon threads: no shutdown needed
    }
  }

  /** Validates grads (nulls) and indexes their chunks. */
  static ParallelNorm of(float[][] grads) {
    return new ParallelNorm(java.util.Objects.requireNonNull(grads, "grads"));
  }

  private int length(int c) {
    return Math.min(NormAccumulator.CHUNK, grads[tensorOf[c]].length - start[c]);
  }

  /** Fills acc (empty, any p) with every tensor, computing chunk partials on the pool. */
  NormAccumulator accumulate(ForkJoinPool pool, NormAccumulator acc) {
    double p = acc.p();
    double[] parts = new double[2 * tensorOf.length];
    run(pool, c -> NormAccumulator.partial(p, grads[tensorOf[c]], start[c], length(c), parts,
        2 * c));
    for (int t = 0, c = 0; t < grads.length; t++) {
      acc.openTensor();
      for (; c < tensorOf.length && tensorOf[c] == t; c++) {
        acc.accept(t, grads[t], 0, start[c], length(c), parts[2 * c], parts[2 * c + 1]);
      }
    }
    return acc;
  }

  /** Multiplies every element by c (elementwise, so identical to the sequential pass). */
  void scale(ForkJoinPool pool, double c) {
    run(pool, i -> Scaling.apply(c, grads[tensorOf[i]], start[i], length(i)));
  }

  private void run(ForkJoinPool pool, IntConsumer body) {
    if (tensorOf.length == 1) {
      body.accept(0);
    } else if (tensorOf.length > 1) {
      pool.invoke(new Chunks(0, tensorOf.length, body));
    }
  }

  /** Splits the chunk range in halves down to single chunks (64 Ki elements of work each). */
  private static final class Chunks extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final int lo;
    private final int hi;
    private final transient IntConsumer body;

    Chunks(int lo, int hi, IntConsumer body) {
      this.lo = lo;
      this.hi = hi;
      this.body = body;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        body.accept(lo);
      } else {
        int mid = (lo + hi) >>> 1;
        invokeAll(new Chunks(lo, mid, body), new Chunks(mid, hi, body));
      }
    }
  }
}
