package gradkernel.probe;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor read from a weight file: row-major (C order) float32 data of the given shape.
 * {@code sourceDtype} says what the file stored ("float32" or "float64"; float64 is rounded to
 * nearest float32 on reading).
 */
public record Tensor(String name, int[] shape, float[] data, String sourceDtype) {

  /** Checks that the element count of {@code shape} equals {@code data.length}. */
  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    if (elementCount(name, shape) != data.length) {
      throw new IllegalArgumentException("tensor '" + name + "': shape " + shapeString(shape)
          + " needs " + elementCount(name, shape) + " elements, got " + data.length);
    }
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Shape as "[a, b]", for messages. */
  public String shapeString() {
    return shapeString(shape);
  }

  /** The shape (a copy). */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Shape as "[a, b]". */
  static String shapeString(int[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Product of the dimensions, rejecting negative ones, any dimension above Integer.MAX_VALUE
   * (even in an empty shape such as (2³², 0), which would otherwise wrap) and counts a Java array
   * cannot hold.
   */
  static long elementCount(String what, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
      }
      if (d > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(what + ": dimension " + d + " in shape " + Arrays.toString(shape)
            + " is above " + Integer.MAX_VALUE + " (2³¹ − 1), the largest this reader handles");
      }
      n = d == 0 ? 0 : n > Integer.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape)
          + " has more elements than a Java array holds");
    }
    return n;
  }

  private static long elementCount(String what, int[] shape) {
    return elementCount(what, Arrays.stream(shape).asLongStream().toArray());
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + shapeString() + " " + sourceDtype + "]";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
