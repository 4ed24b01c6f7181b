package gradkernel.tensor;

/**
 * A float32 vector view: {@code length} contiguous elements of {@code data} starting at
 * {@code offset}. No copy is made; writes through the view change the caller's array.
 *
 * <p>Equality is the record's: two views are equal when they view the <em>same array object</em>
 * (compared by reference, as arrays are) with the same offset and length, i.e. the same storage
 * window. Element values are never compared: they change through any view, and an equality that
 * followed them would break hash-based collections. Compare contents with
 * {@code Arrays.equals(a.toArray(), b.toArray())}.
 */
public record Vec(float[] data, int offset, int length) {

  /** Validates the range once; every kernel call through this view then runs unchecked. */
  public Vec {
    Checks.range("data", data, offset, length);
  }

  /** A view of the whole array. */
  public static Vec of(float[] data) {
    return new Vec(data, 0, data.length);
  }

  /** A fresh zero vector of length n. */
  public static Vec zeros(int n) {
    return new Vec(new float[Checks.nonNegative("n", n)], 0, n);
  }

  /** Element i (bounds-checked). */
  public float get(int i) {
    return data[offset + java.util.Objects.checkIndex(i, length)];
  }

  /** Sets element i (bounds-checked). */
  public void set(int i, float v) {
    data[offset + java.util.Objects.checkIndex(i, length)] = v;
  }

  /** A sub-view of {@code len} elements starting at element {@code from}. */
  public Vec slice(int from, int len) {
    java.util.Objects.checkFromIndexSize(from, len, length);
    return new Vec(data, offset + from, len);
  }

  /** A copy of the viewed elements. */
  public float[] toArray() {
    return java.util.Arrays.copyOfRange(data, offset, offset + length);
  }

  @Override
  public String toString() {
    return "Vec[" + length + "]";
  }
}
