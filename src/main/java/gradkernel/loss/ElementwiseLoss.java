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
   * Value and gradient for views of equal shape {@code [batch, width]} (any leading dimensions):
   * returns the reduced loss and writes ∂loss/∂input into {@code grad}, which is null (value
   * only), the input view itself (in place), or a view disjoint from input and target. Throws
   * IllegalArgumentException, naming the argument and the shapes, before anything is written.
   */
  public double apply(Matrix input, Matrix target, Matrix grad) {
    LossChecks.views("input", input, Objects.requireNonNull(target, "target"), grad);
    validate(target);
    int rows = input.rows();
    int cols = input.cols();
    if ((long) rows * cols == 0) {
      return 0;
    }
    double scale = reduction.scale((long) rows * cols);
    if (grad == null) {
      return run(input.data(), input.offset(), input.ld(), target.data(), target.offset(),
          target.ld(), rows, cols, null, 0, 1, scale);
    }
    return run(input.data(), input.offset(), input.ld(), target.data(), target.offset(),
        target.ld(), rows, cols, grad.data(), grad.offset(), grad.ld(), scale);
  }

  /** Loss-specific checks of the target (and parameters) before anything is written. */
  void validate(Matrix target) {}

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
