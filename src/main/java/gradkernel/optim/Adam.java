package gradkernel.optim;

/**
 * Adam as torch.optim.Adam, bias correction and ε placement included. Per element, with g' the
 * clipped, penalized gradient (see {@link Optimizer}) and t the 1-based step:
 *
 * <pre>
 *   g' = c·g + λ₂·w + λ₁·sign(w)               (λ₂ = torch's weight_decay: coupled L2)
 *   m ← β₁·m + (1 − β₁)·g'                      (exp_avg, starts at 0)
 *   v ← β₂·v + (1 − β₂)·g'²                     (exp_avg_sq, starts at 0)
 *   amsgrad: v̂ ← max(v̂, v) (max_exp_avg_sq), else v̂ = v
 *   denom = √v̂ / √(1 − β₂ᵗ) + ε                (ε after the bias-corrected root, as torch)
 *   w ← w − (lr/(1 − β₁ᵗ))·m/denom
 * </pre>
 *
 * The scalars lr/(1 − β₁ᵗ) and √(1 − β₂ᵗ) are computed in double and rounded once to float, as
 * torch passes Python floats. Defaults as torch: lr 1e-3, β = (0.9, 0.999), ε = 1e-8, λ₂ = 0.
 * For decoupled weight decay use {@link AdamW}.
 */
public final class Adam extends AdamBase<Adam> {
  /** What the step divides by, for {@link Adam} and {@link AdamW}: torch's {@code amsgrad}. */
  public enum Variant {
    /** v̂ = v (the default). */
    STANDARD,
    /** v̂ = max(v̂, v), kept in {@code max_exp_avg_sq}. */
    AMSGRAD
  }

  /** State buffer names (torch's). */
  public static final String EXP_AVG = AdamBase.EXP_AVG;
  /** Second-moment buffer. */
  public static final String EXP_AVG_SQ = AdamBase.EXP_AVG_SQ;
  /** AMSGrad's running maximum of the second moment. */
  public static final String MAX_EXP_AVG_SQ = AdamBase.MAX_EXP_AVG_SQ;

  /** Adam on {@code params} with schedule {@code lr}. */
  public Adam(ParameterSet params, LearningRate lr) {
    super("Adam", params, lr);
  }

  /** Adam on {@code params} with constant learning rate {@code lr} (finite, ≥ 0). */
  public Adam(ParameterSet params, double lr) {
    this(params, LearningRate.constant(lr));
  }

  /** torch's {@code weight_decay} for Adam: the coupled L2 penalty, same as {@link #l2}. */
  public Adam weightDecay(double wd) {
    return l2(wd);
  }
}
