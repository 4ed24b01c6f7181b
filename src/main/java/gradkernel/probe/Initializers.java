package gradkernel.probe;

import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;

/** Interim weight initializers for the probe until gradkernel.init lands on main. */
final class Initializers {
  private Initializers() {}

  /** A seeded [out, in] weight drawn by the named scheme, scaled by gain. */
  static Matrix weight(String init, double gain, int out, int in, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Matrix m = Matrix.zeros(out, in);
    float[] a = m.data();
    switch (init) {
      case "xavier" -> gaussian(a, r, gain * Math.sqrt(2.0 / (in + out)));
      case "xavier-uniform" -> uniform(a, r, gain * Math.sqrt(6.0 / (in + out)));
      case "he" -> gaussian(a, r, gain * Math.sqrt(2.0 / in));
      case "he-uniform" -> uniform(a, r, gain * Math.sqrt(6.0 / in));
      case "lecun" -> gaussian(a, r, gain * Math.sqrt(1.0 / in));
      case "orthogonal" -> orthogonal(m, r, gain);
      default -> throw new IllegalArgumentException("init: unknown initializer '" + init + "'");
    }
    return m;
  }

  private static void gaussian(float[] a, SplittableRandom r, double std) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (std * r.nextGaussian());
    }
  }

  private static void uniform(float[] a, SplittableRandom r, double bound) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (bound * (2 * r.nextDouble() - 1));
    }
  }

  /** Modified Gram–Schmidt on Gaussian rows (columns when out > in), in double. */
  private static void orthogonal(Matrix m, SplittableRandom r, double gain) {
    boolean tall = m.rows() > m.cols();
    int k = tall ? m.cols() : m.rows();
    int n = tall ? m.rows() : m.cols();
    double[][] q = new double[k][n];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        q[i][j] = r.nextGaussian();
      }
      for (int p = 0; p < i; p++) {
        double d = 0;
        for (int j = 0; j < n; j++) {
          d += q[i][j] * q[p][j];
        }
        for (int j = 0; j < n; j++) {
          q[i][j] -= d * q[p][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < n; j++) {
        norm += q[i][j] * q[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < n; j++) {
        q[i][j] /= norm;
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < n; j++) {
        if (tall) {
          m.set(j, i, (float) (gain * q[i][j]));
        } else {
          m.set(i, j, (float) (gain * q[i][j]));
        }
      }
    }
  }
}
