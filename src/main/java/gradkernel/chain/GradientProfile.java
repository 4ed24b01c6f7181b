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
 * <p>Verdict rule, on the end-to-end ratio R = ‖v_0‖/‖v_S‖ (three orders of magnitude either
 * way, the range over which float32 training still keeps most significant bits of the earliest
 * layers' updates relative to the last ones): NON_FINITE if any recorded value is NaN or ±∞;
 * else STABLE if ‖v_S‖ = 0 or 1e-3 ≤ R ≤ 1e3; EXPLODING if R > 1e3; VANISHING if R < 1e-3.
 */
public final class GradientProfile {

  /** Verdict on the end-to-end gradient ratio; see the class comment for the rule. */
  public enum Verdict { STABLE, EXPLODING, VANISHING, NON_FINITE }

  /** R above this is EXPLODING. */
  public static final double EXPLODING_RATIO = 1e3;
  /** R below this is VANISHING. */
  public static final double VANISHING_RATIO = 1e-3;

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

  /** √{@link #weightGradientSumOfSquares()}. */
  public double weightGradientNorm() {
    return Math.sqrt(weightSs);
  }

  /** The verdict by the rule in the class comment. */
  public Verdict verdict() {
    if (!filled) {
      throw new IllegalStateException("profile not filled: run backward with it first");
    }
    if (firstSlot >= 0 || !Double.isFinite(weightSs)) {
      return Verdict.NON_FINITE;
    }
    double r = totalGain();
    if (r > EXPLODING_RATIO) {
      return Verdict.EXPLODING;
    }
    return r < VANISHING_RATIO ? Verdict.VANISHING : Verdict.STABLE;
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
