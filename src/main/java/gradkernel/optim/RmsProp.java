package gradkernel.optim;

import gradkernel.kernel.OptimizerKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop as torch.optim.RMSprop (no bias correction; ε added after the square root). Per
 * element, with g' the clipped, penalized gradient (see {@link Optimizer}):
 *
 * <pre>
 *   g' = c·g + λ₂·w + λ₁·sign(w)
 *   v ← α·v + (1 − α)·g'²                       (square_avg, starts at 0)
 *   centered:  ḡ ← α·ḡ + (1 − α)·g'              (grad_avg, starts at 0)
 *              s = √max(v − ḡ², 0)               (torch: √(v − ḡ²), NaN where rounding makes it &lt; 0)
 *   else       s = √v
 *   momentum μ &gt; 0:  b ← μ·b + g'/(s + ε),  w ← w − lr·b   (momentum_buffer, starts at 0)
 *   else            w ← w − lr·g'/(s + ε)
 * </pre>
 *
 * Defaults as torch: lr 0.01, α = 0.99, ε = 1e-8, μ = 0, not centered.
 */
public final class RmsProp extends Optimizer<RmsProp> {
  /** What the step normalizes by: torch's {@code centered=False} / {@code True}. */
  public enum Variant {
    /** s = √v (the default). */
    STANDARD,
    /** s = √max(v − ḡ², 0): the estimated variance, keeping the running mean ḡ. */
    CENTERED
  }

  /** State buffer names (torch's). */
  public static final String SQUARE_AVG = "square_avg";
  /** Running mean of g' (centered only). */
  public static final String GRAD_AVG = "grad_avg";
  /** Momentum buffer (μ &gt; 0 only). */
  public static final String MOMENTUM_BUFFER = "momentum_buffer";

  private double alpha = 0.99;
  private double eps = 1e-8;
  private double momentum;
  private boolean centered;
  private float lr;
  private float alphaF;
  private float oneMinusAlpha;
  private float epsF;
  private float mu;
  private float[] v;
  private float[] a;
  private float[] b;

  /** RMSprop on {@code params} with schedule {@code lr}. */
  public RmsProp(ParameterSet params, LearningRate lr) {
    super("RMSprop", params, lr);
  }

  /** RMSprop on {@code params} with constant learning rate {@code lr} (finite, ≥ 0). */
  public RmsProp(ParameterSet params, double lr) {
    this(params, LearningRate.constant(lr));
  }

  /** Smoothing constant α in [0, 1) (default 0.99). */
  public RmsProp alpha(double alpha) {
    this.alpha = unitInterval("alpha", alpha);
    return this;
  }

  /** ε ≥ 0 added to the root (default 1e-8). */
  public RmsProp eps(double eps) {
    this.eps = nonNegative("eps", eps);
    return this;
  }

  /** Momentum μ ≥ 0 (default 0). */
  public RmsProp momentum(double mu) {
    this.momentum = nonNegative("momentum", mu);
    return this;
  }

  /** The normalization variant (default {@link Variant#STANDARD}). */
  public RmsProp variant(Variant variant) {
    this.centered = java.util.Objects.requireNonNull(variant, "variant") == Variant.CENTERED;
    return this;
  }

  @Override
  void begin(int t, double rate) {
    lr = (float) rate;
    alphaF = (float) alpha;
    oneMinusAlpha = (float) (1 - alpha);
    epsF = (float) eps;
    mu = (float) momentum;
    v = params.ensureState(SQUARE_AVG, 0f);
    a = centered ? params.ensureState(GRAD_AVG, 0f) : null;
    b = momentum > 0 ? params.ensureState(MOMENTUM_BUFFER, 0f) : null;
  }

  @Override
  void update(OptimizerKernels k, int off, int n, boolean decays, float clip) {
    k.rmsprop(n, params.values(), off, params.gradients(), off, v, off, a, off, b, off, clip,
        penaltyL2(decays), penaltyL1(decays), lr, alphaF, oneMinusAlpha, epsF, mu);
  }

  @Override
  List<String> requiredSlots() {
    List<String> s = new ArrayList<>(List.of(SQUARE_AVG));
    if (centered) {
      s.add(GRAD_AVG);
    }
    if (momentum > 0) {
      s.add(MOMENTUM_BUFFER);
    }
    return s;
  }
}
