package gradkernel.kernel;

import java.util.Arrays;

/**
 * Scalar twin of {@link BatchNormKernels}: plain row-major loops doing, per element, exactly the
 * operations the interface spells out (the Vector API implementation uses the column-range
 * helpers here for the columns past its last full vector).
 */
final class ScalarBatchNormKernels implements BatchNormKernels {
  static final ScalarBatchNormKernels INSTANCE = new ScalarBatchNormKernels();

  private ScalarBatchNormKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void shiftedSums(int b, int n, float[] x, int xOff, double[] q, int qOff) {
    Arrays.fill(q, qOff, qOff + 2 * n, 0.0);
    shiftedSums(b, n, 0, n, x, xOff, q, qOff);
  }

  /** {@link #shiftedSums} for the columns [j0, j1), adding to q (zeroed by the caller). */
  static void shiftedSums(int b, int n, int j0, int j1, float[] x, int xOff, double[] q,
      int qOff) {
    for (int r = 1; r < b; r++) {
      int row = xOff + r * n;
      for (int j = j0; j < j1; j++) {
        double d = (double) x[row + j] - x[xOff + j];
        q[qOff + j] += d;
        q[qOff + n + j] = Math.fma(d, d, q[qOff + n + j]);
      }
    }
  }

  /** x̂ of element x for the μ, inv slots of q at column j (the same bits in every pass). */
  static float xhat(float x, double[] q, int qOff, int n, int j) {
    return (float) (((double) x - q[qOff + j]) * q[qOff + n + j]);
  }

  @Override
  public void normalize(int b, int n, float[] x, int xOff, double[] q, int qOff, float[] p,
      int pOff, float[] y, int yOff) {
    normalize(b, n, 0, n, x, xOff, q, qOff, p, pOff, y, yOff);
  }

  /** {@link #normalize} for the columns [j0, j1). */
  static void normalize(int b, int n, int j0, int j1, float[] x, int xOff, double[] q, int qOff,
      float[] p, int pOff, float[] y, int yOff) {
    for (int r = 0; r < b; r++) {
      for (int j = j0; j < j1; j++) {
        float xh = xhat(x[xOff + r * n + j], q, qOff, n, j);
        y[yOff + r * n + j] = Math.fma(p[pOff + j], xh, p[pOff + n + j]);
      }
    }
  }

  @Override
  public void gradSums(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q,
      int qOff) {
    Arrays.fill(q, qOff + 2 * n, qOff + 4 * n, 0.0);
    gradSums(b, n, 0, n, dy, dyOff, x, xOff, q, qOff);
  }

  /** {@link #gradSums} for the columns [j0, j1), adding to A and B (zeroed by the caller). */
  static void gradSums(int b, int n, int j0, int j1, float[] dy, int dyOff, float[] x, int xOff,
      double[] q, int qOff) {
    for (int r = 0; r < b; r++) {
      for (int j = j0; j < j1; j++) {
        double u = dy[dyOff + r * n + j];
        double xh = xhat(x[xOff + r * n + j], q, qOff, n, j);
        q[qOff + 2 * n + j] += u;
        q[qOff + 3 * n + j] = Math.fma(u, xh, q[qOff + 3 * n + j]);
      }
    }
  }

  @Override
  public void inputGradient(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q,
      int qOff, float[] dx, int dxOff) {
    inputGradient(b, n, 0, n, dy, dyOff, x, xOff, q, qOff, dx, dxOff);
  }

  /** {@link #inputGradient} for the columns [j0, j1). */
  static void inputGradient(int b, int n, int j0, int j1, float[] dy, int dyOff, float[] x,
      int xOff, double[] q, int qOff, float[] dx, int dxOff) {
    for (int r = 0; r < b; r++) {
      for (int j = j0; j < j1; j++) {
        int e = r * n + j;
        double xh = xhat(x[xOff + e], q, qOff, n, j);
        double t = Math.fma(xh, q[qOff + 3 * n + j], q[qOff + 4 * n + j] * dy[dyOff + e]
            - q[qOff + 2 * n + j]);
        dx[dxOff + e] = (float) (t * q[qOff + n + j]);
      }
    }
  }
}
