package gradkernel.clip;

import gradkernel.kernel.Kernels;
import gradkernel.tensor.Vec;

/**
 * A mergeable, overflow-safe p-norm (p ≥ 1 or +∞) of many float tensors viewed as one vector:
 * add tensors ({@link Vec} views) as they are produced, add precomputed partials, merge the
 * accumulators of other shards, read {@link #norm()}.
 *
 * <p><b>Representation.</b> For p = 2 each tensor is cut into fixed chunks of {@value #CHUNK}
 * elements; a chunk's Σx² is computed by the kernel in double (squares of floats are exact in
 * double and a chunk's sum cannot overflow), and the chunk partials, precomputed partials and
 * merged accumulators are summed <b>exactly</b> in an {@link ExactSum}, rounded once when read.
 * For other p it keeps {@code (scale, sum)} with Σ|x|^p = scale^p·sum and scale = max|x| (LAPACK
 * dlassq's idea), so no power ever overflows or underflows harmfully. Hence finite input always
 * gives a finite, correct norm (1000 values of 1e19 and 10 of 3.0 give 3.16227766e20).
 *
 * <p><b>Error bound.</b> For n elements, p = 2: relative error ≤ (min(n, CHUNK)/2 + 2)·2⁻⁵³ (exact
 * squares, double summation within a chunk, exact summation of chunks, one rounding and one square
 * root); other p: ≤ (n + p + 4)·2⁻⁵² (Math.pow is within 1 ulp); both far inside 10⁻⁶.
 *
 * <p><b>Determinism.</b> For p = 2 the result depends only on the multiset of chunk partials: the
 * same tensors give bit-identical norms on every run, for any thread count, and for any split of
 * the tensors across accumulators merged in any order or tree ({@link #merge} is exact) — the
 * property a cluster needs, where partials arrive in no fixed order. Chunk partials come from the
 * active kernels, so they are identical between machines that select the same kernels (same
 * {@code Kernels.active().name()}). For p ≠ 2, partials combine in call order: deterministic for a
 * fixed merge tree, not bit for bit across trees.
 *
 * <p><b>Non-finite input</b> is recorded, not thrown: the norm becomes NaN (if any NaN) or +∞,
 * and the first offending element (tensor index, element index, value) is kept for
 * {@link #requireFinite()} and the accessors. Not thread-safe: one accumulator per thread/shard.
 */
public final class NormAccumulator {
  /** Elements per chunk: fixed, so partials never depend on the number of threads. */
  public static final int CHUNK = 1 << 16;

  private final double p;
  private final double[] pair = new double[2]; // scratch for one chunk partial
  private final ExactSum exact = new ExactSum(); // p = 2: Σ of chunk partials, exactly
  private double sum;
  private double scale;
  private double nonFinite; // 0 while every input was finite, else NaN or +∞
  private int tensors;
  private int badTensor = -1;
  private int badElement = -1;
  private float badValue;

  private NormAccumulator(double p) {
    this.p = p;
  }

  /** An empty Euclidean-norm accumulator (norm 0). */
  public static NormAccumulator l2() {
    return new NormAccumulator(2);
  }

  /** An empty p-norm accumulator; p ≥ 1 or {@code Double.POSITIVE_INFINITY}. */
  public static NormAccumulator of(double p) {
    return new NormAccumulator(checkP(p));
  }

  static double checkP(double p) {
    if (!(p >= 1)) {
      throw new IllegalArgumentException("p must be >= 1 or +Infinity, got " + p);
    }
    return p;
  }

  /** The order p of the norm. */
  public double p() {
    return p;
  }

  /** Number of tensors (and precomputed partials) added so far, merged ones included. */
  public int tensorCount() {
    return tensors;
  }

  /** Empties the accumulator for reuse (no allocation). */
  public NormAccumulator reset() {
    exact.reset();
    sum = 0;
    scale = 0;
    nonFinite = 0;
    tensors = 0;
    badTensor = -1;
    badElement = -1;
    badValue = 0;
    return this;
  }

