package gradkernel.loss;

/**
 * Mean squared error, PyTorch's {@code mse_loss}: loss = Σ (x − y)² (× 1/n for MEAN, n = batch ×
 * width); gradient 2(x − y) (× 1/n). The gradient is the only output of this package that can
 * overflow from finite inputs: it is ±∞ when |2(x − y)| (/n for MEAN) exceeds
 * {@link Float#MAX_VALUE}, i.e. |x − y| &gt; 1.7·10³⁸ (× n for MEAN), as in PyTorch; the double
 * value stays finite.
 */
public final class MseLoss extends ElementwiseLoss {

  private MseLoss(Reduction reduction) {
    super(reduction);
  }

  /** MSE with the given reduction. */
  public static MseLoss of(Reduction reduction) {
    return new MseLoss(reduction);
  }

  @Override
  double run(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows, int cols,
      float[] g, int go, int gld, double scale) {
    // The row/column loop of Huber and BCE again, on purpose (monomorphic inner loop): ElementwiseLoss.run.
    double two = 2 * scale;
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int xi = xo + r * xld;
      int yi = yo + r * yld;
      int gi = go + r * gld;
      for (int c = 0; c < cols; c++) {
        double d = (double) x[xi + c] - y[yi + c];
        sum += d * d;
        if (g != null) {
          g[gi + c] = (float) (two * d);
        }
      }
    }
    return sum * scale;
  }

  @Override
  public String toString() {
    return "MseLoss(" + reduction + ")";
  }
}
