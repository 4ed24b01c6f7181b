package gradkernel.chain;

import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parameter-gradient buffer of a {@link Chain}: one float[] holding each layer's block at
 * {@link Chain#parameterOffset(int)} in the layout of the layer's {@link Layer#parameters()}
 * (Dense: dW [out, in], db), read by parameter name with {@link #of(int, String)}.
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

  /**
   * This chain's gradients as one flat view [parameterCount] (exactly its slice of
   * {@link #data()}, also for {@link #wrap}): what to clip or scale.
   */
  public Vec values() {
    return new Vec(data, offset, chain.parameterCount());
  }

  /**
   * The raw buffer, possibly shared (see {@link #wrap}); this chain's gradients start at
   * {@link #offset()}. Use {@link #values()} for exactly this chain's slice.
   */
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

  /**
   * The gradient of layer l's parameter named {@code "weight"}, shaped as the parameter: dW
   * [out, in] of a {@link Dense} layer, dγ [1, n] of a {@link LayerNorm} or {@link BatchNorm}. A
   * layer with other names (a {@link Recurrent}'s {@code weight_hh}, a {@link Residual}'s
   * {@code f.weight}) is read with {@link #matrix(int, String)}; IllegalArgumentException lists the
   * layer's names.
   */
  public Matrix weight(int l) {
    return matrix(l, "weight");
  }

  /** The gradient of layer l's parameter named {@code "bias"} (e.g. db [out] of a Dense), flat. */
  public Vec bias(int l) {
    return of(l, "bias");
  }

  /**
   * The gradient of layer l's parameter {@code name} (its local name in
   * {@link Layer#parameters()}, e.g. {@code "weight_ih"}), flat.
   */
  public Vec of(int l, String name) {
    Parameter p = chain.layer(l).parameter(name);
    return new Vec(data, offset + chain.parameterOffset(l) + p.offset(), p.size());
  }

  /**
   * The gradient of layer l's parameter {@code name} shaped as the parameter: [rows, cols] for a
   * matrix, [1, n] for a vector.
   */
  public Matrix matrix(int l, String name) {
    Parameter p = chain.layer(l).parameter(name);
    int rows = p.shape().size() >= 2 ? p.shape().get(0) : 1;
    int cols = p.size() / Math.max(1, rows);
    return new Matrix(data, offset + chain.parameterOffset(l) + p.offset(), rows, cols,
        Math.max(1, cols));
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
    return of(Parameter.named(chain.parameters(), name, chain));
  }

  /** Sets every gradient to zero. */
  public void zero() {
    Arrays.fill(data, offset, offset + chain.parameterCount(), 0f);
  }
}
