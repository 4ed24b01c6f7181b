package gradkernel.clip;

import gradkernel.kernel.Kernels;
import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Unit-wise adaptive gradient clipping (AGC) of one [out, in] row-major layer. A finiteness pass
 * reads both matrices first, so nothing (not even the row-norm output) is written before a throw;
 * grad must not share storage with weight.
 */
final class Adaptive {
  private Adaptive() {}

  static int clip(double clipping, double eps, Matrix w, Matrix g, double[] gradRowNorms) {
    Clip.checkLimit("clipping", clipping);
    Clip.checkLimit("eps", eps);
    Objects.requireNonNull(w, "weight");
    Objects.requireNonNull(g, "grad");
    Objects.requireNonNull(gradRowNorms, "gradRowNormsOut");
    if (w.rows() != g.rows() || w.cols() != g.cols()) {
      throw new IllegalArgumentException("weight " + w.shape() + " and grad " + g.shape()
          + " must have the same [out, in] shape");
    }
    int rows = g.rows();
    int cols = g.cols();
    if (gradRowNorms.length < rows) {
      throw new IllegalArgumentException("gradRowNormsOut: length " + gradRowNorms.length
          + " < " + rows + " rows of grad " + g.shape());
    }
    Checks.noOverlap("grad", g, "weight", w);
    // Pass 1 reads only, so a non-finite value anywhere throws with every buffer (gradRowNorms
    // included) untouched.
    for (int i = 0; i < rows; i++) {
      requireFiniteRow("gradient", g, i);
      requireFiniteRow("weight", w, i);
    }
    Kernels k = Kernels.active();
    int clipped = 0;
    for (int i = 0; i < rows; i++) {
      gradRowNorms[i] = Math.sqrt(k.sumOfSquares(cols, g.data(), g.offset() + i * g.ld()));
      if (gradRowNorms[i] <= clipping * eps) {
        continue; // within the limit whatever ‖w_i‖ is: skip reading the weight row again
      }
      double wNorm = k.nrm2(cols, w.data(), w.offset() + i * w.ld());
      double limit = clipping * Math.max(wNorm, eps);
      if (gradRowNorms[i] > limit) {
        Scaling.apply(Scaling.coefficient(gradRowNorms[i], limit), g.data(),
            g.offset() + i * g.ld(), cols);
        clipped++;
      }
    }
    return clipped;
  }

  /** Throws NonFiniteException (tensor = row, element = column) if row i holds NaN or ±∞. */
  private static void requireFiniteRow(String what, Matrix m, int i) {
    int off = m.offset() + i * m.ld();
    int j = Kernels.active().indexOfNonFinite(m.cols(), m.data(), off);
    if (j >= 0) {
      throw new NonFiniteException(what + " " + m.shape() + " (tensor index = row)", i, j,
          m.data()[off + j]);
    }
  }
}
