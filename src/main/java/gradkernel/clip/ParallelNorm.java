package gradkernel.clip;

import gradkernel.kernel.Workers;
import gradkernel.tensor.Vec;

/**
 * The shared {@link Workers} over the same fixed chunks as {@link NormAccumulator}: chunk partials are computed
 * concurrently into an array and combined sequentially in tensor-then-chunk order, so the result
 * is bit-identical to the sequential accumulation for any pool size. That also needs each chunk
 * partial to be the same bits on every thread, whatever code the JIT has compiled there: the
 * kernels' fixed summation order guarantees it (with {@code reduceLanes(ADD)}, a chunk reduced by
 * C2 code on a worker and by interpreted code on the caller differed in the last bit).
 */
final class ParallelNorm {
  private final Vec[] grads;
  private final int[] tensorOf;
  private final int[] start;

  private ParallelNorm(Vec[] grads) {
    this.grads = grads;
    int chunks = 0;
    for (int t = 0; t < grads.length; t++) {
      chunks += Math.ceilDiv(NormAccumulator.checked(grads[t], t).length(), NormAccumulator.CHUNK);
    }
    tensorOf = new int[chunks];
    start = new int[chunks];
    for (int t = 0, c = 0; t < grads.length; t++) {
      for (long s = 0; s < grads[t].length(); s += NormAccumulator.CHUNK, c++) {
        tensorOf[c] = t;
        start[c] = (int) s;
      }
    }
  }

  /** Validates grads (nulls) and indexes their chunks. */
  static ParallelNorm of(Vec[] grads) {
    return new ParallelNorm(java.util.Objects.requireNonNull(grads, "grads"));
  }

  private int length(int c) {
    return Math.min(NormAccumulator.CHUNK, grads[tensorOf[c]].length() - start[c]);
  }

  /** Fills acc (empty, any p) with every tensor, computing chunk partials on the pool. */
  NormAccumulator accumulate(int threads, NormAccumulator acc) {
    double p = acc.p();
    double[] parts = new double[2 * tensorOf.length];
    Workers.run(threads, tensorOf.length, c -> {
      Vec g = grads[tensorOf[c]];
      NormAccumulator.partial(p, g.data(), g.offset() + start[c], length(c), parts, 2 * c);
    });
    for (int t = 0, c = 0; t < grads.length; t++) {
      acc.openTensor();
      Vec g = grads[t];
      for (; c < tensorOf.length && tensorOf[c] == t; c++) {
        acc.accept(t, g.data(), g.offset(), start[c], length(c), parts[2 * c], parts[2 * c + 1]);
      }
    }
    return acc;
  }

  /** Multiplies every element by c (elementwise, so identical to the sequential pass). */
  void scale(int threads, double c) {
    Workers.run(threads, tensorOf.length, i -> {
      Vec g = grads[tensorOf[i]];
      Scaling.apply(c, g.data(), g.offset() + start[i], length(i));
    });
  }
}
