package gradkernel.kernel;

/**
 * Scalar twin of {@link SoftmaxKernels}: the same float exp ({@link ScalarActivationKernels#expNeg})
 * and the same fixed summation order as the Vector API lanes, hence the same bits.
 */
final class ScalarSoftmaxKernels implements SoftmaxKernels {
  static final ScalarSoftmaxKernels INSTANCE = new ScalarSoftmaxKernels();

  private ScalarSoftmaxKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = x[off];
    for (int c = 1; c < n; c++) {
      m = Math.max(m, x[off + c]);
    }
    return m;
  }

  @Override
  public double expSum(float[] x, int xOff, int n, float m, float[] dst, int dOff) {
    int blocks = n / BLOCK;
    double s = 0;
    if (blocks > 0) {
      s = tree(x, xOff, blocks, m, dst, dOff);
    }
    return tail(blocks * BLOCK, n, x, xOff, m, dst, dOff, s);
  }

  /** (B_0 + B_1) + (B_2 + B_3) with B_q = (A_q + A_{4+q}) + (A_{8+q} + A_{12+q}). */
  private static double tree(float[] x, int xOff, int blocks, float m, float[] dst, int dOff) {
    double b0 = lane(x, xOff, blocks, m, dst, dOff, 0);
    double b1 = lane(x, xOff, blocks, m, dst, dOff, 1);
    double b2 = lane(x, xOff, blocks, m, dst, dOff, 2);
    double b3 = lane(x, xOff, blocks, m, dst, dOff, 3);
    return (b0 + b1) + (b2 + b3);
  }

  /** B_q = (A_q + A_{4+q}) + (A_{8+q} + A_{12+q}). */
  private static double lane(float[] x, int xOff, int blocks, float m, float[] dst, int dOff,
      int q) {
    double a0 = column(x, xOff, blocks, m, dst, dOff, q);
    double a1 = column(x, xOff, blocks, m, dst, dOff, 4 + q);
    double a2 = column(x, xOff, blocks, m, dst, dOff, 8 + q);
    double a3 = column(x, xOff, blocks, m, dst, dOff, 12 + q);
    return (a0 + a1) + (a2 + a3);
  }

  /** A_j: Σ over blocks b (in order) of exp(x[16b + j] − m), storing each exp. */
  private static double column(float[] x, int xOff, int blocks, float m, float[] dst, int dOff,
      int j) {
    double a = 0;
    for (int b = 0, c = j; b < blocks; b++, c += BLOCK) {
      float e = ScalarActivationKernels.expNeg(x[xOff + c] - m);
      if (dst != null) {
        dst[dOff + c] = e;
      }
      a += e;
    }
    return a;
  }

  /** s + the exps of elements [from, n) added one by one in column order (shared tail). */
  static double tail(int from, int n, float[] x, int xOff, float m, float[] dst, int dOff,
      double s) {
    for (int c = from; c < n; c++) {
      float e = ScalarActivationKernels.expNeg(x[xOff + c] - m);
      if (dst != null) {
        dst[dOff + c] = e;
      }
      s += e;
    }
    return s;
  }

  @Override
  public void affine(float[] g, int off, int n, float a, float b) {
    affine(0, n, g, off, a, b);
  }

  /** The affine rescale over [from, n) (shared tail). */
  static void affine(int from, int n, float[] g, int off, float a, float b) {
    for (int c = from; c < n; c++) {
      g[off + c] = Math.fma(g[off + c], a, b);
    }
  }
}
