package gradkernel.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named array as weight files store it: row-major (C order) float32 data of a shape, and the
 * dtype the file stored ({@code "float32"}, or {@code "float64"} rounded to nearest float32 on
 * reading).
 *
 * <p>A final class, not a record: it holds a (possibly large, shared) {@code float[]}, and a
 * record's component-wise equality would mean either identity or an O(n) comparison; equality is
 * object identity.
 *
 * <p>{@code gradkernel.probe.Tensor} is the probe's view of this class (it wraps one, data shared).
 */
public final class NamedArray {
  private final String name;
  private final int[] shape;
  private final float[] data;
  private final String sourceDtype;

  /**
   * An array of {@code shape} over {@code data} (kept, not copied; the shape is copied).
   *
   * @throws IllegalArgumentException if a dimension is negative or the element count of
   *     {@code shape} is not {@code data.length}
   */
  public NamedArray(String name, int[] shape, float[] data, String sourceDtype) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(sourceDtype, "sourceDtype");
    shape = shape.clone();
    long n = elementCount("array '" + name + "'", Arrays.stream(shape).asLongStream().toArray());
    if (n != data.length) {
      throw new IllegalArgumentException("array '" + name + "': shape " + Arrays.toString(shape)
          + " needs " + n + " elements, got " + data.length);
    }
    this.name = name;
    this.shape = shape;
    this.data = data;
    this.sourceDtype = sourceDtype;
  }

  /** A float32 array (what the writers store). */
  public static NamedArray of(String name, int[] shape, float[] data) {
    return new NamedArray(name, shape, data, "float32");
  }

  /** The name in its file (e.g. {@code "0.weight"}, {@code "optim.exp_avg.0.weight"}). */
  public String name() {
    return name;
  }

  /** The row-major float32 data (the backing array, not a copy); length = product of the shape. */
  public float[] data() {
    return data;
  }

  /** What the file stored: {@code "float32"} or {@code "float64"}. */
  public String sourceDtype() {
    return sourceDtype;
  }

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /**
   * Product of the dimensions, rejecting negative ones, any dimension above Integer.MAX_VALUE
   * (even in an empty shape such as (2³², 0), which would otherwise wrap) and counts a Java array
   * cannot hold; {@code what} starts the message.
   */
  public static long elementCount(String what, long[] shape) {
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

  @Override
  public String toString() {
    return "NamedArray[" + name + " " + Arrays.toString(shape) + " " + sourceDtype + "]";
  }
}
