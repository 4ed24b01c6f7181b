package gradkernel.chain;

import gradkernel.tensor.Checks;
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
  private final int offset;

  /** A zeroed buffer for chain's parameters. */
  public Gradients(Chain chain) {
    this(chain, new float[Objects.requireNonNull(chain, "chain").parameterCount()], 0);
  }

  private Gradients(Chain chain, float[] data, int offset) {
    this.chain = chain;
    this.data = data;
    this.offset = offset;
  }

  /**
   * Gradients written into the caller's array at [offset, offset + chain.parameterCount()), e.g.
   * one slice of a flat optimizer buffer.
   */
  public static Gradients wrap(Chain chain, float[] data, int offset) {
    Objects.requireNonNull(chain, "chain");
    Checks.range("data", data, offset, chain.parameterCount());
    return new Gradients(chain, data, offset);
  }

  /** The chain these gradients belong to. */
  public Chain chain() {
    return chain;
  }

  /** The raw buffer; this chain's gradients start at {@link #offset()}. */
  public float[] data() {
    return data;
  }

  /** Where the chain's gradients start in {@link #data()}. */
  public int offset() {
    return offset;
  }

  /** Layer l's whole gradient block. */
  public Vec block(int l) {
    int off = offset + chain.parameterOffset(l);
    return new Vec(data, off, chain.parameterOffset(l + 1) - chain.parameterOffset(l));
  }

  /** dW [out, in] of Dense layer l. */
  public Matrix weight(int l) {
    Dense d = dense(l);
    return new Matrix(data, offset + chain.parameterOffset(l), d.outputSize(), d.inputSize(),
        d.inputSize());
  }

  /** db [out] of Dense layer l. */
  public Vec bias(int l) {
    Dense d = dense(l);
    return new Vec(data, offset + chain.parameterOffset(l) + d.outputSize() * d.inputSize(),
        d.outputSize());
  }

  /** The gradient of one of {@link Chain#parameters()} (a chain-wide parameter), flat. */
  public Vec of(Parameter p) {
    Objects.requireNonNull(p, "p");
    if (p.offset() + (long) p.size() > chain.parameterCount()) {
      throw new IllegalArgumentException("p: " + p + " lies outside this chain's "
          + chain.parameterCount() + " parameters");
    }
    return new Vec(data, offset + p.offset(), p.size());
  }

  /** The gradient of the chain parameter named {@code name} (e.g. {@code "0.weight"}), flat. */
  public Vec of(String name) {
    Objects.requireNonNull(name, "name");
    for (Parameter p : chain.parameters()) {
      if (p.name().equals(name)) {
        return of(p);
      }
    }
    throw new IllegalArgumentException("name: no parameter '" + name + "' in " + chain
        + "; names are " + chain.parameters().stream().map(Parameter::name).toList());
  }

  /** Sets every gradient to zero. */
  public void zero() {
    Arrays.fill(data, offset, offset + chain.parameterCount(), 0f);
  }

  private Dense dense(int l) {
    if (chain.layer(l) instanceof Dense d) {
      return d;
    }
    throw new IllegalArgumentException("layer " + l + " is " + chain.layer(l).describe()
        + ", not Dense; use block(" + l + ")");
  }
}
