package gradkernel.spectral;

/**
 * Result of a σ_max estimator ({@link PowerIteration} or {@link Lanczos}): {@code sigma} is a
 * lower estimate of σ_max(W) (‖W v‖ for a unit v: the power iterate, or the top Ritz value);
 * {@code residual} = ‖Wᵀu − σ v‖ for the unit vectors u, v behind σ bounds the distance from σ to
 * SOME singular value of W (not necessarily σ_max, so it is an estimate, not a rigorous upper
 * bound on σ_max). Both estimators stop on the residual, not on {@code relativeChange}.
 *
 * @param sigma estimate of σ_max (lower estimate, ≥ 0)
 * @param residual ‖Wᵀu − σv‖ after the last step
 * @param relativeChange |σ_k − σ_{k−1}| / σ_k of the last step (on a warm first step, against
 *     the previous call's σ; +∞ on a cold first step)
 * @param iterations number of gemv + gemvᵀ pairs used (reorthogonalization not counted)
 * @param converged true iff residual ≤ tol·sigma was reached within the iteration cap
 */
public record SpectralNormEstimate(double sigma, double residual, double relativeChange,
    int iterations, boolean converged) {}
