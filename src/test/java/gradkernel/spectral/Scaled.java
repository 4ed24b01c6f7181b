package gradkernel.spectral;

import gradkernel.tensor.Matrix;

/** Test helper shared by the σ_max stopping-rule tests. */
final class Scaled {
  private Scaled() {}

  /** c·W, each element rounded to float once (c need not be a power of two). */
  static Matrix scaled(Matrix w, double c) {
    Matrix s = Matrix.zeros(w.rows(), w.cols());
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        s.set(i, j, (float) (w.get(i, j) * c));
      }
    }
    return s;
  }
}
