package gradkernel.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * A fixed block of training examples: inputs x [examples, in] and targets y [examples, out],
 * row-major. Blocks, not workers, fix the order of the gradient reduction: block {@code index}
 * is added in index order wherever it was computed.
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
}
