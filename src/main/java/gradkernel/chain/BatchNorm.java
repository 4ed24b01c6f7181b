package gradkernel.chain;

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
 *       (statistics in double, summed over the batch in row order); the running statistics are
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

  /** x̂ [b, n], then 1/σ [n] and the mode flag (fits: b·n + n + 1 ≤ b·(2n + 1)). */
  @Override int scratchPerExample() { return 2 * n + 1; }

  @Override int workPerExample() { return n; }

  private float g(int j) {
    return gamma == null ? 1f : gamma.get(j);
  }

  private float bt(int j) {
    return beta == null ? 0f : beta.get(j);
  }

  /**
   * Per-thread double accumulators [4n] (the statistics of each feature, summed row by row so the
   * passes stream over [b, n] in memory order; each feature still sums its rows in order 0 … b−1,
   * so the bits do not depend on the loop order). Allocated once per thread.
   */
  private final ThreadLocal<double[]> acc = ThreadLocal.withInitial(() -> new double[4 * features()]);

  @Override
  void forward(int b, float[] a, int aOff, float[] out, int outOff, float[] s, int sOff) {
    int inv = sOff + b * n;
    boolean train = mode == Mode.TRAIN;
    if (train && b < 2) {
      throw new IllegalArgumentException("BatchNorm in TRAIN mode needs a batch of at least 2 "
          + "(got " + b + "); use Mode.EVAL for single examples");
    }
    s[inv + n] = train ? 1f : 0f;
    double[] d = acc.get();
    // d[0, n): mean, d[n, 2n): sum of squared deviations (then unused), d[2n, 3n): 1/sqrt(var+eps)
    if (train) {
      java.util.Arrays.fill(d, 0, 2 * n, 0.0);
      for (int r = 0; r < b; r++) {
        int row = aOff + r * n;
        for (int j = 0; j < n; j++) {
          d[j] += a[row + j];
        }
      }
      for (int j = 0; j < n; j++) {
        d[j] = d[j] / b;
      }
      for (int r = 0; r < b; r++) {
        int row = aOff + r * n;
        for (int j = 0; j < n; j++) {
          double e = a[row + j] - d[j];
          d[n + j] += e * e;
        }
      }
      float[] rm = runningMean.data();
      float[] rv = runningVar.data();
      int m0 = runningMean.offset();
      int v0 = runningVar.offset();
      for (int j = 0; j < n; j++) {
        double sq = d[n + j];
        rm[m0 + j] = (float) ((1 - momentum) * rm[m0 + j] + momentum * d[j]);
        rv[v0 + j] = (float) ((1 - momentum) * rv[v0 + j] + momentum * (sq / (b - 1)));
        d[2 * n + j] = 1 / Math.sqrt(sq / b + eps);
      }
    } else {
      for (int j = 0; j < n; j++) {
        d[j] = runningMean.get(j);
        d[2 * n + j] = 1 / Math.sqrt(runningVar.get(j) + eps);
      }
    }
    // γ and β (exact as doubles) into d[n, 2n) and d[3n, 4n), so the pass below is plain arrays.
    for (int j = 0; j < n; j++) {
      s[inv + j] = (float) d[2 * n + j];
      d[n + j] = g(j);
      d[3 * n + j] = bt(j);
    }
    for (int r = 0; r < b; r++) {
      int row = r * n;
      for (int j = 0; j < n; j++) {
        float xh = (float) ((a[aOff + row + j] - d[j]) * d[2 * n + j]);
        s[sOff + row + j] = xh;
        out[outOff + row + j] = Math.fma((float) d[n + j], xh, (float) d[3 * n + j]);
      }
    }
    if (train) {
      batchesTracked++;
    }
  }

  @Override
  double backward(int b, float[] a, int aOff, float[] s, int sOff, float[] up, int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    int inv = sOff + b * n;
    boolean train = s[inv + n] != 0f;
    double[] d = acc.get();
    // d[0, n): Σ dy, d[n, 2n): Σ dy·x̂ per feature (rows in order), d[2n, 3n): γ (TRAIN)
    java.util.Arrays.fill(d, 0, 2 * n, 0.0);
    for (int r = 0; r < b; r++) {
      int row = r * n;
      for (int j = 0; j < n; j++) {
        double u = up[upOff + row + j];
        d[j] += u;
        d[n + j] += u * s[sOff + row + j];
      }
    }
    if (train) {
      // dx̂ = γ·dy, so the batch means of dx̂ and dx̂ ⊙ x̂ are γ times those of dy; keep them in
      // d[0, n) and d[n, 2n) after the sums went to grad.
      if (grad != null && gamma != null) {
        for (int j = 0; j < n; j++) {
          grad[gOff + j] = (float) d[n + j];
          grad[gOff + n + j] = (float) d[j];
        }
      }
      for (int j = 0; j < n; j++) {
        float gj = g(j);
        d[j] = gj * d[j] / b;
        d[n + j] = gj * d[n + j] / b;
        d[2 * n + j] = gj;
      }
      for (int r = 0; r < b; r++) {
        int row = r * n;
        for (int j = 0; j < n; j++) {
          int e = row + j;
          double is = s[inv + j];
          dIn[dInOff + e] = (float) ((d[2 * n + j] * up[upOff + e] - d[j]
              - s[sOff + e] * d[n + j]) * is);
        }
      }
    } else {
      if (grad != null && gamma != null) {
        for (int j = 0; j < n; j++) {
          grad[gOff + j] = (float) d[n + j];
          grad[gOff + n + j] = (float) d[j];
        }
      }
      for (int r = 0; r < b; r++) {
        int row = r * n;
        for (int j = 0; j < n; j++) {
          int e = row + j;
          double is = s[inv + j];
          dIn[dInOff + e] = (float) (g(j) * (double) up[upOff + e] * is);
        }
      }
    }
    double ss = grad == null || gamma == null ? 0 : K.sumOfSquares(2 * n, grad, gOff);
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
