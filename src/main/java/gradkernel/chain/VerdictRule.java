package gradkernel.chain;

/**
 * The thresholds of {@link GradientProfile#verdict(VerdictRule)}; immutable, with defaults in
 * {@link #DEFAULT} and {@code with...} copies to change one. With S the profile's slots (layers,
 * or time steps for a recurrent layer), R = ‖v_0‖/‖v_S‖ the end-to-end gain and G = R^(1/S) its
 * geometric mean per slot, the rule, first match wins:
 *
 * <ol>
 *   <li>NON_FINITE: any NaN or ±∞ in a recorded gradient, or a non-finite weight-gradient sum of
 *       squares.
 *   <li>EXPLODING by size: some ‖v_s‖ (s in [0, S], upstream included) &gt;
 *       {@link #maxGradientNorm()}, or the weight-gradient norm of all layers &gt;
 *       {@link #maxWeightGradientNorm()}. This holds whatever the ratios say: a diverged step whose
 *       saturated tanh layers zero the input gradient (R = 0) still explodes.
 *   <li>EXPLODING by growth: R &gt; {@link #totalGainLimit()}, or G &gt; {@link #meanGainLimit()}
 *       and R &gt; {@link #minTotalChange()} (steady per-layer growth that already matters end to end).
 *   <li>VANISHING by decay: the mirror image, R &lt; 1/totalGainLimit, or G &lt; 1/meanGainLimit
 *       and R &lt; 1/minTotalChange; also ‖v_S‖ &gt; 0 and ‖v_0‖ &lt; {@link #minGradientNorm()}.
 *   <li>STABLE otherwise (including ‖v_S‖ = 0, where R is 1 by definition).
 * </ol>
 *
 * <p>Defaults and why: meanGainLimit 1.25 (well-initialized networks stay near 1 per layer;
 * 1.25 per layer is 87× over 20 layers, and 8-layer tanh MLPs with weights of gain 4 measure
 * 1.4–1.6); minTotalChange 10 (one order of magnitude end to end, so a 2-layer network with gain
 * 1.6 per layer stays STABLE; for up to 10 slots the per-slot rule thus means R &gt; 10, beyond 31
 * slots totalGainLimit decides first);
 * totalGainLimit 1e3 (three orders of magnitude: beyond it float32 updates of the first layers
 * lose most significant bits relative to the last ones, at any depth); maxGradientNorm and
 * maxWeightGradientNorm 1e6 (no sane loss scale produces gradients that large; they are a
 * diverged step); minGradientNorm 0, i.e. off (a useful lower limit depends on the loss scale:
 * set it for your model).
 */
public final class VerdictRule {

  /** meanGainLimit 1.25, minTotalChange 10, totalGainLimit 1e3, max norms 1e6, min norm 0 (off). */
  public static final VerdictRule DEFAULT = new VerdictRule(1.25, 10, 1e3, 1e6, 1e6, 0);

  private final double meanGainLimit;
  private final double minTotalChange;
  private final double totalGainLimit;
  private final double maxGradientNorm;
  private final double maxWeightGradientNorm;
  private final double minGradientNorm;

