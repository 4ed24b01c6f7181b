package gradkernel.optim;

/**
 * AdamW as torch.optim.AdamW: Adam with decoupled weight decay. Per element, with g' the
 * clipped, penalized gradient (see {@link Optimizer}; computed from w before the decay) and t the
 * 1-based step:
 *
 * <pre>
 *   g' = c·g + λ₂·w + λ₁·sign(w)               (optional coupled penalties, default 0)
 *   w ← w·(1 − lr·wd)                           (decoupled decay first, decaying tensors only)
 *   m ← β₁·m + (1 − β₁)·g'
 *   v ← β₂·v + (1 − β₂)·g'²
 *   amsgrad: v̂ ← max(v̂, v), else v̂ = v
 *   denom = √v̂ / √(1 − β₂ᵗ) + ε
 *   w ← w − (lr/(1 − β₁ᵗ))·m/denom
 * </pre>
 *
 * Defaults as torch: lr 1e-3, β = (0.9, 0.999), ε = 1e-8, wd = 0.01. Tensors flagged
 * {@link gradkernel.chain.Decay#EXEMPT} (biases, normalization gains) are not decayed, the usual
 * two-parameter-group recipe.
 */
public final class AdamW extends AdamBase<AdamW> {

  /** AdamW on {@code params} with schedule {@code lr} and weight decay 0.01. */
  public AdamW(ParameterSet params, LearningRate lr) {
    super("AdamW", params, lr);
    decoupled = 0.01;
  }

  /** AdamW on {@code params} with constant learning rate {@code lr} (finite, ≥ 0). */
  public AdamW(ParameterSet params, double lr) {
    this(params, LearningRate.constant(lr));
  }

  /** Decoupled weight decay wd ≥ 0 (default 0.01): w ← w·(1 − lr·wd) before the update. */
  public AdamW weightDecay(double wd) {
    this.decoupled = nonNegative("weightDecay", wd);
    return this;
  }

  /** The decoupled weight decay wd. */
  public double weightDecay() {
    return decoupled;
  }
}
