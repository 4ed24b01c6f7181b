package gradkernel.optim;

import gradkernel.kernel.OptimizerKernels;
import java.util.List;

/**
 * Adagrad as torch.optim.Adagrad. Per element, with g' the clipped, penalized gradient (see
 * {@link Optimizer}) and t the 1-based step:
 *
 * <pre>
 *   g' = c·g + λ₂·w + λ₁·sign(w)
 *   clr = lr / (1 + (t − 1)·lr_decay)
 *   s ← s + g'²                                 (sum, starts at initial_accumulator_value)
 *   w ← w − clr·g'/(√s + ε)
 * </pre>
 *
 * Defaults as torch: lr 0.01, lr_decay 0, initial_accumulator_value 0, ε = 1e-10.
 */
public final class Adagrad extends Optimizer<Adagrad> {
  /** Name of the accumulator state buffer (torch's). */
  public static final String SUM = "sum";

  private double lrDecay;
  private double initialAccumulator;
  private double eps = 1e-10;
  private float clr;
  private float epsF;
  private float[] sum;

  /** Adagrad on {@code params} with schedule {@code lr}. */
  public Adagrad(ParameterSet params, LearningRate lr) {
    super("Adagrad", params, lr);
  }

  /** Adagrad on {@code params} with constant learning rate {@code lr} (finite, ≥ 0). */
  public Adagrad(ParameterSet params, double lr) {
    this(params, LearningRate.constant(lr));
  }

  /** lr_decay ≥ 0 (default 0): clr = lr/(1 + (t − 1)·lr_decay). */
  public Adagrad lrDecay(double decay) {
    this.lrDecay = nonNegative("lrDecay", decay);
    return this;
  }

  /** Initial value of the accumulator ≥ 0 (default 0); used when the buffer is created. */
  public Adagrad initialAccumulatorValue(double value) {
    this.initialAccumulator = nonNegative("initialAccumulatorValue", value);
    return this;
  }

  /** ε ≥ 0 added to the root (default 1e-10). */
  public Adagrad eps(double eps) {
    this.eps = nonNegative("eps", eps);
    return this;
  }

  @Override
  void begin(int t, double rate) {
    clr = (float) (rate / (1 + (t - 1) * lrDecay));
    epsF = (float) eps;
    sum = params.ensureState(SUM, (float) initialAccumulator);
  }

  @Override
  void update(OptimizerKernels k, int off, int n, boolean decays, float clip) {
    k.adagrad(n, params.values(), off, params.gradients(), off, sum, off, clip,
        penaltyL2(decays), penaltyL1(decays), clr, epsF);
  }

  @Override
  List<String> requiredSlots() {
    return List.of(SUM);
  }
}
