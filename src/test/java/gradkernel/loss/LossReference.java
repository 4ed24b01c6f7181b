package gradkernel.loss;

import gradkernel.tensor.Matrix;

/**
 * Double-precision reference losses written from the PyTorch definitions, independent of the
 * kernels (plain Math.exp/log, log-softmax as z − logsumexp). Each returns the reduced value;
 * {@link #grad} differentiates any of them by central differences.
 */
final class LossReference {
  private LossReference() {}

  interface Fn {
    double value(double[] x);
  }

  /** A dense {@code [rows, cols]} view of {@code a} at {@code off} (ld = max(1, cols)), or null. */
  static Matrix m(float[] a, int off, int rows, int cols) {
    return a == null ? null : new Matrix(a, off, rows, cols, Math.max(1, cols));
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  static double mse(double[] x, float[] y, boolean mean) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return mean ? s / x.length : s;
  }

  static double huber(double[] x, float[] y, double delta, boolean mean) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = Math.abs(x[i] - y[i]);
      s += d < delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
    }
    return mean ? s / x.length : s;
  }

  /** −p·y·log σ(z) − (1 − y)·log(1 − σ(z)) with log σ(z) = −softplus(−z). */
  static double bce(double[] z, float[] y, float[] posWeight, int width, boolean mean) {
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      double p = posWeight == null ? 1 : posWeight[i % width];
      s += p * y[i] * softplus(-z[i]) + (1.0 - y[i]) * softplus(z[i]);
    }
    return mean ? s / z.length : s;
  }

  static double softplus(double v) {
    return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }

  static double[] logSoftmax(double[] z, int row, int classes) {
    double m = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      m = Math.max(m, z[row * classes + c]);
    }
    double s = 0;
    for (int c = 0; c < classes; c++) {
      s += Math.exp(z[row * classes + c] - m);
    }
    double lse = m + Math.log(s);
    double[] out = new double[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = z[row * classes + c] - lse;
    }
    return out;
  }

  /** PyTorch: (1 − ε)·nll + ε/C·Σ_c(−log p_c), mean over non-ignored rows (ignore < 0: none). */
  static double ceIndex(double[] z, int classes, int[] y, double eps, Integer ignore,
      boolean mean) {
    int rows = y.length;
    double nll = 0;
    double smooth = 0;
    int count = 0;
    for (int r = 0; r < rows; r++) {
      if (ignore != null && y[r] == ignore) {
        continue;
      }
      double[] lp = logSoftmax(z, r, classes);
      nll -= lp[y[r]];
      for (double v : lp) {
        smooth -= v;
      }
      count++;
    }
    double d = mean ? count : 1;
    return (1 - eps) * nll / d + smooth / d * (eps / classes);
  }

  /** PyTorch: target' = t·(1 − ε) + ε/C; −Σ target'·log_softmax, mean over the batch. */
  static double ceProb(double[] z, int classes, float[] t, double eps, boolean mean) {
    int rows = z.length / classes;
    double s = 0;
    for (int r = 0; r < rows; r++) {
      double[] lp = logSoftmax(z, r, classes);
      for (int c = 0; c < classes; c++) {
        s -= (t[r * classes + c] * (1 - eps) + eps / classes) * lp[c];
      }
    }
    return mean ? s / rows : s;
  }

  /** Central differences with step h·max(1, |x_i|), in double. */
  static double[] grad(Fn f, double[] x, double h) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double step = h * Math.max(1, Math.abs(xi));
      x[i] = xi + step;
      double up = f.value(x);
      x[i] = xi - step;
      double down = f.value(x);
      x[i] = xi;
      g[i] = (up - down) / (2 * step);
    }
    return g;
  }
}
