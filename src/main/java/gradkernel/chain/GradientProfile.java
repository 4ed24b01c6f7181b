package gradkernel.chain;

import gradkernel.kernel.Kernels;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the gradient grows on its way back through a {@link Chain}, filled by backward while the
 * gradient vectors are still in cache (no extra pass over weights or weight gradients).
 *
 * <p>Slot s (see {@link Chain#firstSlot(int)}) holds v_s, the gradient w.r.t. the input of the
 * layer (or, for a recurrent layer, the hidden state h_t) behind the slot; slot {@link #slots()}
 * is the upstream gradient v_S. For a batch, norms are Frobenius norms over the whole [batch,
 * width] block. gain(s) = ‖v_s‖/‖v_{s+1}‖, with 0/0 defined as 1 and x/0 as +∞.
 *
 * <p>The verdict looks at the per-slot gains (their geometric mean against depth), the
 * end-to-end gain, the absolute sizes of the gradients and of the weight gradients, and non-finite
 * values; the rule and its thresholds are documented in {@link VerdictRule}, whose
 * {@link VerdictRule#DEFAULT defaults} {@link #verdict()} applies. In short: NON_FINITE on any
 * NaN/±∞; EXPLODING when a gradient or the weight gradients exceed 1e6 in norm, when the mean gain
 * per slot exceeds 1.25 with more than 10× end to end, or when the end-to-end gain exceeds 1e3;
 * VANISHING for the mirror images; else STABLE.
 */
public final class GradientProfile {

  /** Verdict on the gradient flow; see {@link VerdictRule} for the rule. */
  public enum Verdict {
    /** None of the others. */
    STABLE,
    /** The gradient grows through the layers, or the gradients are too large. */
    EXPLODING,
    /** The gradient decays through the layers (or the input gradient is below a set limit). */
    VANISHING,
    /** A NaN or ±∞ was recorded in a gradient or in the weight gradients. */
    NON_FINITE
  }

  private static final Kernels K = Kernels.active();

  private final Chain chain;
  private final double[] norm;
  private final float[] maxAbs;
  private final double[] weightNorm;
  private final double[] cellNorm;
  private final long[] nan;
  private final long[] posInf;
  private final long[] negInf;
  private int firstSlot;
  private long firstIndex;
  private double weightSs;
  private boolean filled;

  /** An empty profile for chain, reusable across backward passes. */
  public GradientProfile(Chain chain) {
    this.chain = Objects.requireNonNull(chain, "chain");
    int s = chain.profileSlots() + 1;
    norm = new double[s];
    maxAbs = new float[s];
    weightNorm = new double[s];
    cellNorm = new double[s];
    nan = new long[s];
    posInf = new long[s];
    negInf = new long[s];
  }

  /** The chain this profile describes. */
  public Chain chain() {
    return chain;
  }

  /** Number of slots S (excluding the upstream slot S). */
  public int slots() {
    return norm.length - 1;
  }

  /** ‖v_s‖₂ (double, overflow-free), s in [0, S]; slot S is the upstream gradient. */
  public double gradientNorm(int s) {
    return norm[check(s)];
  }

  /** max |v_s[i]| (NaN if v_s holds a NaN), s in [0, S]. */
  public float maxAbs(int s) {
    return maxAbs[check(s)];
  }

  /**
   * Frobenius norm of the parameter gradients of the layer behind slot s (weights and biases,
   * this backward's values); 0 when backward ran without a Gradients buffer or for slots other
   * than a layer's first.
   */
  public double weightGradientNorm(int s) {
    return weightNorm[check(s)];
  }

  /**
   * ‖∂L/∂c_j‖₂ for a slot s of an {@link Lstm} layer (the cell state c_j paired with the hidden
   * state h_j of {@link #gradientNorm}): BPTT's δc_j, which for j ≥ 1 includes the path through
   * h_j = o_j ⊙ tanh(c_j) (c_0 and h_0 are independent inputs). 0 for every other slot and for
   * the upstream slot S.
   */
  public double cellGradientNorm(int s) {
    return cellNorm[check(s)];
  }

  /** ‖v_s‖/‖v_{s+1}‖ for s in [0, S); 0/0 = 1, x/0 = +∞. */
  public double gain(int s) {
    Objects.checkIndex(s, slots());
    return ratio(norm[s], norm[s + 1]);
  }

  /** ‖v_0‖/‖v_S‖, the end-to-end gain. */
  public double totalGain() {
    return ratio(norm[0], norm[slots()]);
  }

  /** totalGain()^(1/S): the average per-slot gain. */
  public double geometricMeanGain() {
    return Math.pow(totalGain(), 1.0 / slots());
  }

  /** Number of NaN elements in v_s. */
  public long nanCount(int s) {
    return nan[check(s)];
  }

  /** Number of +∞ elements in v_s. */
  public long positiveInfinityCount(int s) {
    return posInf[check(s)];
  }

  /** Number of −∞ elements in v_s. */
  public long negativeInfinityCount(int s) {
    return negInf[check(s)];
  }

  /**
   * The slot where a non-finite value was first seen going backward (the one nearest the output,
   * where it was born; S if the upstream itself was non-finite), or -1 if none.
   */
  public int firstNonFiniteSlot() {
    return firstSlot;
  }

  /** The layer index owning {@link #firstNonFiniteSlot()}, L for the upstream, -1 if none. */
  public int firstNonFiniteLayer() {
    if (firstSlot < 0) {
      return -1;
    }
    int l = 0;
    while (l < chain.size() && chain.firstSlot(l + 1) <= firstSlot) {
      l++;
    }
    return l;
  }

  /** Element index (row-major within [batch, width]) of the first non-finite value, or -1. */
  public long firstNonFiniteIndex() {
    return firstIndex;
  }

  /** Σ over all layers of the squared parameter-gradient norms (feeds global-norm clipping). */
  public double weightGradientSumOfSquares() {
    return weightSs;
  }

  /**
   * √{@link #weightGradientSumOfSquares()}: the global norm over all layers (per layer:
   * {@link #weightGradientNorm(int)}).
   */
  public double globalWeightGradientNorm() {
    return Math.sqrt(weightSs);
  }

  /** The verdict by {@link VerdictRule#DEFAULT}. */
  public Verdict verdict() {
    return verdict(VerdictRule.DEFAULT);
  }

  /**
   * The verdict by {@code rule} (see {@link VerdictRule} for the rule).
   *
   * @throws IllegalStateException if no backward pass has filled this profile yet
   */
  public Verdict verdict(VerdictRule rule) {
    Objects.requireNonNull(rule, "rule");
    if (!filled) {
      throw new IllegalStateException("profile not filled: run backward with it first");
    }
    if (firstSlot >= 0 || !Double.isFinite(weightSs)) {
      return Verdict.NON_FINITE;
    }
    double max = 0;
    for (double n : norm) {
      max = Math.max(max, n);
    }
    return rule.apply(totalGain(), slots(), max, globalWeightGradientNorm(), norm[0], norm[slots()]);
  }

  void begin(float[] up, int off, int len) {
    Arrays.fill(norm, 0);
    Arrays.fill(maxAbs, 0);
    Arrays.fill(weightNorm, 0);
    Arrays.fill(cellNorm, 0);
    Arrays.fill(nan, 0);
    Arrays.fill(posInf, 0);
    Arrays.fill(negInf, 0);
    firstSlot = -1;
    firstIndex = -1;
    weightSs = 0;
    filled = false;
    record(slots(), up, off, len, 0);
  }

  void record(int s, float[] v, int off, int len, double weightSumOfSquares) {
    double ss = K.sumOfSquares(len, v, off);
    norm[s] = Math.sqrt(ss);
    maxAbs[s] = K.maxAbs(len, v, off);
    weightNorm[s] = Math.sqrt(weightSumOfSquares);
    if (!Double.isFinite(ss)) {
      countNonFinite(s, v, off, len);
    }
  }

  /** Records ‖v‖ of an LSTM cell-state gradient into slot s (informational: no verdict input). */
  void recordCell(int s, float[] v, int off, int len) {
    cellNorm[s] = Math.sqrt(K.sumOfSquares(len, v, off));
  }

  void finish(double weightSumOfSquares) {
    weightSs = weightSumOfSquares;
    filled = true;
  }

  /** Only reached when something is non-finite, so the scalar count costs nothing normally. */
  private void countNonFinite(int s, float[] v, int off, int len) {
    int first = K.indexOfNonFinite(len, v, off);
    if (firstSlot < 0 && first >= 0) {
      firstSlot = s;
      firstIndex = first;
    }
    for (int i = first < 0 ? len : first; i < len; i++) {
      float x = v[off + i];
      if (Float.isNaN(x)) {
        nan[s]++;
      } else if (x == Float.POSITIVE_INFINITY) {
        posInf[s]++;
      } else if (x == Float.NEGATIVE_INFINITY) {
        negInf[s]++;
      }
    }
  }

  private static double ratio(double num, double den) {
    if (den == 0) {
      return num == 0 ? 1 : Double.POSITIVE_INFINITY;
    }
    return num / den;
  }

  private int check(int s) {
    return Objects.checkIndex(s, norm.length);
  }
}
