package gradkernel.loss;

/**
 * Huber loss, PyTorch's {@code huber_loss(delta)}: with d = x − y, loss = ½d² if |d| &lt; δ, else
 * δ(|d| − ½δ); gradient clamp(d, −δ, δ) (× 1/n for MEAN, n = batch × width). Gradients are
 * bounded by δ, so finite inputs of any size give finite outputs.
 */
public final class HuberLoss extends ElementwiseLoss {
  private final double delta;

  private HuberLoss(double delta, Reduction reduction) {
    super(reduction);
    if (!(delta > 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("delta must be finite and > 0, got " + delta);
    }
    this.delta = delta;
  }

  /** Huber loss with threshold delta (finite, &gt; 0; PyTorch's default is 1.0). */
  public static HuberLoss of(double delta, Reduction reduction) {
    return new HuberLoss(delta, reduction);
  }

  /** The threshold δ. */
  public double delta() {
    return delta;
  }

  @Override
  double run(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows, int cols,
      float[] g, int go, int gld, double scale) {
    // The row/column loop of MSE and BCE again, on purpose (monomorphic inner loop): ElementwiseLoss.run.
    double dl = delta;
    double halfDelta = 0.5 * dl;
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int xi = xo + r * xld;
      int yi = yo + r * yld;
      int gi = go + r * gld;
      for (int c = 0; c < cols; c++) {
        double d = (double) x[xi + c] - y[yi + c];
        double a = Math.abs(d);
        sum += a < dl ? 0.5 * d * d : dl * (a - halfDelta);
        if (g != null) {
          // PyTorch's huber_backward; a NaN d stays NaN
          double gd = d <= -dl ? -dl : d >= dl ? dl : d;
          g[gi + c] = (float) (scale * gd);
        }
      }
    }
    return sum * scale;
  }

  @Override
  public String toString() {
    return "HuberLoss(delta=" + delta + ", " + reduction + ")";
  }
}
