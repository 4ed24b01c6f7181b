package gradkernel.loss;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Binary cross-entropy on logits, PyTorch's {@code binary_cross_entropy_with_logits}. With logit
 * z, target y and positive-class weight p (1 unless set; one per column, broadcast over rows as
 * PyTorch's {@code pos_weight} of shape [width]):
 *
 * <pre>
 *   loss = −p·y·log σ(z) − (1 − y)·log(1 − σ(z))
 *        = (1 − y)·z + (1 + (p − 1)·y)·softplus(−z)
 *   ∂loss/∂z = (1 + (p − 1)·y)·σ(z) − p·y            (= σ(z) − y for p = 1)
 * </pre>
 *
 * evaluated stably as max(z, 0) − z·y + log1p(exp(−|z|)) for p = 1 (the z &lt; 0 branch is
 * p·y·(−z) + (1 + (p − 1)y)·log1p(exp(−|z|)) in general), so no term overflows for any finite z.
 * MEAN divides by batch × width. Targets must be finite (usually in [0, 1]; not enforced, as in
 * PyTorch); they are checked before anything is written.
 */
public final class BceWithLogitsLoss extends ElementwiseLoss {
  private final float[] posWeight;

  private BceWithLogitsLoss(Reduction reduction, float[] posWeight) {
    super(reduction);
    this.posWeight = posWeight;
  }

  /** BCE with logits, no positive weight. */
  public static BceWithLogitsLoss of(Reduction reduction) {
    return new BceWithLogitsLoss(reduction, null);
  }

  /**
   * A copy of this loss with positive-class weights {@code posWeight} (length = width of the
   * inputs it is applied to, finite). The elements are copied: later writes through the view
   * (or its array) do not change the returned loss.
   */
  public BceWithLogitsLoss withPosWeight(Vec posWeight) {
    float[] w = Objects.requireNonNull(posWeight, "posWeight").toArray();
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) {
        throw new IllegalArgumentException("posWeight[" + i + "] must be finite, got " + w[i]);
      }
    }
    return new BceWithLogitsLoss(reduction, w);
  }

  /**
   * The positive weights as a view of a fresh copy (writing to it does not change this loss), or
   * null if none are set.
   */
  public Vec posWeight() {
    return posWeight == null ? null : Vec.of(posWeight.clone());
  }

  @Override
  void validate(Matrix target) {
    if (posWeight != null && posWeight.length != target.cols()) {
      throw new IllegalArgumentException("posWeight: length " + posWeight.length
          + " does not match input width " + target.cols() + " (input [" + target.rows() + ", "
          + target.cols() + "])");
    }
    LossChecks.finite("target", target);
  }

  @Override
  double run(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows, int cols,
      float[] g, int go, int gld, double scale) {
    // The row/column loop of MSE and Huber again, on purpose (monomorphic inner loop): ElementwiseLoss.run.
    float[] pw = posWeight;
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int xi = xo + r * xld;
      int yi = yo + r * yld;
      int gi = go + r * gld;
      for (int c = 0; c < cols; c++) {
        double z = x[xi + c];
        double t = y[yi + c];
        double p = pw == null ? 1 : pw[c];
        double lw = 1 + (p - 1) * t;
        double e = StrictMath.exp(-Math.abs(z)); // in [0, 1]; NaN for NaN z
        double soft = StrictMath.log1p(e);
        sum += (z >= 0 ? (1 - t) * z : p * t * -z) + lw * soft;
        if (g != null) {
          double sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e);
          g[gi + c] = (float) (scale * (lw * sigmoid - p * t));
        }
      }
    }
    return sum * scale;
  }

  @Override
  public String toString() {
    return "BceWithLogitsLoss(" + reduction
        + (posWeight == null ? "" : ", posWeight=" + Arrays.toString(posWeight)) + ")";
  }
}
