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
      s = tree(x, xOff, blocks, m, dst, dOff, 0, 1);
    }
    return tail(blocks * BLOCK, n, x, xOff, m, dst, dOff, s);
  }

  /**
   * The fold-halves tree over the 16 column sums: fold(j, 16) = A_j, fold(j, d) =
   * fold(j, 2d) + fold(j + d, 2d); the sum is fold(0, 1), i.e. C_j = A_j + A_{8+j},
   * D_j = C_j + C_{4+j}, E_j = D_j + D_{2+j}, s = E_0 + E_1.
   */
  private static double tree(float[] x, int xOff, int blocks, float m, float[] dst, int dOff,
      int j, int d) {
    if (d == BLOCK) {
      return column(x, xOff, blocks, m, dst, dOff, j);
    }
    return tree(x, xOff, blocks, m, dst, dOff, j, 2 * d)
        + tree(x, xOff, blocks, m, dst, dOff, j + d, 2 * d);
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
