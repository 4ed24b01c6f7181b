package gradkernel.probe;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor read from a weight file: row-major (C order) float32 data of the given shape.
 * {@code sourceDtype} says what the file stored ("float32" or "float64"; float64 is rounded to
 * nearest float32 on reading).
 *
 * <p>A final class, not a record: it holds a (possibly large, shared) {@code float[]}, and a
 * record's contract asks for component-wise equality, which for arrays would mean either identity
 * (breaking the contract) or an O(n) comparison nobody needs. Equality is therefore object
 * identity, as for any plain class.
 */
public final class Tensor {
  private final String name;
  private final int[] shape;
  private final float[] data;
  private final String sourceDtype;

  /**
   * A tensor of {@code shape} over {@code data} (kept, not copied); the shape is copied.
   *
   * @throws IllegalArgumentException if the element count of {@code shape} is not
   *     {@code data.length}
   */
  public Tensor(String name, int[] shape, float[] data, String sourceDtype) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    shape = shape.clone();
    if (elementCount(name, shape) != data.length) {
      throw new IllegalArgumentException("tensor '" + name + "': shape " + shapeString(shape)
          + " needs " + elementCount(name, shape) + " elements, got " + data.length);
    }
    this.name = name;
    this.shape = shape;
    this.data = data;
    this.sourceDtype = sourceDtype;
  }

  /** The tensor's name in its file (e.g. "0.weight", "weight_ih_l0"). */
  public String name() {
    return name;
  }

  /** The row-major float32 data (the backing array, not a copy), length = product of shape. */
  public float[] data() {
    return data;
  }

  /** What the file stored: "float32" or "float64". */
  public String sourceDtype() {
    return sourceDtype;
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
  public int[] shape() {
    return shape.clone();
  }

  /** Shape as "[a, b]". */
  static String shapeString(int[] shape) {
    return Arrays.toString(shape);
  }

  /** Product of the dimensions, checked as {@link gradkernel.io.NamedArray#elementCount}. */
  static long elementCount(String what, long[] shape) {
    return gradkernel.io.NamedArray.elementCount(what, shape);
  }

  private static long elementCount(String what, int[] shape) {
    return elementCount(what, Arrays.stream(shape).asLongStream().toArray());
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + shapeString() + " " + sourceDtype + "]";
  }
}
