/**
 * Losses with value and gradient in one pass over a batch: {@link gradkernel.loss.MseLoss},
 * {@link gradkernel.loss.HuberLoss}, {@link gradkernel.loss.CrossEntropyLoss} (softmax from logits)
 * and {@link gradkernel.loss.BceWithLogitsLoss}, each with PyTorch's definitions and a
 * {@link gradkernel.loss.Reduction}.
 *
 * <p>Common contract. Inputs are row-major {@code [batch, width]} float arrays at an offset (the
 * layout {@code Chain.backward} takes its upstream in), or {@link gradkernel.tensor.Matrix} views
 * (any leading dimension). The value is returned as a {@code double}, accumulated in double in
 * row-major order; the gradient ∂value/∂input is written as float into a caller buffer of the
 * same shape, or skipped when that buffer is {@code null}. Nothing is allocated. All arguments
 * are validated before anything is written ({@link IllegalArgumentException} naming the argument
 * and the shapes). The gradient buffer may be the input buffer itself (same array, same offset,
 * same leading dimension: the gradient then replaces the input in place); any other overlap with
 * the input, and any overlap with the target, is rejected.
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
