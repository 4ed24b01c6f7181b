package gradkernel.chain;

import gradkernel.kernel.Kernels;
import gradkernel.tensor.Checks;
import java.util.Objects;

/**
 * A fixed partition of a batch of {@code batch} examples into contiguous blocks, for
 * data-parallel gradients whose bits do not depend on the number of threads or machines: blocks
 * of {@code max(16, ⌈batch/8⌉)} examples (the last one possibly shorter), so at most
 * {@value #MAX_BLOCKS} blocks, a function of the batch size only. Each block's gradient is a
 * deterministic function of (weights, block) whichever thread or worker computes it, and
 * {@link #sum} adds the block gradients in block order (left to right, one float rounding per
 * addition); together the gradient of a batch is bit-identical for any thread count.
 *
 * <p>Blocks of at least {@value #MIN_BLOCK} examples keep the batched kernels (gemm over the
 * block's rows) efficient; at most {@value #MAX_BLOCKS} blocks bound the memory (one tape and one
 * gradient buffer per block) and the summation pass (≤ 7 additions per parameter). The result
 * differs in the last bits from a single backward over the whole batch when there is more than
 * one block (batch &gt; 16): a different but fixed summation order. Immutable.
 *
 * <pre>{@code
 * BatchBlocks blocks = BatchBlocks.of(50);   // 4 blocks: [0,16) [16,32) [32,48) [48,50)
 * // block k (on any thread): net.backward(tape[k], dLdy, blocks.start(k) * out, grads[k], null)
 * BatchBlocks.sum(grads, blocks.count(), grads[0]);  // grads[0] = g0 + g1 + g2 + g3, in order
 * }</pre>
 */
public final class BatchBlocks {
  /** The smallest block (examples), unless the whole batch is smaller. */
  public static final int MIN_BLOCK = 16;
  /** The most blocks of any batch. */
  public static final int MAX_BLOCKS = 8;

  private final int batch;
  private final int blockSize;
  private final int count;

  private BatchBlocks(int batch) {
    this.batch = batch;
    this.blockSize = Math.max(MIN_BLOCK, (int) ((batch + (long) MAX_BLOCKS - 1) / MAX_BLOCKS));
    this.count = (int) ((batch + (long) blockSize - 1) / blockSize);
  }

  /** The partition of a batch of {@code batch} ≥ 1 examples. */
  public static BatchBlocks of(int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    return new BatchBlocks(batch);
  }

  /** Examples in the batch. */
  public int batch() {
    return batch;
  }

  /** Examples per block, max(16, ⌈batch/8⌉) (the last block may hold fewer). */
  public int blockSize() {
    return blockSize;
  }

  /** Number of blocks, ⌈batch / blockSize⌉, in [1, 8]. */
  public int count() {
    return count;
  }

  /** First example of block k, k in [0, count()). */
  public int start(int k) {
    return Objects.checkIndex(k, count) * blockSize;
  }

  /** Examples in block k, k in [0, count()): blockSize, or the remainder for the last block. */
  public int size(int k) {
    return Math.min(blockSize, batch - start(k));
  }

  /**
   * {@code into = parts[0] + parts[1] + … + parts[count − 1]}, added left to right in block
   * order, element by element (one float rounding per addition; elementwise kernel, so the same
   * bits with or without the Vector API). {@code into} may be {@code parts[0]} itself (then the
   * other blocks are added to it in place) but must not overlap any other part. Every part and
   * {@code into} hold gradients of chains with the same parameter count (e.g. one architecture
   * bound to several weight copies). Checks every argument before writing; allocates nothing.
   */
  public static void sum(Gradients[] parts, int count, Gradients into) {
    Objects.requireNonNull(parts, "parts");
    Objects.requireNonNull(into, "into");
    if (count < 1 || count > parts.length) {
      throw new IllegalArgumentException("count must be in [1, parts.length " + parts.length
          + "], got " + count);
    }
    int p = into.chain().parameterCount();
    // messages are built only on failure: a step sums every iteration and allocates nothing
    for (int k = 0; k < count; k++) {
      Gradients g = parts[k];
      if (g == null) {
        throw new NullPointerException("parts[" + k + "]");
      }
      if (g.chain().parameterCount() != p) {
        throw new IllegalArgumentException("parts[" + k + "]: " + g.chain().parameterCount()
            + " parameters, into has " + p);
      }
      if (k > 0 && g.data() == into.data()) { // only a shared array can overlap
        Checks.noOverlap("parts[" + k + "]", g.data(), g.offset(), p, "into", into.data(),
            into.offset(), p);
      }
    }
    Gradients first = parts[0];
    if (first.data() != into.data() || first.offset() != into.offset()) {
      System.arraycopy(first.data(), first.offset(), into.data(), into.offset(), p);
    }
    Kernels k = Kernels.active();
    for (int b = 1; b < count; b++) {
      k.axpy(p, 1f, parts[b].data(), parts[b].offset(), into.data(), into.offset());
    }
  }

  @Override
  public String toString() {
    return "BatchBlocks(batch " + batch + ", " + count + " × " + blockSize + ")";
  }
}
