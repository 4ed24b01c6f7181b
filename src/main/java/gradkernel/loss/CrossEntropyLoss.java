package gradkernel.loss;

import gradkernel.kernel.SoftmaxKernels;
import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Softmax cross-entropy from logits, PyTorch's {@code cross_entropy} (log_softmax + nll_loss),
 * with value and gradient in one pass per row. Logits are {@code [batch, classes]}; with
 * m = max_c z_c, S = Σ_c exp(z_c − m) and log p_c = z_c − m − log S (never overflows):
 *
 * <ul>
 *   <li>Class-index targets y_i, label smoothing ε (PyTorch's {@code label_smoothing}): the
 *       target distribution is t_c = (1 − ε)·[c = y_i] + ε/C, row loss −Σ_c t_c log p_c, i.e.
 *       (1 − ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c). Rows whose target equals the ignore index
 *       contribute 0 and get a zero gradient. MEAN divides by the number of non-ignored rows
 *       (PyTorch without class weights); if every row is ignored the result is 0 with a zero
 *       gradient (PyTorch returns NaN there).</li>
 *   <li>Probability targets t (PyTorch's class-probability targets): smoothing first makes them
 *       t' = (1 − ε)·t + ε/C, row loss −Σ_c t'_c log p_c. MEAN divides by the batch. Targets
 *       must be finite; they are not required to be non-negative or to sum to 1 (as in
 *       PyTorch).</li>
 * </ul>
 *
 * Gradient (fused softmax − target): ∂loss/∂z_c = scale·(p_c·Σ_k t_k − t_c), which is
 * scale·(p_c − t_c) for a distribution. Every p_c ∈ [0, 1], so gradients are finite and the
 * value is finite for finite logits of any size.
 *
 * <p><b>Kernel and memory passes.</b> Each row goes through {@link SoftmaxKernels} (Vector API
 * with a bit-identical scalar twin): (1) read the row for its max m; (2) read it again, compute
 * e_c = exp(z_c − m) with the deterministic float polynomial, write e_c into the gradient buffer
 * and add it in double in a fixed order that does not depend on the vector width; (3) read and
 * rewrite the gradient buffer as fma(e_c, scale/S, −scale·ε/C) (the target element then gets
 * scale·(e_t/S − 1 + ε − ε/C) in double). Label smoothing adds one read pass (Σ(m − z_c)), and
 * probability targets keep a scalar double gradient loop. Value-only calls skip the writes.
 *
 * <p><b>Accuracy.</b> m − z_t and the smoothing sums are exact or double; ln S is within
 * (ln C + 3)·2⁻²⁴ absolute of the exact log-sum-exp offset ({@link SoftmaxKernels}), so each
 * row's loss is within (ln C + 3)·2⁻²⁴·Σ_c t_c plus double rounding of the exact value (≈ 1.1e-6
 * for C = 50257, about one float ulp of ln C). Gradients: ≤ 2 float roundings (scale/S rounded
 * to float, then one fma) plus the ≤ 2-ulp exp error, relative to each p_c.
 */
public final class CrossEntropyLoss {
  private static final SoftmaxKernels K = SoftmaxKernels.active();
  private final Reduction reduction;
  private final double labelSmoothing;
  private final boolean ignores;
  private final int ignoreIndex;

  private CrossEntropyLoss(Reduction reduction, double labelSmoothing, boolean ignores,
      int ignoreIndex) {
    this.reduction = Objects.requireNonNull(reduction, "reduction");
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got "
          + labelSmoothing);
    }
    this.labelSmoothing = labelSmoothing;
    this.ignores = ignores;
    this.ignoreIndex = ignoreIndex;
  }

  /** Cross-entropy with the given reduction, no label smoothing, no ignore index. */
  public static CrossEntropyLoss of(Reduction reduction) {
    return new CrossEntropyLoss(reduction, 0, false, 0);
  }

  /** A copy with label smoothing ε ∈ [0, 1] (PyTorch's {@code label_smoothing}). */
  public CrossEntropyLoss withLabelSmoothing(double epsilon) {
    return new CrossEntropyLoss(reduction, epsilon, ignores, ignoreIndex);
  }

  /**
   * A copy that skips rows whose class-index target equals {@code index} (PyTorch's
   * {@code ignore_index}, default there −100); it may lie outside [0, classes).
   */
  public CrossEntropyLoss withIgnoreIndex(int index) {
    return new CrossEntropyLoss(reduction, labelSmoothing, true, index);
  }

  /** The reduction. */
  public Reduction reduction() {
    return reduction;
  }

  /** The label smoothing ε. */
  public double labelSmoothing() {
    return labelSmoothing;
  }

  /** Whether an ignore index is set. */
  public boolean hasIgnoreIndex() {
    return ignores;
  }

  /** The ignore index (meaningful only if {@link #hasIgnoreIndex()}). */
  public int ignoreIndex() {
    return ignoreIndex;
  }

  /**
   * Class-index targets: {@code logits} is a {@code [batch, classes]} view, the batch's targets
   * are {@code targets[tOff .. tOff + batch)}, each in [0, classes) or the ignore index; the
   * gradient is written into {@code grad} (null: value only), a view of the same shape that is
   * either the logits view itself (in place) or disjoint from it. Returns the reduced loss;
   * throws IllegalArgumentException, naming the argument and the shapes, before anything is
   * written.
   */
  public double apply(Matrix logits, int[] targets, int tOff, Matrix grad) {
    checkLogits(logits, null, grad);
    int rows = logits.rows();
    Objects.requireNonNull(targets, "targets");
    if (tOff < 0 || tOff > targets.length - rows) {
      throw new IllegalArgumentException("targets: need " + rows + " class indices (batch) at "
          + "offset " + tOff + ", array has " + targets.length);
    }
    return grad == null
        ? indices(logits.data(), logits.offset(), logits.ld(), rows, logits.cols(), targets, tOff,
            null, 0, 1)
        : indices(logits.data(), logits.offset(), logits.ld(), rows, logits.cols(), targets, tOff,
            grad.data(), grad.offset(), grad.ld());
  }

  /**
   * Probability targets: {@code logits} and {@code target} are {@code [batch, classes]} views of
   * the same shape (any leading dimensions); {@code grad} is null (value only) or a view of that
   * shape, either the logits view itself or disjoint from it, and never overlapping the target.
   * Validated as {@link #apply(Matrix, int[], int, Matrix)}; targets must be finite.
   */
  public double applyProbabilities(Matrix logits, Matrix target, Matrix grad) {
    checkLogits(logits, Objects.requireNonNull(target, "target"), grad);
    LossChecks.finite("target", target);
    return grad == null
        ? probabilities(logits.data(), logits.offset(), logits.ld(), target.data(),
            target.offset(), target.ld(), logits.rows(), logits.cols(), null, 0, 1)
        : probabilities(logits.data(), logits.offset(), logits.ld(), target.data(),
            target.offset(), target.ld(), logits.rows(), logits.cols(), grad.data(),
            grad.offset(), grad.ld());
  }

  private static void checkLogits(Matrix logits, Matrix target, Matrix grad) {
    LossChecks.views("logits", logits, target, grad);
    if (logits.cols() < 1 && logits.rows() > 0) {
      throw new IllegalArgumentException("logits: [" + logits.rows() + ", " + logits.cols()
          + "] needs at least one class");
    }
  }

  /** Class-index targets on valid arguments (checked by the caller). */
  private double indices(float[] x, int xo, int xld, int rows, int cols, int[] y, int yo,
      float[] g, int go, int gld) {
    int count = 0;
    for (int r = 0; r < rows; r++) {
      int t = y[yo + r];
      if (ignores && t == ignoreIndex) {
        continue;
      }
      if (t < 0 || t >= cols) {
        throw new IllegalArgumentException("targets[" + (yo + r) + "] (row " + r + " of "
            + rows + ") = " + t + " is outside [0, " + cols + ")"
            + (ignores ? " and is not the ignore index " + ignoreIndex : ""));
      }
      count++;
    }
    double scale = reduction.scale(count);
    double eps = labelSmoothing;
    double off = eps / cols;
    double on = 1 - eps + off;
    double total = 0;
    for (int r = 0; r < rows; r++) {
      int xi = xo + r * xld;
      int gi = go + r * gld;
      int t = y[yo + r];
      if (ignores && t == ignoreIndex) {
        if (g != null) {
          java.util.Arrays.fill(g, gi, gi + cols, 0f);
        }
        continue;
      }
      float m = K.max(x, xi, cols);
      double below = (double) m - x[xi + t]; // read before g may overwrite the row
      double belowAll = eps > 0 ? belowMax(x, xi, cols, m, null, 0, 0) : 0;
      double s = K.expSum(x, xi, cols, m, g, gi);
      double logS = StrictMath.log(s);
      total += (1 - eps) * below + off * belowAll + logS;
      if (g != null) {
        double inv = 1 / s;
        float eT = g[gi + t];
        K.affine(g, gi, cols, (float) (scale * inv), (float) (-scale * off));
        g[gi + t] = (float) (scale * (eT * inv - on));
      }
    }
    return total * scale;
  }

  /** Probability targets on valid arguments (checked by the caller). */
  private double probabilities(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows,
      int cols, float[] g, int go, int gld) {
    double scale = reduction.scale(rows);
    double keep = 1 - labelSmoothing;
    double off = labelSmoothing / cols;
    double total = 0;
    for (int r = 0; r < rows; r++) {
      int xi = xo + r * xld;
      int yi = yo + r * yld;
      int gi = go + r * gld;
      float m = K.max(x, xi, cols);
      double tSum = 0;
      for (int c = 0; c < cols; c++) {
        tSum += keep * y[yi + c] + off;
      }
      // Σ t'_c (m − z_c): non-negative terms for non-negative targets, read before g is written
      double below = belowMax(x, xi, cols, m, y, yi, keep) + off * belowMax(x, xi, cols, m, null,
          0, 0);
      double s = K.expSum(x, xi, cols, m, g, gi);
      total += below + tSum * StrictMath.log(s);
      if (g != null) {
        double q = tSum / s;
        for (int c = 0; c < cols; c++) {
          g[gi + c] = (float) (scale * (g[gi + c] * q - (keep * y[yi + c] + off)));
        }
      }
    }
    return total * scale;
  }

  /**
   * Σ_c w_c·(m − z_c) over one row in double, with w_c = keep·t_c when t != null, else 1; every
   * (m − z_c) ≥ 0, so there is no cancellation.
   */
  private static double belowMax(float[] x, int xi, int cols, float m, float[] t, int ti,
      double keep) {
    double sum = 0;
    if (t == null) {
      for (int c = 0; c < cols; c++) {
        sum += (double) m - x[xi + c];
      }
    } else {
      for (int c = 0; c < cols; c++) {
        sum += keep * t[ti + c] * ((double) m - x[xi + c]);
      }
    }
    return sum;
  }

  @Override
  public String toString() {
    return "CrossEntropyLoss(" + reduction + ", labelSmoothing=" + labelSmoothing
        + (ignores ? ", ignoreIndex=" + ignoreIndex : "") + ")";
  }
}
