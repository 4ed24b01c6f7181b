package gradkernel.tensor;

/**
 * A row-major float32 matrix view: element (i, j) is {@code data[offset + i * ld + j]}. Weights
 * of a layer mapping R^in → R^out are stored {@code [out, in]} (PyTorch's layout), so
 * {@code rows = out, cols = in}. No copy is made.
 *
 * <p>Equality is the record's: two views are equal when they view the <em>same array object</em>
 * (compared by reference, as arrays are) with the same offset, shape and leading dimension, i.e.
 * the same storage window. Element values are never compared (they change through any view).
 */
public record Matrix(float[] data, int offset, int rows, int cols, int ld) {

  /** Validates shape and bounds once. */
  public Matrix {
    Checks.matrix("data", data, offset, rows, cols, ld);
  }

  /** A dense rows×cols view of the whole array (ld = cols); the array length must match. */
  public static Matrix of(float[] data, int rows, int cols) {
    java.util.Objects.requireNonNull(data, "data");
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException("data: length " + data.length + " does not match shape "
          + rows + "x" + cols);
    }
    return new Matrix(data, 0, rows, cols, Math.max(1, cols));
  }

  /** A fresh zero rows×cols matrix. */
  public static Matrix zeros(int rows, int cols) {
    Checks.nonNegative("rows", rows);
    Checks.nonNegative("cols", cols);
    return of(new float[Math.multiplyExact(rows, cols)], rows, cols);
  }

  /** Element (i, j), bounds-checked. */
  public float get(int i, int j) {
    return data[index(i, j)];
  }

  /** Sets element (i, j), bounds-checked. */
  public void set(int i, int j, float v) {
    data[index(i, j)] = v;
  }

  /** Row i as a vector view. */
  public Vec row(int i) {
    java.util.Objects.checkIndex(i, rows);
    return new Vec(data, offset + i * ld, cols);
  }

  /** The sub-matrix of r×c elements starting at (i, j), sharing storage. */
  public Matrix view(int i, int j, int r, int c) {
    java.util.Objects.checkFromIndexSize(i, r, rows);
    java.util.Objects.checkFromIndexSize(j, c, cols);
    return new Matrix(data, offset + i * ld + j, r, c, ld);
  }

  /** "rows x cols", for messages. */
  public String shape() {
    return rows + "x" + cols;
  }

  /** A dense copy (ld = cols). */
  public Matrix copy() {
    Matrix m = zeros(rows, cols);
    for (int i = 0; i < rows; i++) {
      System.arraycopy(data, offset + i * ld, m.data, i * cols, cols);
    }
    return m;
  }

  private int index(int i, int j) {
    java.util.Objects.checkIndex(i, rows);
    java.util.Objects.checkIndex(j, cols);
    return offset + i * ld + j;
  }

  @Override
  public String toString() {
    return "Matrix[" + shape() + ", ld=" + ld + "]";
  }
}
