package gradkernel.clip;

import java.util.Arrays;

/**
 * An exact, order-independent sum of doubles: a fixed-point "superaccumulator" (as in Kulisch's
 * long accumulator and reproducible-BLAS work such as ExBLAS) holding Σ q_i·2^{s_i} exactly over
 * the range 2⁻²²⁰⁸ … 2²¹⁴⁴, which covers every finite double times every power-of-two scale that
 * {@link NormAccumulator} uses. Additions and {@link #add(ExactSum) merges} are exact, so the
 * result does not depend on the order in which terms or partial sums arrive (a cluster's arrival
 * order, a thread pool's schedule); it is rounded once, when read.
 *
 * <p>Representation: 136 signed 64-bit limbs of 32 bits each with lazily propagated carries
 * (each addition touches three limbs; carries are propagated every 2³⁰ additions and on reads).
 * Adding a term costs a few integer operations and allocates nothing. Only the span of limbs a sum
 * has touched is cleared, merged, normalized and read, so the fixed cost of {@link #reset},
 * {@link #add(ExactSum)} and a read follows the exponent range of the terms (a few limbs for a
 * norm), not the 136 limbs of the whole range.
 * Not thread-safe: give each worker its own and merge. Serializable, so partial sums can travel
 * between machines (e.g. in a Spark {@code treeAggregate}).
 */
