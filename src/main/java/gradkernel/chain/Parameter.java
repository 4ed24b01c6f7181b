package gradkernel.chain;

import java.util.List;
import java.util.Objects;

/**
 * One named parameter tensor inside a layer's (or a chain's) parameter block: its name, where it
 * starts in the block (in floats), its shape (row-major, e.g. {@code [out, in]} for a weight,
 * {@code [out]} for a bias) and whether weight decay applies. The same layout serves the parameter
 * values ({@link Chain#copyParametersTo}, {@link Chain#withParameters}) and their gradients
 * ({@link Gradients}), so one flat pass covers values, gradients and optimizer state alike.
 *
 * @param name    PyTorch-style name: local to the layer ({@code "weight"}), or {@code "3.weight"}
 *                from {@link Chain#parameters()}
 * @param offset  first float of the tensor within the block
 * @param shape   dimensions, row-major; product = {@link #size()}
 * @param decay   whether penalties and weight decay apply
 */
public record Parameter(String name, int offset, List<Integer> shape, Decay decay) {

  /** Validates and freezes the shape. */
  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(decay, "decay");
    shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + name);
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + shape + " of " + name + " has a negative dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + shape + " of " + name + " exceeds 2^31-1 floats");
    }
  }

  /** A matrix parameter {@code [rows, cols]}. */
  public static Parameter matrix(String name, int offset, int rows, int cols, Decay decay) {
    return new Parameter(name, offset, List.of(rows, cols), decay);
  }

  /** A vector parameter {@code [length]}. */
  public static Parameter vector(String name, int offset, int length, Decay decay) {
    return new Parameter(name, offset, List.of(length), decay);
  }

  /** Number of floats: the product of the shape. */
  public int size() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * The parameter named {@code name} among {@code ps}; IllegalArgumentException naming
   * {@code owner} and the available names if there is none.
   */
  static Parameter named(List<Parameter> ps, String name, Object owner) {
    Objects.requireNonNull(name, "name");
    for (Parameter p : ps) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("name: no parameter '" + name + "' in " + owner
        + "; names are " + ps.stream().map(Parameter::name).toList());
  }

  /** The same tensor renamed {@code prefix + name} and moved by {@code shift} floats. */
  public Parameter within(String prefix, int shift) {
    return new Parameter(prefix + name, Math.addExact(offset, shift), shape, decay);
  }
}
