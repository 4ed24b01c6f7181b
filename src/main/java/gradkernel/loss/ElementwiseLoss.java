package gradkernel.loss;

import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * A loss of an input and a same-shaped target, summed over elements: MSE, Huber and binary
 * cross-entropy with logits. {@link Reduction#MEAN} divides by the element count
 * {@code batch × width} (PyTorch's {@code reduction='mean'}). See the package documentation for
 * the aliasing, validation and non-finite contract.
 */
public abstract sealed class ElementwiseLoss permits MseLoss, HuberLoss, BceWithLogitsLoss {
  final Reduction reduction;

  ElementwiseLoss(Reduction reduction) {
    this.reduction = Objects.requireNonNull(reduction, "reduction");
  }

  /** The reduction. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * Value and gradient for dense row-major {@code [batch, width]} arrays: input at inOff, target
   * at tOff, gradient written at gradOff (null grad: value only). grad may be input itself with
   * gradOff == inOff. Returns the reduced loss; throws IllegalArgumentException (nothing
   * written) on bad shapes or offsets.
   */
  public double apply(float[] input, int inOff, float[] target, int tOff, int batch, int width,
      float[] grad, int gradOff) {
    int ld = Math.max(1, width);
    return checked(input, inOff, ld, target, tOff, ld, batch, width, grad, gradOff, ld);
  }

  /**
   * Value and gradient for matrix views of equal shape {@code [batch, width]} (any leading
   * dimensions); grad may be null (value only) or the input view itself.
   */
  public double apply(Matrix input, Matrix target, Matrix grad) {
    Objects.requireNonNull(input, "input");
    LossChecks.sameShape("target", target, input);
    if (grad != null) {
      LossChecks.sameShape("grad", grad, input);
    }
    return checked(input.data(), input.offset(), input.ld(), target.data(), target.offset(),
        target.ld(), input.rows(), input.cols(), grad == null ? null : grad.data(),
        grad == null ? 0 : grad.offset(), grad == null ? 1 : grad.ld());
  }

  private double checked(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows,
      int cols, float[] g, int go, int gld) {
    LossChecks.matrix("input", x, xo, rows, cols, xld);
    LossChecks.matrix("target", y, yo, rows, cols, yld);
    if (g != null) {
      LossChecks.gradient(g, go, gld, x, xo, xld, y, yo, yld, rows, cols);
    }
    validate(y, yo, yld, rows, cols);
    long n = (long) rows * cols;
    if (n == 0) {
      return 0;
    }
    return run(x, xo, xld, y, yo, yld, rows, cols, g, go, gld, reduction.scale(n));
  }

  /** Loss-specific checks of the target (and parameters) before anything is written. */
  void validate(float[] y, int yo, int yld, int rows, int cols) {}

  /**
   * The one pass: returns scale × Σ loss(x, y) and writes g = scale × ∂loss/∂x when g != null.
   * Arguments are valid; g is either disjoint from x or identical to it element by element.
   */
  // Each loss writes its own row/column loop (the same six header lines in Mse, Huber, BCE):
  // a shared loop calling a per-element function would be one megamorphic call site in the
  // hot loop; kept apart on purpose so each inner loop is monomorphic and inlined.
  abstract double run(float[] x, int xo, int xld, float[] y, int yo, int yld, int rows, int cols,
      float[] g, int go, int gld, double scale);
}
