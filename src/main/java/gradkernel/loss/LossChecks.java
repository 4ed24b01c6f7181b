package gradkernel.loss;

import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;

/** Argument checks shared by the losses; every message names the argument and the shapes. */
final class LossChecks {
  private LossChecks() {}

  /** Throws unless a row-major rows×cols matrix with leading dimension ld fits at off. */
  static void matrix(String arg, float[] a, int off, int rows, int cols, int ld) {
    Checks.nonNegative("batch", rows);
    Checks.matrix(arg, a, off, rows, cols, ld);
  }

  /** Throws unless {@code m} has the same shape as {@code input}. */
  static void sameShape(String arg, Matrix m, Matrix input) {
    java.util.Objects.requireNonNull(m, arg);
    if (m.rows() != input.rows() || m.cols() != input.cols()) {
      throw new IllegalArgumentException(arg + ": shape [" + m.rows() + ", " + m.cols()
          + "] does not match input [" + input.rows() + ", " + input.cols() + "]");
    }
  }

  /**
   * Validates the gradient buffer: in bounds, and either identical to the input view (same
   * array, offset and leading dimension) or disjoint from it; disjoint from the target
   * ({@code target} may be null).
   */
  static void gradient(float[] g, int go, int gld, float[] x, int xo, int xld, float[] t, int to,
      int tld, int rows, int cols) {
    matrix("grad", g, go, rows, cols, gld);
    if (g == x && overlaps(go, gld, xo, xld, rows, cols) && (go != xo || gld != xld)) {
      throw new IllegalArgumentException("grad: [" + rows + ", " + cols + "] at offset " + go
          + " (ld " + gld + ") partially overlaps the input at offset " + xo + " (ld " + xld
          + "); it may alias the input only exactly");
    }
    if (g == t && overlaps(go, gld, to, tld, rows, cols)) {
      throw new IllegalArgumentException("grad: [" + rows + ", " + cols + "] at offset " + go
          + " overlaps the target at offset " + to);
    }
  }

  private static boolean overlaps(int ao, int ald, int bo, int bld, int rows, int cols) {
    if (rows == 0 || cols == 0) {
      return false;
    }
    long aEnd = ao + (long) (rows - 1) * ald + cols;
    long bEnd = bo + (long) (rows - 1) * bld + cols;
    return ao < bEnd && bo < aEnd;
  }

  /** Throws unless every element of the rows×cols view is finite, naming the first bad one. */
  static void finite(String arg, float[] a, int off, int rows, int cols, int ld) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * ld;
      for (int c = 0; c < cols; c++) {
        if (!Float.isFinite(a[base + c])) {
          throw new IllegalArgumentException(arg + ": element [" + r + ", " + c + "] of ["
              + rows + ", " + cols + "] is " + a[base + c] + "; targets must be finite");
        }
      }
    }
  }
}
