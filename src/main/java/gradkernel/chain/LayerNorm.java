package gradkernel.chain;

import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Layer normalization a ↦ γ ⊙ x̂ + β with x̂ = (a − mean(a))/√(var(a) + ε) per example (biased
 * variance, statistics in double). Jacobian diag(γ)·(I − 11ᵀ/n − x̂x̂ᵀ/n)/σ. Gradient block
 * layout: dγ [n], then dβ [n].
 */
public final class LayerNorm extends Layer {
  private final Vec gamma;
  private final Vec beta;
  private final double eps;

  /** Scale γ and shift β of equal length n ≥ 1; ε > 0 finite (1e-5 is PyTorch's default). */
  public LayerNorm(Vec gamma, Vec beta, double eps) {
    this.gamma = Objects.requireNonNull(gamma, "gamma");
    this.beta = Objects.requireNonNull(beta, "beta");
    if (gamma.length() != beta.length() || gamma.length() < 1) {
      throw new IllegalArgumentException("gamma [" + gamma.length() + "] and beta ["
          + beta.length() + "] must have the same length n >= 1");
    }
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
    }
    this.eps = eps;
  }

  /** The scale γ. */
  public Vec gamma() {
    return gamma;
  }

  /** The shift β. */
  public Vec beta() {
    return beta;
  }

  /** The variance offset ε. */
  public double eps() {
    return eps;
  }

  @Override public int inputSize() { return gamma.length(); }

  @Override public int outputSize() { return gamma.length(); }

  @Override public int parameterCount() { return 2 * gamma.length(); }

  /** {@code weight [n]} (γ) then {@code bias [n]} (β), PyTorch's names; both exempt from decay. */
  @Override public List<Parameter> parameters() {
    int n = gamma.length();
    return List.of(Parameter.vector("weight", 0, n, Decay.EXEMPT),
        Parameter.vector("bias", n, n, Decay.EXEMPT));
  }

  @Override List<gradkernel.tensor.Matrix> parameterValues() {
    return List.of(row(gamma), row(beta));
  }

  @Override LayerNorm rebind(float[] data, int off) {
    int n = gamma.length();
    return new LayerNorm(new Vec(data, off, n), new Vec(data, off + n, n), eps);
  }

  @Override public String describe() {
    return "LayerNorm[" + gamma.length() + "]";
  }

  /** x̂ [n] per example, then 1/σ per example. */
  @Override int scratchPerExample() { return gamma.length() + 1; }

  @Override int workPerExample() { return gamma.length(); }

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    int n = gamma.length();
    for (int r = 0; r < b; r++) {
      int ar = aOff + r * n;
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += a[ar + i];
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        double d = a[ar + i] - mean;
        var += d * d;
      }
      double inv = 1 / Math.sqrt(var / n + eps);
      s[sOff + b * n + r] = (float) inv;
      int xr = sOff + r * n;
      for (int i = 0; i < n; i++) {
        float xh = (float) ((a[ar + i] - mean) * inv);
        s[xr + i] = xh;
        out[outOff + r * n + i] = gamma.get(i) * xh + beta.get(i);
      }
    }
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    int n = gamma.length();
    if (grad != null) {
      Arrays.fill(grad, gOff, gOff + 2 * n, 0f);
    }
    for (int r = 0; r < b; r++) {
      int ur = upOff + r * n;
      int xr = sOff + r * n;
      K.mul(n, up, ur, gamma.data(), gamma.offset(), w, wOff); // dx̂ = up ⊙ γ
      double m1 = 0;
      double m2 = 0;
      for (int i = 0; i < n; i++) {
        m1 += w[wOff + i];
        m2 += (double) w[wOff + i] * s[xr + i];
      }
      normalizeDirection(n, w, wOff, s, xr, m1 / n, m2 / n, s[sOff + b * n + r], dIn,
          dInOff + r * n);
      if (grad != null) {
        for (int i = 0; i < n; i++) {
          grad[gOff + i] += up[ur + i] * s[xr + i];
        }
        K.axpy(n, 1f, up, ur, grad, gOff + n);
      }
    }
    double ss = grad == null ? 0 : K.sumOfSquares(2 * n, grad, gOff);
    record(p, slot, dIn, dInOff, b * n, ss);
    return ss;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    int n = gamma.length();
    double m1 = 0;
    double m2 = 0;
    for (int i = 0; i < n; i++) {
      m1 += da[daOff + i];
      m2 += (double) da[daOff + i] * s[sOff + i];
    }
    normalizeDirection(n, da, daOff, s, sOff, m1 / n, m2 / n, s[sOff + n], dOut, dOutOff);
    K.mul(n, dOut, dOutOff, gamma.data(), gamma.offset(), dOut, dOutOff);
  }

  /** out = (v − m1 − x̂·m2)/σ: the projection shared by the VJP and the JVP (P is symmetric). */
  private static void normalizeDirection(int n, float[] v, int vOff, float[] xh, int xOff,
      double m1, double m2, float inv, float[] out, int outOff) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = (float) ((v[vOff + i] - m1 - xh[xOff + i] * m2) * inv);
    }
  }
}
