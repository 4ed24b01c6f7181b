package gradkernel.optim;

import gradkernel.kernel.OptimizerKernels;
import java.util.List;

/** The shared Adam/AdamW step; the subclasses differ only in how weight decay is applied. */
abstract class AdamBase<O extends AdamBase<O>> extends Optimizer<O> {
  /** State buffer names (torch's). */
  static final String EXP_AVG = "exp_avg";
  static final String EXP_AVG_SQ = "exp_avg_sq";
  static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double eps = 1e-8;
  private boolean amsgrad;
  double decoupled;
  private float b1;
  private float omb1;
  private float b2;
  private float omb2;
  private float stepSize;
  private float bc2Sqrt;
  private float epsF;
  private float decay;
  private float[] m;
  private float[] v;
  private float[] vmax;

  AdamBase(String kind, ParameterSet params, LearningRate lr) {
    super(kind, params, lr);
  }

  /** Coefficients (β₁, β₂) of the running averages, each in [0, 1) (default 0.9, 0.999). */
  public O betas(double beta1, double beta2) {
    unitInterval("beta1", beta1);
    this.beta2 = unitInterval("beta2", beta2);
    this.beta1 = beta1;
    return self();
  }

  /** ε ≥ 0 added to the bias-corrected root (default 1e-8). */
  public O eps(double eps) {
    this.eps = nonNegative("eps", eps);
    return self();
  }

  /** {@link Adam.Variant#AMSGRAD} normalizes by the running maximum of v (default STANDARD). */
  public O variant(Adam.Variant variant) {
    this.amsgrad = java.util.Objects.requireNonNull(variant, "variant") == Adam.Variant.AMSGRAD;
    return self();
  }

  @Override
  final void begin(int t, double lr) {
    b1 = (float) beta1;
    omb1 = (float) (1 - beta1);
    b2 = (float) beta2;
    omb2 = (float) (1 - beta2);
    double bc1 = 1 - StrictMath.pow(beta1, t);
    double bc2 = 1 - StrictMath.pow(beta2, t);
    stepSize = (float) (lr / bc1);
    bc2Sqrt = (float) Math.sqrt(bc2);
    epsF = (float) eps;
    decay = (float) (1 - lr * decoupled);
    m = params.ensureState(EXP_AVG, 0f);
    v = params.ensureState(EXP_AVG_SQ, 0f);
    vmax = amsgrad ? params.ensureState(MAX_EXP_AVG_SQ, 0f) : null;
  }

  @Override
  final void update(OptimizerKernels k, int off, int n, boolean decays, float clip) {
    k.adam(n, params.values(), off, params.gradients(), off, m, off, v, off, vmax, off, clip,
        penaltyL2(decays), penaltyL1(decays), decays ? decay : 1f, b1, omb1, b2, omb2, stepSize,
        bc2Sqrt, epsF);
  }

  @Override
  final List<String> requiredSlots() {
    return amsgrad ? List.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(EXP_AVG, EXP_AVG_SQ);
  }
}
