package gradkernel.probe;

import gradkernel.io.NamedArray;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor read from a weight file: the probe's name for a {@link NamedArray} (row-major
 * float32 data of a shape, and the dtype the file stored), which it wraps without copying. The
 * shape check and the fields live in {@code NamedArray}; this class adds what the probe's messages
 * need ({@link #shapeString()}).
 *
 * <p>A final class, not a record: it holds a (possibly large, shared) {@code float[]}, and a
 * record's contract asks for component-wise equality, which for arrays would mean either identity
 * (breaking the contract) or an O(n) comparison nobody needs. Equality is therefore object
 * identity, as for any plain class.
 */
public final class Tensor {
  private final NamedArray array;

  /** The probe's view of {@code array} (data shared, not copied). */
  Tensor(NamedArray array) {
    this.array = Objects.requireNonNull(array, "array");
  }

  /**
   * A tensor of {@code shape} over {@code data} (kept, not copied); the shape is copied.
   *
   * @throws IllegalArgumentException if the element count of {@code shape} is not
   *     {@code data.length}
   */
  public Tensor(String name, int[] shape, float[] data, String sourceDtype) {
    this(new NamedArray(name, shape, data, sourceDtype));
  }

  /** The tensor's name in its file (e.g. "0.weight", "weight_ih_l0"). */
  public String name() {
    return array.name();
  }

  /** The row-major float32 data (the backing array, not a copy), length = product of shape. */
  public float[] data() {
    return array.data();
  }

  /** What the file stored: "float32" or "float64". */
  public String sourceDtype() {
    return array.sourceDtype();
  }

  /** Number of dimensions. */
  public int rank() {
    return array.rank();
  }

  /** Shape as "[a, b]", for messages. */
  public String shapeString() {
    return Arrays.toString(array.shape());
  }

  /** The shape (a copy). */
  public int[] shape() {
    return array.shape();
  }

  @Override
  public String toString() {
    return "Tensor[" + name() + " " + shapeString() + " " + sourceDtype() + "]";
  }
}