public final class ExactSum implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  static final int LIMBS = 136;
  /** Bit position of 2⁰: limb i holds bits [32i, 32i + 32) of the integer Σ·2^BIAS. */
  static final int BIAS = 2208;
  private static final long MASK = 0xFFFF_FFFFL;
  private static final int NORMALIZE_EVERY = 1 << 30;

  private final long[] limb = new long[LIMBS];
  private transient long[] scratch; // rounding work space, made on the first read
  private int pending;
  // Limbs outside [lo, hi] are zero; lo > hi when the sum is empty.
  private int lo = LIMBS;
  private int hi = -1;
  // the last rounding: |sum| ≈ roundMant·2^roundExp, sign roundSign (0 for an exact zero)
  private long roundMant;
  private long roundExp;
  private int roundSign;

  /** An empty sum (zero). */
  public ExactSum() {}

  /** Empties the sum for reuse. */
  public ExactSum reset() {
    if (hi >= 0) {
      Arrays.fill(limb, lo, hi + 1, 0);
    }
    lo = LIMBS;
    hi = -1;
    pending = 0;
    return this;
  }

  /** Adds q exactly; q must be finite. */
  public ExactSum add(double q) {
    return add(q, 0);
  }

  /**
   * Adds q·2^s exactly; q finite and q·2^s within the range of the class (|s| ≤ 1024 suffices for
   * any double q). Throws IllegalArgumentException naming q and s otherwise.
   */
  public ExactSum add(double q, int s) {
    if (q == 0) {
      return this;
    }
    if (!Double.isFinite(q)) {
      throw new IllegalArgumentException("q must be finite, got " + q);
    }
    long bits = Double.doubleToRawLongBits(q);
    int biased = (int) (bits >>> 52) & 0x7FF;
    long mant = bits & ((1L << 52) - 1);
    int e;
    if (biased == 0) {
      e = -1074;
    } else {
      mant |= 1L << 52;
      e = biased - 1075;
    }
    long pos = (long) e + s + BIAS;
    int top = 64 - Long.numberOfLeadingZeros(mant); // significant bits of mant
    if (pos < 0 || pos + top > 32L * (LIMBS - 1)) {
      throw new IllegalArgumentException("q·2^s = " + q + "·2^" + s
          + " lies outside the exact range 2^-" + BIAS + " .. 2^" + (32 * (LIMBS - 1) - BIAS));
    }
    int i = (int) (pos >>> 5);
    int sh = (int) (pos & 31);
    long c0 = (mant << sh) & MASK;
    long c1 = (mant >>> (32 - sh)) & MASK;
    long c2 = sh == 0 ? 0 : mant >>> (64 - sh);
    lo = Math.min(lo, i);
    hi = Math.max(hi, i + 2);
    if (q < 0) {
      limb[i] -= c0;
      limb[i + 1] -= c1;
      limb[i + 2] -= c2;
    } else {
      limb[i] += c0;
      limb[i + 1] += c1;
      limb[i + 2] += c2;
    }
    if (++pending >= NORMALIZE_EVERY) {
      normalize();
    }
    return this;
  }

  /** Adds another exact sum (exactly); the other is unchanged. */
  public ExactSum add(ExactSum other) {
    if (other.pending + pending >= NORMALIZE_EVERY) {
      normalize();
      other.normalize();
    }
    for (int i = other.lo; i <= other.hi; i++) {
      limb[i] += other.limb[i];
    }
    lo = Math.min(lo, other.lo);
    hi = Math.max(hi, other.hi);
    pending += other.pending + 1;
    return this;
  }

  /** True when the sum is exactly zero. */
  public boolean isZero() {
    normalize();
    for (int i = lo; i <= hi; i++) {
      if (limb[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Sign of the sum: -1, 0 or 1. */
  public int signum() {
    normalize();
    for (int i = hi; i >= lo; i--) {
      if (limb[i] != 0) {
        return Long.signum(limb[i]);
      }
    }
    return 0;
  }

  /** The sum rounded once to the nearest double (ties to even); ±∞ beyond the double range. */
  public double toDouble() {
    round();
    return Math.scalb((double) roundMant, (int) Math.max(Math.min(roundExp, 2100), -2100))
        * roundSign;
  }

  /**
   * √(sum rounded to a double's 53 bits), without overflow or underflow for any representable sum
   * (the square root of a sum of squares beyond the double range is still returned when it fits).
   * The sum must be ≥ 0. One rounding of the sum, one of the square root.
   */
  public double sqrt() {
    round();
    if (roundSign < 0) {
      throw new IllegalStateException("sqrt of a negative sum");
    }
    long mant = roundMant;
    long exp = roundExp;
    if ((exp & 1) != 0) {
      mant <<= 1; // exact: at most 2^54
      exp -= 1;
    }
    return Math.scalb(Math.sqrt((double) mant), (int) (exp / 2));
  }

  /** Propagates carries so every limb but the top one is in [0, 2³²). */
  private void normalize() {
    long carry = 0;
    // Above hi every limb is zero: a carry of 0 ends the propagation there; a carry of -1 (a
    // negative sum) sign-extends up to the top limb, as a full pass would.
    for (int i = lo; i < LIMBS; i++) {
      long v = limb[i] + carry;
      carry = v >> 32;
      if (i == LIMBS - 1) {
        limb[i] = v;
        if (carry != 0 && carry != -1) {
          throw new ArithmeticException("ExactSum overflow"); // impossible within the range
        }
        hi = i;
        break;
      }
      limb[i] = v & MASK;
      if (i >= hi && carry == 0) {
        hi = i;
        break;
      }
    }
    pending = 0;
  }

  /**
   * Sets roundMant ≤ 2^53, roundExp and roundSign so that |sum| rounded to nearest (ties to even)
   * to 53 bits is roundMant·2^roundExp; roundSign 0 (and roundMant 0) for an exact zero.
   */
  private void round() {
    normalize();
    long[] m = limb; // read in place when the sum is ≥ 0 (the norms' case): no copy
    int sign = 1;
    int bottom = lo; // limbs below are zero
    if (hi == LIMBS - 1 && limb[LIMBS - 1] < 0) {
      if (scratch == null) {
        scratch = new long[LIMBS];
      }
      m = scratch;
      System.arraycopy(limb, 0, m, 0, LIMBS);
      bottom = 0;
      sign = -1;
      long carry = 1; // two's complement negation over 32-bit limbs

      for (int i = 0; i < LIMBS; i++) {
        long v = (~m[i] & MASK) + carry;
        carry = v >>> 32;
        m[i] = v & MASK;
      }
    }
    int t = Math.min(hi, LIMBS - 1);
    while (t >= bottom && m[t] == 0) {
      t--;
    }
    if (t < bottom) {
      roundMant = 0;
      roundExp = 0;
      roundSign = 0;
      return;
    }
    long l1 = t >= 1 ? m[t - 1] : 0;
    long l2 = t >= 2 ? m[t - 2] : 0;
    boolean sticky = false;
    for (int i = t - 3; i >= bottom && !sticky; i--) {
      sticky = m[i] != 0;
    }
    int lz = Long.numberOfLeadingZeros(m[t]) - 32; // 0..31
    long hi = (m[t] << 32) | l1;
    long top = (hi << lz) | (l2 >>> (32 - lz));
    long dropped = l2 & ((1L << (32 - lz)) - 1);
    sticky |= dropped != 0 || (top & 0x3FF) != 0;
    long mant = top >>> 11;
    boolean round = ((top >>> 10) & 1) != 0;
    if (round && (sticky || (mant & 1) != 0)) {
      mant++;
    }
    // top = W >>> (32 - lz) with W = limbs t..t-2 at scale 2^(32(t-2) - BIAS)
    roundMant = mant;
    roundExp = 32L * (t - 2) - BIAS + (32 - lz) + 11;
    roundSign = sign;
  }
}
