package gradkernel.spectral;

import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Spectral norm σ_max of a fixed-shape [out, in] matrix by power iteration on WᵀW, one gemv + one
 * gemvᵀ per step, with warm start: the last right singular vector is kept, so tracking σ_max over
 * training steps usually costs two pairs. After construction, {@link #estimate} allocates nothing
 * except its small result record.
 *
 * <p>Stopping rule: stop when the residual ‖Wᵀu − σv‖ ≤ tol·σ, or at the iteration cap (then
 * {@code converged == false}). The residual certifies that SOME singular value lies within it of σ;
 * a small relative change alone is not used, because on gapless spectra (e.g. a 1024² Gaussian) σ
 * creeps by &lt; 1e-4 per step while still 1% low. Float gemv limits the reachable tol to ~1e-6.
 * Not thread-safe: one instance per tracked matrix.
 *
 * <p>Prefer {@link Lanczos}: same warm-start cost (1 pair on a slightly changed matrix), and cold it
 * converges on gapless spectra (a seeded 1024² Gaussian: ~40 pairs vs ~300–600 here).
 */
public final class PowerIteration {
  private final int rows;
  private final int cols;
  private final Vec v;
  private final Vec u;
  private final Vec w;
  private boolean warm;
  private double lastSigma;

  /** Workspaces for a rows × cols matrix; the start vector is pseudo-random with the given seed. */
  public PowerIteration(int rows, int cols, long seed) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("PowerIteration: shape must be positive, got " + rows
          + "x" + cols);
    }
    this.rows = rows;
    this.cols = cols;
    this.v = Vec.zeros(cols);
    this.u = Vec.zeros(rows);
    this.w = Vec.zeros(cols);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < cols; i++) {
      v.set(i, (float) (rnd.nextDouble() - 0.5));
    }
    normalize(v, Blas.nrm2(v));
  }

  /** True once an estimate has run, so the next one starts from the last singular vector. */
  public boolean isWarm() {
    return warm;
  }

  /**
   * Estimates σ_max(W) for W of this instance's shape until the residual ‖Wᵀu − σv‖ ≤ tol·σ (the
   * stopping rule above; the relative change of σ is reported, not used), within
   * {@code maxIterations} gemv pairs ({@code converged == false} at the cap). Throws
   * IllegalArgumentException on shape mismatch, tol not in (0, 1), cap &lt; 1, or a non-finite
   * product (NaN/Inf in W).
   */
  public SpectralNormEstimate estimate(Matrix a, double tol, int maxIterations) {
    Objects.requireNonNull(a, "a");
    if (a.rows() != rows || a.cols() != cols) {
      throw new IllegalArgumentException("PowerIteration: matrix " + a.shape() + " but estimator is "
          + rows + "x" + cols);
    }
    if (!(tol > 0 && tol < 1)) {
      throw new IllegalArgumentException("tol must be in (0, 1), got " + tol);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    double sigma = warm ? lastSigma : 0;
    double change = Double.POSITIVE_INFINITY;
    double residual = Double.NaN;
    int k = 0;
    while (k < maxIterations) {
      k++;
      Blas.gemv(1f, a, v, 0f, u);
      double s = Blas.nrm2(u);
      if (!Double.isFinite(s)) {
        throw new IllegalArgumentException("PowerIteration: W·v is not finite (NaN/Inf in "
            + a.shape() + " matrix?)");
      }
      if (s == 0) {
        // W v = 0: either W = 0 (σ_max = 0 exactly) or v is in the null space; restart along e_0.
        if (isZero(a)) {
          warm = true;
          lastSigma = 0;
          return new SpectralNormEstimate(0, 0, 0, k, true);
        }
        reseed(k);
        continue;
      }
      normalize(u, s);
      Blas.gemvT(1f, a, u, 0f, w);
      double t = Blas.nrm2(w);
      // Explicit ‖Wᵀu − s v‖ in double: the shortcut √(t² − s²) cancels to ~√ε·σ in float.
      residual = residual(s);
      // on a warm first step the change is measured against the previous call's σ.
      change = k == 1 && !warm ? Double.POSITIVE_INFINITY : Math.abs(s - sigma) / s;
      sigma = s;
      if (t == 0) {
        break;
      }
      System.arraycopy(w.data(), w.offset(), v.data(), v.offset(), cols);
      normalize(v, t);
      if (residual <= tol * sigma) {
        warm = true;
        lastSigma = sigma;
        return new SpectralNormEstimate(sigma, residual, change, k, true);
      }
    }
    warm = true;
    lastSigma = sigma;
    return new SpectralNormEstimate(sigma, residual, change, k, false);
  }

  private double residual(double s) {
    float[] vd = v.data();
    float[] ww = w.data();
    double ss = 0;
    for (int i = 0; i < cols; i++) {
      double d = ww[w.offset() + i] - s * vd[v.offset() + i];
      ss += d * d;
    }
    return Math.sqrt(ss);
  }

  private void reseed(int k) {
    for (int i = 0; i < cols; i++) {
      v.set(i, i == k % cols ? 1f : 0f);
    }
  }

  private static boolean isZero(Matrix a) {
    for (int i = 0; i < a.rows(); i++) {
      if (Blas.maxAbs(a.row(i)) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void normalize(Vec x, double norm) {
    Blas.scal((float) (1.0 / norm), x);
  }
}
