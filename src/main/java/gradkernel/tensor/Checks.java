package gradkernel.tensor;

import java.util.Objects;

/** Argument checks shared by every public entry point; each names the argument and the shapes. */
public final class Checks {
  private Checks() {}

  /** Throws unless {@code [off, off + len)} lies within {@code array}; names {@code arg}. */
  public static float[] range(String arg, float[] array, int off, int len) {
    Objects.requireNonNull(array, arg);
    if (len < 0) {
      throw new IllegalArgumentException(arg + ": negative length " + len);
    }
    if (off < 0 || off > array.length - len) {
      throw new IllegalArgumentException(arg + ": range [" + off + ", " + ((long) off + len)
          + ") outside array of length " + array.length);
    }
    return array;
  }

  /** Throws unless {@code value} ≥ 0. */
  public static int nonNegative(String arg, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(arg + " must be >= 0, got " + value);
    }
    return value;
  }

  /** Throws unless {@code actual == expected}, naming both sides' shapes. */
  public static void sameLength(String what, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          what + ": length mismatch, expected " + expected + " but got " + actual);
    }
  }

  /**
   * Throws unless a row-major rows×cols matrix with leading dimension ld starting at off fits in
   * {@code data}; names {@code arg}.
   */
  public static void matrix(String arg, float[] data, int off, int rows, int cols, int ld) {
    Objects.requireNonNull(data, arg);
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(arg + ": negative shape " + rows + "x" + cols);
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          arg + ": leading dimension " + ld + " < max(1, cols) for shape " + rows + "x" + cols);
    }
    long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (off < 0 || off + needed > data.length) {
      throw new IllegalArgumentException(arg + ": " + rows + "x" + cols + " matrix (ld " + ld
          + ") at offset " + off + " needs " + needed + " elements, array has " + data.length);
    }
  }

  /** Throws unless {@code v} is finite; names {@code arg}. */
  public static double finite(String arg, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(arg + " must be finite, got " + v);
    }
    return v;
  }
}
