package gradkernel.chain;

import gradkernel.kernel.BatchNormKernels;
import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Batch normalization over features (PyTorch's {@code BatchNorm1d} on input [batch, n]):
 * y = γ ⊙ x̂ + β with x̂ = (x − μ)/√(σ² + ε) per feature.
 *
 * <ul>
 *   <li>{@link Mode#TRAIN}: μ and σ² are the batch mean and the <b>biased</b> batch variance
 *       (statistics in double with shifted sums, each feature summed over the batch in row order,
 *       see {@link BatchNormKernels#shiftedSums}); the running statistics are
 *       updated as running = (1 − momentum)·running + momentum·batch, with the <b>unbiased</b>
 *       variance for {@code running_var}. The backward pass is exact: the Jacobian couples the
 *       examples, dx = (dx̂ − mean_b(dx̂) − x̂·mean_b(dx̂ ⊙ x̂))/σ per feature with dx̂ = dy ⊙ γ.
 *       A batch of 1 is rejected, as PyTorch does.</li>
 *   <li>{@link Mode#EVAL}: μ = {@code running_mean}, σ² = {@code running_var}; an affine map per
 *       feature, dx = dy ⊙ γ/σ.</li>
 * </ul>
 *
 * <p>Parameter block ({@link #parameters()}): {@code weight [n]} (γ) then {@code bias [n]} (β),
 * both exempt from decay; none when built without affine parameters. {@code running_mean} and
 * {@code running_var} are buffers, not parameters: views the caller may read, save or set.
 * Forward-mode JVP ({@link Chain#jvp}) is single-example, so it is defined in EVAL mode only.
 */
public final class BatchNorm extends Layer {
  /** PyTorch's defaults. */
  public static final double DEFAULT_EPS = 1e-5;
  /** PyTorch's default momentum of the running averages. */
  public static final double DEFAULT_MOMENTUM = 0.1;

  private final int n;
  private final Vec gamma;
  private final Vec beta;
  private final Vec runningMean;
  private final Vec runningVar;
  private final double eps;
  private final double momentum;
  private Mode mode = Mode.TRAIN;
  private long batchesTracked;

  /**
   * BatchNorm over n features with affine γ, β (null for neither: then γ = 1, β = 0 and there are
   * no parameters), running-statistic buffers [n] (views kept), ε > 0, momentum in [0, 1].
   */
  public BatchNorm(Vec gamma, Vec beta, Vec runningMean, Vec runningVar, double eps,
      double momentum) {
    this.runningMean = Objects.requireNonNull(runningMean, "runningMean");
    this.runningVar = Objects.requireNonNull(runningVar, "runningVar");
    this.n = runningMean.length();
    if (n < 1 || runningVar.length() != n) {
      throw new IllegalArgumentException("runningMean [" + runningMean.length()
          + "] and runningVar [" + runningVar.length() + "] must have the same length n >= 1");
    }
    if ((gamma == null) != (beta == null)) {
      throw new IllegalArgumentException("gamma and beta must both be given or both be null");
    }
    if (gamma != null && (gamma.length() != n || beta.length() != n)) {
      throw new IllegalArgumentException("gamma [" + gamma.length() + "] and beta ["
          + beta.length() + "] must have n = " + n + " elements like the running statistics");
    }
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
    }
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
    }
    this.gamma = gamma;
    this.beta = beta;
    this.eps = eps;
    this.momentum = momentum;
  }

  /**
   * PyTorch's {@code BatchNorm1d(n)}: affine with γ = 1, β = 0, running_mean = 0, running_var = 1,
   * ε = 1e-5, momentum 0.1, in TRAIN mode. Allocates its own buffers.
   */
  public static BatchNorm of(int n) {
    Checks.nonNegative("n", n);
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    float[] var = ones.clone();
    return new BatchNorm(Vec.of(ones), Vec.zeros(n), Vec.zeros(n), Vec.of(var), DEFAULT_EPS,
        DEFAULT_MOMENTUM);
  }

  /** Number of features n. */
  public int features() {
    return n;
  }

  /** γ [n], or null without affine parameters. */
  public Vec weight() {
    return gamma;
  }

  /** β [n], or null without affine parameters. */
  public Vec bias() {
    return beta;
  }

  /** The running mean buffer [n] (updated by every TRAIN forward). */
  public Vec runningMean() {
    return runningMean;
  }

  /** The running (unbiased) variance buffer [n]. */
  public Vec runningVar() {
    return runningVar;
  }

  /** Number of TRAIN forward passes that updated the running statistics. */
  public long batchesTracked() {
    return batchesTracked;
  }

  /** ε added to the variance. */
  public double eps() {
    return eps;
  }

  /** Momentum of the running averages. */
  public double momentum() {
    return momentum;
  }

  /** The current mode (TRAIN after construction). */
  public Mode mode() {
    return mode;
  }

  @Override void mode(Mode m) {
    this.mode = Objects.requireNonNull(m, "mode");
  }

  @Override public int inputSize() { return n; }

  @Override public int outputSize() { return n; }

  @Override public int parameterCount() { return gamma == null ? 0 : 2 * n; }

  /** {@code weight [n]} then {@code bias [n]}, exempt from decay; empty without affine. */
  @Override public List<Parameter> parameters() {
    if (gamma == null) {
      return List.of();
    }
    return List.of(Parameter.vector("weight", 0, n, Decay.EXEMPT),
        Parameter.vector("bias", n, n, Decay.EXEMPT));
  }

  @Override List<Matrix> parameterValues() {
    return gamma == null ? List.of() : List.of(row(gamma), row(beta));
  }

  /** The rebound layer shares the running buffers and the mode with this one's configuration. */
  @Override BatchNorm rebind(float[] data, int off) {
    BatchNorm b = gamma == null
        ? new BatchNorm(null, null, runningMean, runningVar, eps, momentum)
        : new BatchNorm(new Vec(data, off, n), new Vec(data, off + n, n), runningMean,
            runningVar, eps, momentum);
    b.mode = mode;
    return b;
  }

  @Override public String describe() {
    return "BatchNorm[" + n + ", " + mode.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }

  /**
   * Scratch [b, 2n + 1]: the mean as a float pair mh + ml at [0, n) and [n, 2n) (EVAL: the
   * running mean at [0, n), ml = 0), 1/σ as a float pair ih at b·n and il at b·n + n + 1 (EVAL:
   * ih only), the mode flag at b·n + n. Fits: a TRAIN batch has b ≥ 2, so b·n ≥ 2n and
   * b·(2n + 1) ≥ b·n + 2n + 1; EVAL needs 2n + 1. x̂ is not stored: every pass recomputes it
   * from x and these pairs (exact in double), the same bits in the forward and the backward.
   */
  @Override int scratchPerExample() { return 2 * n + 1; }

  @Override int workPerExample() { return n; }

  private float g(int j) {
    return gamma == null ? 1f : gamma.get(j);
  }

  private float bt(int j) {
    return beta == null ? 0f : beta.get(j);
  }

  /** Vector kernels of the four passes (bit-identical to their scalar twin). */
  private static final BatchNormKernels BN = BatchNormKernels.active();

  /**
   * Per-thread per-feature blocks for the kernels: q [5n] doubles (the statistics sums, then μ,
   * 1/σ, m1, nm2, γ), p [2n] floats (γ, β of the forward). Allocated once per thread, so repeated
   * passes allocate nothing.
   */
  private static final class Work {
    final double[] q;
    final float[] p;

    Work(int n) {
      q = new double[5 * n];
      p = new float[2 * n];
    }
  }

  private final ThreadLocal<Work> work = ThreadLocal.withInitial(() -> new Work(features()));

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    int inv = sOff + b * n;
    boolean train = mode == Mode.TRAIN;
    if (train && b < 2) {
      throw new IllegalArgumentException("BatchNorm in TRAIN mode needs a batch of at least 2 "
          + "(got " + b + "); use Mode.EVAL for single examples");
    }
    s[inv + n] = train ? 1f : 0f;
    Work wk = work.get();
    double[] q = wk.q;
    float[] rm = runningMean.data();
    float[] rv = runningVar.data();
    int m0 = runningMean.offset();
    int v0 = runningVar.offset();
    if (train) {
      BN.shiftedSums(b, n, a, aOff, q, 0);
      for (int j = 0; j < n; j++) {
        double s1 = q[j];
        double delta = s1 / b;
        double mean = a[aOff + j] + delta;
        double sq = Math.max(0, q[n + j] - s1 * delta); // Σ (x − mean)², ≥ 0 despite rounding
        rm[m0 + j] = (float) ((1 - momentum) * rm[m0 + j] + momentum * mean);
        rv[v0 + j] = (float) ((1 - momentum) * rv[v0 + j] + momentum * (sq / (b - 1)));
        double is = 1 / Math.sqrt(sq / b + eps);
        float mh = (float) mean;
        float ml = (float) (mean - mh);
        float ih = (float) is;
        float il = (float) (is - ih);
        s[sOff + j] = mh;
        s[sOff + n + j] = ml;
        s[inv + j] = ih;
        s[inv + n + 1 + j] = il;
        // the pairs as the backward will read them back (exact sums in double)
        q[j] = (double) mh + ml;
        q[n + j] = (double) ih + il;
      }
    } else {
      for (int j = 0; j < n; j++) {
        float ih = (float) (1 / Math.sqrt(rv[v0 + j] + eps));
        s[sOff + j] = rm[m0 + j];
        s[inv + j] = ih;
        q[j] = rm[m0 + j];
        q[n + j] = ih;
      }
    }
    float[] p = wk.p;
    for (int j = 0; j < n; j++) {
      p[j] = g(j);
      p[n + j] = bt(j);
    }
    BN.normalize(b, n, a, aOff, q, 0, p, 0, out, outOff);
    if (train) {
      batchesTracked++;
    }
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    int inv = sOff + b * n;
    boolean train = s[inv + n] != 0f;
    boolean paramGrads = grad != null && gamma != null;
    double[] q = work.get().q;
    for (int j = 0; j < n; j++) {
      q[j] = train ? (double) s[sOff + j] + s[sOff + n + j] : s[sOff + j];
      q[n + j] = train ? (double) s[inv + j] + s[inv + n + 1 + j] : s[inv + j];
    }
    if (train || paramGrads) {
      BN.gradSums(b, n, up, upOff, a, aOff, q, 0); // Σ dy → q[2n, 3n), Σ dy·x̂ → q[3n, 4n)
    }
    for (int j = 0; j < n; j++) {
      if (paramGrads) {
        grad[gOff + j] = (float) q[3 * n + j];
        grad[gOff + n + j] = (float) q[2 * n + j];
      }
      double gj = g(j);
      // TRAIN couples the batch: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ with dx̂ = γ·dy.
      q[2 * n + j] = train ? gj * q[2 * n + j] / b : 0;
      q[3 * n + j] = train ? -(gj * q[3 * n + j] / b) : 0;
      q[4 * n + j] = gj;
    }
    BN.inputGradient(b, n, up, upOff, a, aOff, q, 0, dIn, dInOff);
    double ss = paramGrads ? K.sumOfSquares(2 * n, grad, gOff) : 0;
    record(p, slot, dIn, dInOff, b * n, ss);
    return ss;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    // Chain.jvp runs on a batch-1 tape, which TRAIN mode rejects in forward: this is EVAL.
    for (int j = 0; j < n; j++) {
      dOut[dOutOff + j] = (float) (g(j) * (double) da[daOff + j] * s[sOff + n + j]);
    }
  }
}
