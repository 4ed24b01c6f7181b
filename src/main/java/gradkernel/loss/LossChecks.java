package gradkernel.loss;

import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Argument checks shared by the losses; every message names the argument and the shapes. Bounds
 * need no check here: a {@link Matrix} view validated its own at construction.
 */
final class LossChecks {
  private LossChecks() {}

  /**
   * The checks every loss makes before it writes: {@code input} (named {@code inputName}) is
   * non-null; {@code target} (null for class-index targets) and {@code grad} (null: value only)
   * have its shape; grad is the input view itself or disjoint from it, and disjoint from target.
   */
  static void views(String inputName, Matrix input, Matrix target, Matrix grad) {
    Objects.requireNonNull(input, inputName);
    if (target != null) {
      sameShape("target", target, inputName, input);
    }
    if (grad != null) {
      sameShape("grad", grad, inputName, input);
      gradient(grad, inputName, input, target);
    }
  }

  /** Throws unless {@code m} has the same shape as {@code input}. */
  private static void sameShape(String arg, Matrix m, String inputName, Matrix input) {
    if (m.rows() != input.rows() || m.cols() != input.cols()) {
      throw new IllegalArgumentException(arg + ": shape [" + m.rows() + ", " + m.cols()
          + "] does not match " + inputName + " [" + input.rows() + ", " + input.cols() + "]");
    }
  }

  /**
   * The gradient view is either identical to the input view (same array, offset and leading
   * dimension) or disjoint from it, and disjoint from the target ({@code t} may be null).
   */
  private static void gradient(Matrix g, String inputName, Matrix x, Matrix t) {
    int rows = g.rows();
    int cols = g.cols();
    if (overlaps(g, x) && (g.offset() != x.offset() || g.ld() != x.ld())) {
      throw new IllegalArgumentException("grad: [" + rows + ", " + cols + "] at offset "
          + g.offset() + " (ld " + g.ld() + ") partially overlaps the " + inputName
          + " at offset " + x.offset() + " (ld " + x.ld() + "); it may alias the " + inputName
          + " only exactly");
    }
    if (t != null && overlaps(g, t)) {
      throw new IllegalArgumentException("grad: [" + rows + ", " + cols + "] at offset "
          + g.offset() + " overlaps the target at offset " + t.offset());
    }
  }

  /** Whether two same-shape views share an array and their storage spans intersect. */
  private static boolean overlaps(Matrix a, Matrix b) {
    int rows = a.rows();
    int cols = a.cols();
    if (a.data() != b.data() || rows == 0 || cols == 0) {
      return false;
    }
    long aEnd = a.offset() + (long) (rows - 1) * a.ld() + cols;
    long bEnd = b.offset() + (long) (rows - 1) * b.ld() + cols;
    return a.offset() < bEnd && b.offset() < aEnd;
  }

  /** Throws unless every element of the view is finite, naming the first bad one. */
  static void finite(String arg, Matrix m) {
    float[] a = m.data();
    int rows = m.rows();
    int cols = m.cols();
    for (int r = 0; r < rows; r++) {
      int base = m.offset() + r * m.ld();
      for (int c = 0; c < cols; c++) {
        if (!Float.isFinite(a[base + c])) {
          throw new IllegalArgumentException(arg + ": element [" + r + ", " + c + "] of ["
              + rows + ", " + cols + "] is " + a[base + c] + "; targets must be finite");
        }
      }
    }
  }
}