  private VerdictRule(double meanGainLimit, double minTotalChange, double totalGainLimit,
      double maxGradientNorm, double maxWeightGradientNorm, double minGradientNorm) {
    this.meanGainLimit = atLeastOne("meanGainLimit", meanGainLimit);
    this.minTotalChange = atLeastOne("minTotalChange", minTotalChange);
    this.totalGainLimit = atLeastOne("totalGainLimit", totalGainLimit);
    this.maxGradientNorm = positive("maxGradientNorm", maxGradientNorm);
    this.maxWeightGradientNorm = positive("maxWeightGradientNorm", maxWeightGradientNorm);
    if (!(minGradientNorm >= 0 && minGradientNorm < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("minGradientNorm must be finite and >= 0, got "
          + minGradientNorm);
    }
    this.minGradientNorm = minGradientNorm;
  }

  /** G above this (and R above minTotalChange) is EXPLODING, G below its inverse VANISHING. */
  public double meanGainLimit() {
    return meanGainLimit;
  }

  /** End-to-end change R (or 1/R) the per-slot rule needs before it calls growth or decay. */
  public double minTotalChange() {
    return minTotalChange;
  }

  /** R above this is EXPLODING, R below its inverse VANISHING, whatever the depth. */
  public double totalGainLimit() {
    return totalGainLimit;
  }

  /** Any ‖v_s‖ above this is EXPLODING (+∞: off). */
  public double maxGradientNorm() {
    return maxGradientNorm;
  }

  /** The all-layer weight-gradient norm above this is EXPLODING (+∞: off). */
  public double maxWeightGradientNorm() {
    return maxWeightGradientNorm;
  }

  /** ‖v_0‖ below this (with a nonzero upstream) is VANISHING (0: off). */
  public double minGradientNorm() {
    return minGradientNorm;
  }

  // The withers below share one shape on purpose: each copies all fields but one, and the
  // constructor validates them all (a builder would be more code for six doubles).

  /** A copy with meanGainLimit g: finite or +∞ (off), ≥ 1. */
  public VerdictRule withMeanGainLimit(double g) {
    return new VerdictRule(g, minTotalChange, totalGainLimit, maxGradientNorm,
        maxWeightGradientNorm, minGradientNorm);
  }

  /** A copy with minTotalChange c: ≥ 1 (1: the per-slot rule alone decides). */
  public VerdictRule withMinTotalChange(double c) {
    return new VerdictRule(meanGainLimit, c, totalGainLimit, maxGradientNorm,
        maxWeightGradientNorm, minGradientNorm);
  }

  /** A copy with totalGainLimit r: ≥ 1, or +∞ (off). */
  public VerdictRule withTotalGainLimit(double r) {
    return new VerdictRule(meanGainLimit, minTotalChange, r, maxGradientNorm,
        maxWeightGradientNorm, minGradientNorm);
  }

  /** A copy with maxGradientNorm n: &gt; 0, or +∞ (off). */
  public VerdictRule withMaxGradientNorm(double n) {
    return new VerdictRule(meanGainLimit, minTotalChange, totalGainLimit, n,
        maxWeightGradientNorm, minGradientNorm);
  }

  /** A copy with maxWeightGradientNorm n: &gt; 0, or +∞ (off). */
  public VerdictRule withMaxWeightGradientNorm(double n) {
    return new VerdictRule(meanGainLimit, minTotalChange, totalGainLimit, maxGradientNorm, n,
        minGradientNorm);
  }

  /** A copy with minGradientNorm n: finite, ≥ 0 (0: off). */
  public VerdictRule withMinGradientNorm(double n) {
    return new VerdictRule(meanGainLimit, minTotalChange, totalGainLimit, maxGradientNorm,
        maxWeightGradientNorm, n);
  }

  /**
   * The verdict for end-to-end gain r over slots layers-or-steps, largest gradient norm maxNorm,
   * all-layer weight-gradient norm weightNorm, input and upstream gradient norms; finite inputs
   * assumed (the caller handles NON_FINITE).
   */
  GradientProfile.Verdict apply(double r, int slots, double maxNorm, double weightNorm,
      double inputNorm, double upstreamNorm) {
    if (maxNorm > maxGradientNorm || weightNorm > maxWeightGradientNorm) {
      return GradientProfile.Verdict.EXPLODING;
    }
    if (upstreamNorm == 0) {
      return GradientProfile.Verdict.STABLE;
    }
    double g = Math.pow(r, 1.0 / slots);
    if (r > totalGainLimit || (g > meanGainLimit && r > minTotalChange)) {
      return GradientProfile.Verdict.EXPLODING;
    }
    if (r < 1 / totalGainLimit || (g < 1 / meanGainLimit && r < 1 / minTotalChange)
        || inputNorm < minGradientNorm) {
      return GradientProfile.Verdict.VANISHING;
    }
    return GradientProfile.Verdict.STABLE;
  }

  private static double atLeastOne(String what, double v) {
    if (!(v >= 1)) {
      throw new IllegalArgumentException(what + " must be >= 1 (or +Infinity), got " + v);
    }
    return v;
  }

  private static double positive(String what, double v) {
    if (!(v > 0)) {
      throw new IllegalArgumentException(what + " must be > 0 (or +Infinity), got " + v);
    }
    return v;
  }

  @Override
  public String toString() {
    return "VerdictRule[meanGainLimit=" + meanGainLimit + ", minTotalChange=" + minTotalChange
        + ", totalGainLimit=" + totalGainLimit + ", maxGradientNorm=" + maxGradientNorm
        + ", maxWeightGradientNorm=" + maxWeightGradientNorm + ", minGradientNorm="
        + minGradientNorm + "]";
  }
}