  /**
   * Adds the view's elements (exactly its slice of the backing array, e.g.
   * {@code Gradients.values()}) as the next tensor; reads it once through the kernels.
   */
  public NormAccumulator add(Vec x) {
    checked(x, tensors);
    return addRange(x.data(), x.offset(), x.length());
  }

  /** Adds every view of {@code grads} as a tensor, in order. */
  public NormAccumulator addAll(Vec... grads) {
    java.util.Objects.requireNonNull(grads, "grads");
    for (Vec g : grads) {
      add(g);
    }
    return this;
  }

  /** Adds {@code x[off, off+len)} (a valid range) as the next tensor. */
  NormAccumulator addRange(float[] x, int off, int len) {
    int t = openTensor();
    for (int c = 0, n; c < len; c += n) {
      n = Math.min(CHUNK, len - c);
      partial(p, x, off + c, n, pair, 0);
      accept(t, x, off, c, n, pair[0], pair[1]);
    }
    return this;
  }

  /**
   * Adds a precomputed Σx² (p = 2 only) as one tensor, e.g. the chain's per-layer partial. Any
   * finite value ≥ 0 is safe; NaN or +∞ is recorded as non-finite (element index -1).
   */
  public NormAccumulator addSumOfSquares(double sumOfSquares) {
    if (p != 2) {
      throw new IllegalArgumentException("addSumOfSquares needs p = 2, accumulator has p = " + p);
    }
    checkPartial("sumOfSquares", sumOfSquares);
    int t = openTensor();
    if (!Double.isFinite(sumOfSquares)) {
      recordPartial(t, sumOfSquares);
    } else {
      addScaled(sumOfSquares, 0);
    }
    return this;
  }

  /**
   * Adds a precomputed p-norm of one tensor (any p; for p = 2 without squaring overflow). NaN or
   * +∞ is recorded as non-finite (element index -1).
   */
  public NormAccumulator addNorm(double norm) {
    checkPartial("norm", norm);
    int t = openTensor();
    if (!Double.isFinite(norm)) {
      recordPartial(t, norm);
    } else if (p == 2) {
      int e = norm == 0 ? 0 : Math.getExponent(norm) & ~1; // even: exact square-root rescale
      double m = Math.scalb(norm, -e);
      addScaled(m * m, 2 * e);
    } else {
      mergeFinite(norm, 1);
    }
    return this;
  }

  /**
   * Appends another accumulator of the same p (its tensors are numbered after this one's). For
   * p = 2 the merge is exact: the norm does not depend on the merge order or tree.
   */
  public NormAccumulator merge(NormAccumulator other) {
    java.util.Objects.requireNonNull(other, "other");
    if (other.p != p) {
      throw new IllegalArgumentException("cannot merge p = " + other.p + " into p = " + p);
    }
    if (other.nonFinite != 0) {
      flag(other.nonFinite);
      if (badTensor < 0) {
        badTensor = tensors + other.badTensor;
        badElement = other.badElement;
        badValue = other.badValue;
      }
    }
    if (p == 2) {
      exact.add(other.exact);
    } else {
      mergeFinite(other.scale, other.sum);
    }
    tensors += other.tensors;
    return this;
  }

  /** The p-norm of everything added: finite for finite input; NaN if any NaN, else +∞. */
  public double norm() {
    if (nonFinite != 0) {
      return nonFinite;
    }
    if (p == 2) {
      return exact.sqrt();
    }
    if (p == Double.POSITIVE_INFINITY || scale == 0) {
      return scale;
    }
    return scale * Math.pow(sum, 1 / p);
  }

  /** Σx² (p = 2 only); may overflow double to +∞ where {@link #norm()} does not. */
  public double sumOfSquares() {
    if (p != 2) {
      throw new IllegalArgumentException("sumOfSquares needs p = 2, accumulator has p = " + p);
    }
    return nonFinite != 0 ? nonFinite : exact.toDouble();
  }

  /** True while every element and partial added so far was finite. */
  public boolean isFinite() {
    return nonFinite == 0;
  }

