package gradkernel.optim;

/**
 * A learning-rate schedule: {@link #at}(t) is the rate of the update that follows t applied
 * updates (t = 0 for the first), i.e. torch's scheduler after t calls of {@code scheduler.step()}.
 * Closed forms as in torch.optim.lr_scheduler, evaluated in double with StrictMath.pow and an
 * allocation-free cosine of fixed operation order (same bits in every JVM state, on every JVM). Compose with {@link #then} (torch's SequentialLR) and {@link #times}.
 *
 * <pre>{@code
 * // 100 steps of linear warm-up from 1e-5 to 1e-3, then cosine decay to 1e-5 over 900 steps
 * LearningRate lr = LearningRate.warmup(1e-3, 100, 0.01)
 *     .then(100, LearningRate.cosine(1e-3, 900, 1e-5));
 * }</pre>
 */
@FunctionalInterface
public interface LearningRate {

  /** The rate for the update after {@code step} applied updates (step ≥ 0). */
  double at(int step);

  /** lr at every step (finite, ≥ 0). */
  static LearningRate constant(double lr) {
    Optimizer.nonNegative("lr", lr);
    return t -> lr;
  }

  /** StepLR: lr·γ^⌊t/stepSize⌋ (stepSize ≥ 1, γ finite and ≥ 0). */
  static LearningRate step(double lr, int stepSize, double gamma) {
    Optimizer.nonNegative("lr", lr);
    Optimizer.nonNegative("gamma", gamma);
    if (stepSize < 1) {
      throw new IllegalArgumentException("stepSize must be >= 1, got " + stepSize);
    }
    return t -> lr * StrictMath.pow(gamma, t / stepSize);
  }

  /** ExponentialLR: lr·γᵗ (γ finite and ≥ 0). */
  static LearningRate exponential(double lr, double gamma) {
    Optimizer.nonNegative("lr", lr);
    Optimizer.nonNegative("gamma", gamma);
    return t -> lr * StrictMath.pow(gamma, t);
  }

  /**
   * CosineAnnealingLR's closed form: η_min + (lr − η_min)·(1 + cos(π·t/tMax))/2 (tMax ≥ 1). As in
   * torch it rises again after tMax (period 2·tMax); follow it with {@link #then} and a constant
   * to stay at η_min.
   */
  static LearningRate cosine(double lr, int tMax, double etaMin) {
    Optimizer.nonNegative("lr", lr);
    Optimizer.nonNegative("etaMin", etaMin);
    if (tMax < 1) {
      throw new IllegalArgumentException("tMax must be >= 1, got " + tMax);
    }
    return t -> etaMin + (lr - etaMin) * (1 + Trig.cosPi(t, tMax)) / 2;
  }

  /**
   * LinearLR: lr·(start + (end − start)·min(t, steps)/steps), factors in [0, 1] (torch requires
   * start &gt; 0), steps ≥ 1; after {@code steps} it stays at lr·end.
   */
  static LearningRate linear(double lr, double startFactor, double endFactor, int steps) {
    Optimizer.nonNegative("lr", lr);
    factor("startFactor", startFactor);
    factor("endFactor", endFactor);
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    return t -> lr * (startFactor + (endFactor - startFactor) * Math.min(t, steps) / steps);
  }

  /** Linear warm-up from lr·startFactor to lr over {@code steps} updates, then lr. */
  static LearningRate warmup(double lr, int steps, double startFactor) {
    return linear(lr, startFactor, 1, steps);
  }

  /**
   * SequentialLR: this schedule for t &lt; milestone, then {@code next} restarted at 0:
   * next.at(t − milestone). milestone ≥ 0.
   */
  default LearningRate then(int milestone, LearningRate next) {
    java.util.Objects.requireNonNull(next, "next");
    if (milestone < 0) {
      throw new IllegalArgumentException("milestone must be >= 0, got " + milestone);
    }
    LearningRate first = this;
    return t -> t < milestone ? first.at(t) : next.at(t - milestone);
  }

  /** This schedule multiplied by {@code factor} (finite, ≥ 0). */
  default LearningRate times(double factor) {
    Optimizer.nonNegative("factor", factor);
    LearningRate base = this;
    return t -> base.at(t) * factor;
  }

  private static void factor(String name, double f) {
    if (!(f >= 0 && f <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + f);
    }
  }
}
