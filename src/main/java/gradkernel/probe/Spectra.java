package gradkernel.probe;

import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;

/** Interim spectral estimates for the probe until gradkernel.spectral lands on main. */
final class Spectra {
  private Spectra() {}

  /** σ_max(W) by power iteration on WᵀW. */
  static double sigmaMax(Matrix w) {
    float[] x = new float[w.cols()];
    java.util.Arrays.fill(x, 1f / (float) Math.sqrt(w.cols()));
    float[] y = new float[w.rows()];
    double s = 0;
    for (int it = 0; it < 300; it++) {
      Blas.gemv(1f, w, Vec.of(x), 0f, Vec.of(y));
      Blas.gemvT(1f, w, Vec.of(y), 0f, Vec.of(x));
      double n = Blas.nrm2(Vec.of(x));
      if (n == 0) {
        return 0;
      }
      Blas.scal((float) (1 / n), Vec.of(x));
      double prev = s;
      s = Math.sqrt(n);
      if (Math.abs(s - prev) <= 1e-6 * s) {
        break;
      }
    }
    return s;
  }

  /** σ_min of a square W: not available in the interim engine. */
  static double sigmaMin(Matrix w) {
    return Double.NaN;
  }

  /** ρ(W): not available in the interim engine. */
  static double spectralRadius(Matrix w) {
    return Double.NaN;
  }
}