  /** Tensor index of the first non-finite element, or -1 if none. */
  public int nonFiniteTensor() {
    return badTensor;
  }

  /** Element index (relative to the tensor's offset) of the first non-finite element; -1 if none
   * or if it was a precomputed partial. */
  public int nonFiniteElement() {
    return badElement;
  }

  /** Value of the first non-finite element (NaN or ±∞); 0 if none. */
  public float nonFiniteValue() {
    return badValue;
  }

  /** Throws {@link NonFiniteException} naming the first non-finite element, if any. */
  public void requireFinite() {
    if (nonFinite != 0) {
      throw new NonFiniteException("gradient", badTensor, badElement, badValue);
    }
  }

  // ---- package-private pieces shared with the parallel and clipping code ----

  int openTensor() {
    return tensors++;
  }

  /**
   * Chunk partial of x[from, from+n) into out[i] (scale: max|x|, unused for p = 2) and out[i+1]
   * (p = 2: Σx²; other finite p: Σ(|x|/scale)^p). Non-finite input shows as a non-finite
   * out[i+1] (p = 2) or out[i] (other p).
   */
  static void partial(double p, float[] x, int from, int n, double[] out, int i) {
    Kernels k = Kernels.active();
    if (p == 2) {
      out[i] = 0;
      out[i + 1] = k.sumOfSquares(n, x, from);
      return;
    }
    double m = k.maxAbs(n, x, from);
    out[i] = m;
    double s = 0;
    if (p != Double.POSITIVE_INFINITY && m > 0 && m < Double.POSITIVE_INFINITY) {
      // No kernel computes Σ|x|^p; this loop runs only for p ∉ {2, ∞}.
      for (int j = from; j < from + n; j++) {
        s += Math.pow(Math.abs(x[j]) / m, p);
      }
    }
    out[i + 1] = s;
  }

  /** Adds the partial of chunk [chunkStart, chunkStart+n) of tensor t = x[off, ...). */
  void accept(int t, float[] x, int off, int chunkStart, int n, double chunkScale,
      double chunkSum) {
    double indicator = p == 2 ? chunkSum : chunkScale;
    if (!Double.isFinite(indicator)) {
      flag(indicator);
      if (badTensor < 0) {
        int i = chunkStart + Kernels.active().indexOfNonFinite(n, x, off + chunkStart);
        badTensor = t;
        badElement = i;
        badValue = x[off + i];
      }
    } else if (p == 2) {
      addScaled(chunkSum, 0);
    } else {
      mergeFinite(chunkScale, chunkSum);
    }
  }

  /** x itself, or a NullPointerException naming tensor t. */
  static Vec checked(Vec x, int t) {
    if (x == null) {
      throw new NullPointerException("tensor " + t);
    }
    return x;
  }

  private static void checkPartial(String what, double v) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must be >= 0 (or NaN/+Infinity), got " + v);
    }
  }

  private void recordPartial(int t, double v) {
    flag(v);
    if (badTensor < 0) {
      badTensor = t;
      badElement = -1;
      badValue = (float) v;
    }
  }

  private void flag(double v) {
    nonFinite = Double.isNaN(nonFinite) || Double.isNaN(v) ? Double.NaN : Double.POSITIVE_INFINITY;
  }

  /** Σ += q·2^s exactly, for finite q ≥ 0 (p = 2). */
  private void addScaled(double q, int s) {
    exact.add(q, s);
  }

  /** (scale, sum) ⊕ (s2, q2) for p ≠ 2; powers of ratios ≤ 1 cannot overflow. */
  private void mergeFinite(double s2, double q2) {
    if (s2 == 0) {
      return;
    }
    if (p == Double.POSITIVE_INFINITY) {
      scale = Math.max(scale, s2);
    } else if (s2 > scale) {
      sum = sum * Math.pow(scale / s2, p) + q2;
      scale = s2;
    } else {
      sum += q2 * Math.pow(s2 / scale, p);
    }
  }
}
