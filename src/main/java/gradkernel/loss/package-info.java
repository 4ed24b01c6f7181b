/**
 * Losses with value and gradient in one pass over a batch: {@link gradkernel.loss.MseLoss},
 * {@link gradkernel.loss.HuberLoss}, {@link gradkernel.loss.CrossEntropyLoss} (softmax from logits)
 * and {@link gradkernel.loss.BceWithLogitsLoss}, each with PyTorch's definitions and a
 * {@link gradkernel.loss.Reduction}.
 *
 * <p>Common contract. Inputs, targets and gradients are {@code [batch, width]}
 * {@link gradkernel.tensor.Matrix} views (any offset and leading dimension; a dense block of a
 * {@code float[]} at an offset is {@code new Matrix(a, off, batch, width, width)}, the layout
 * {@code Chain.backward} takes its upstream in); cross-entropy's class-index targets are an
 * {@code int[]} with an offset. The value is returned as a {@code double}, accumulated in double
 * in row-major order; the gradient ∂value/∂input is written as float into a caller view of the
 * same shape, or skipped when that view is {@code null}. Nothing is allocated. All arguments
 * are validated before anything is written ({@link IllegalArgumentException} naming the argument
 * and the shapes; a view's bounds were checked when it was built). The gradient view may be the
 * input view itself (same array, same offset, same leading dimension: the gradient then replaces
 * the input in place); any other overlap with the input, and any overlap with the target, is
 * rejected.
 *
 * <p>Determinism: every exp/log is {@link StrictMath}'s, in scalar loops with sums in a fixed
 * order, so the bits do not depend on the JIT, the CPU or the kernel selection.
 *
 * <p>Non-finite policy: finite inputs of any magnitude (up to ±{@link Float#MAX_VALUE}) give a
 * finite value and finite gradients (the one exception, MSE's gradient 2(x − y)/n, is documented
 * there). A NaN input gives a NaN value (and NaN gradients where it enters); ±∞ inputs give ±∞
 * or NaN. Targets that are probabilities (cross-entropy's soft targets, BCE's targets) must be
 * finite and are checked; MSE/Huber targets are treated like inputs.
 */
package gradkernel.loss;
