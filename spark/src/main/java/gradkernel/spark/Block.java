package gradkernel.spark;

import gradkernel.chain.BatchBlocks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fixed block of training examples: inputs x [examples, in] and targets y [examples, out],
 * row-major. Blocks, not workers, fix the order of the gradient reduction: block {@code index}
 * is added in index order wherever it was computed. {@link #split} cuts a batch into the same
 * {@link BatchBlocks} as {@code bin/gradkernel train --threads N} uses on one machine, so the
 * partition, and with it the gradient's bits, depends on the batch size only.
 *
 * @param index    position of the block in the batch's fixed block order
 * @param examples number of examples in the block (≥ 1)
 * @param x        inputs, examples·in floats
 * @param y        targets, examples·out floats
 */
public record Block(int index, int examples, float[] x, float[] y) implements Serializable {

  /** Validates the block. */
  public Block {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (index < 0 || examples < 1) {
      throw new IllegalArgumentException("index must be >= 0 and examples >= 1, got index "
          + index + ", examples " + examples);
    }
    if (x.length % examples != 0 || y.length % examples != 0) {
      throw new IllegalArgumentException("x [" + x.length + "] and y [" + y.length
          + "] must hold whole rows of " + examples + " examples");
    }
  }

  /**
   * The batch x [batch, in], y [batch, out] (row-major) cut into {@link BatchBlocks#of}(batch):
   * block k holds examples [start(k), start(k) + size(k)) (copies). Throws naming x or y when
   * they do not hold whole rows of {@code batch} examples.
   */
  public static List<Block> split(float[] x, float[] y, int batch) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    BatchBlocks blocks = BatchBlocks.of(batch);
    if (x.length % batch != 0 || y.length % batch != 0) {
      throw new IllegalArgumentException("x [" + x.length + "] and y [" + y.length
          + "] must hold whole rows of batch " + batch);
    }
    int in = x.length / batch;
    int out = y.length / batch;
    List<Block> list = new ArrayList<>(blocks.count());
    for (int k = 0; k < blocks.count(); k++) {
      int s = blocks.start(k);
      int n = blocks.size(k);
      list.add(new Block(k, n, Arrays.copyOfRange(x, s * in, (s + n) * in),
          Arrays.copyOfRange(y, s * out, (s + n) * out)));
    }
    return list;
  }
}
