package gradkernel.chain;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parameter-gradient buffer of a {@link Chain}: one float[] holding each layer's block at
 * {@link Chain#parameterOffset(int)} in the layer's documented layout (Dense: dW [out, in], db).
 * Reusable across backward passes, which overwrite it.
 */
public final class Gradients {
  private final Chain chain;
  private final float[] data;

  /** A zeroed buffer for chain's parameters. */
  public Gradients(Chain chain) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.data = new float[chain.parameterCount()];
  }

  /** The chain these gradients belong to. */
  public Chain chain() {
    return chain;
  }

  /** The raw buffer (length chain.parameterCount()). */
  public float[] data() {
    return data;
  }

  /** Layer l's whole gradient block. */
  public Vec block(int l) {
    int off = chain.parameterOffset(l);
    return new Vec(data, off, chain.parameterOffset(l + 1) - off);
  }

  /** dW [out, in] of Dense layer l. */
  public Matrix weight(int l) {
    Dense d = dense(l);
    return new Matrix(data, chain.parameterOffset(l), d.outputSize(), d.inputSize(),
        d.inputSize());
  }

  /** db [out] of Dense layer l. */
  public Vec bias(int l) {
    Dense d = dense(l);
    return new Vec(data, chain.parameterOffset(l) + d.outputSize() * d.inputSize(),
        d.outputSize());
  }

  /** Sets every gradient to zero. */
  public void zero() {
    Arrays.fill(data, 0f);
  }

  private Dense dense(int l) {
    if (chain.layer(l) instanceof Dense d) {
      return d;
    }
    throw new IllegalArgumentException("layer " + l + " is " + chain.layer(l).describe()
        + ", not Dense; use block(" + l + ")");
  }
}
