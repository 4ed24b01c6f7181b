package gradkernel.optim;

import gradkernel.kernel.OptimizerKernels;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, dampening and Nesterov, as torch.optim.SGD. Per
 * element, with g' the clipped, penalized gradient (see {@link Optimizer}):
 *
 * <pre>
 *   g' = c·g + λ₂·w + λ₁·sign(w)               (penalties only on decaying tensors)
 *   momentum μ = 0:   w ← w − lr·g'             (no state)
 *   else  b ← g'                                (first step: buffer = g', as torch)
 *         b ← μ·b + (1 − τ)·g'                  (later steps; τ = dampening)
 *         d = g' + μ·b  (nesterov)  or  d = b
 *         w ← w − lr·d
 * </pre>
 *
 * State: {@code momentum_buffer} (only when μ ≠ 0). Defaults as torch: μ = 0, τ = 0, no Nesterov.
 * Float roundings: b·μ, then one FMA each for b, d and w.
 */
public final class Sgd extends Optimizer<Sgd> {
  /** How the momentum buffer enters the step: torch's {@code nesterov=False} / {@code True}. */
  public enum Variant {
    /** d = b (heavy ball, the default). */
    STANDARD,
    /** d = g' + μ·b (Nesterov; needs μ &gt; 0 and τ = 0 at the first step, as torch). */
    NESTEROV
  }

  /** Name of the momentum state buffer. */
  public static final String MOMENTUM_BUFFER = "momentum_buffer";

  private double momentum;
  private double dampening;
  private boolean nesterov;
  private float lr;
  private float mu;
  private float damp;
  private boolean first;
  private float[] buffer;

  /** SGD on {@code params} with schedule {@code lr}. */
  public Sgd(ParameterSet params, LearningRate lr) {
    super("SGD", params, lr);
  }

  /** SGD on {@code params} with constant learning rate {@code lr} (finite, ≥ 0). */
  public Sgd(ParameterSet params, double lr) {
    this(params, LearningRate.constant(lr));
  }

  /** Momentum factor μ (finite, ≥ 0; default 0 = plain SGD). */
  public Sgd momentum(double mu) {
    this.momentum = nonNegative("momentum", mu);
    return this;
  }

  /** Dampening τ (finite, ≥ 0; default 0): b ← μ·b + (1 − τ)·g'. */
  public Sgd dampening(double tau) {
    this.dampening = nonNegative("dampening", tau);
    return this;
  }

  /** The momentum variant (default {@link Variant#STANDARD}). */
  public Sgd variant(Variant variant) {
    this.nesterov = java.util.Objects.requireNonNull(variant, "variant") == Variant.NESTEROV;
    return this;
  }

  @Override
  void begin(int t, double rate) {
    if (nesterov && (momentum <= 0 || dampening != 0)) {
      throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening = 0, got "
          + "momentum " + momentum + ", dampening " + dampening);
    }
    lr = (float) rate;
    mu = (float) momentum;
    damp = (float) (1 - dampening);
    if (momentum != 0) {
      first = !params.hasState(MOMENTUM_BUFFER);
      buffer = params.ensureState(MOMENTUM_BUFFER, 0f);
    } else {
      buffer = null;
    }
  }

  @Override
  void update(OptimizerKernels k, int off, int n, boolean decays, float clip) {
    k.sgd(n, params.values(), off, params.gradients(), off, buffer, off, clip, penaltyL2(decays),
        penaltyL1(decays), lr, mu, damp, nesterov, first);
  }

  @Override
  List<String> requiredSlots() {
    return List.of();
  }
}
