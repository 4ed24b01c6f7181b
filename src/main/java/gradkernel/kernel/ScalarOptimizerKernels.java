package gradkernel.kernel;

/**
 * Plain-loop reference of {@link OptimizerKernels}. The static range methods ({@code from} to
 * {@code n}) also run the Vector API implementation's tails, so both agree bit for bit.
 */
final class ScalarOptimizerKernels implements OptimizerKernels {
  static final ScalarOptimizerKernels INSTANCE = new ScalarOptimizerKernels();

  private ScalarOptimizerKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  /** g' = g·clip, then the coupled L2 and L1 penalties (see {@link OptimizerKernels}). */
  static float grad(float g, float w, float clip, float l2, float l1) {
    float x = g * clip;
    if (l2 != 0) {
      x = Math.fma(l2, w, x);
    }
    if (l1 != 0) {
      x += w > 0 ? l1 : w < 0 ? -l1 : 0f;
    }
    return x;
  }

  @Override
  public void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] b, int bOff,
      float clip, float l2, float l1, float lr, float momentum, float damp, boolean nesterov,
      boolean first) {
    sgd(0, n, w, wOff, g, gOff, b, bOff, clip, l2, l1, lr, momentum, damp, nesterov, first);
  }

  static void sgd(int from, int n, float[] w, int wOff, float[] g, int gOff, float[] b, int bOff,
      float clip, float l2, float l1, float lr, float momentum, float damp, boolean nesterov,
      boolean first) {
    for (int i = from; i < n; i++) {
      float wi = w[wOff + i];
      float gi = grad(g[gOff + i], wi, clip, l2, l1);
      float d = gi;
      if (b != null) {
        float bi = first ? gi : Math.fma(damp, gi, b[bOff + i] * momentum);
        b[bOff + i] = bi;
        d = nesterov ? Math.fma(momentum, bi, gi) : bi;
      }
      w[wOff + i] = Math.fma(-lr, d, wi);
    }
  }

  @Override
  public void rmsprop(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
      float[] a, int aOff, float[] b, int bOff, float clip, float l2, float l1, float lr,
      float alpha, float oneMinusAlpha, float eps, float momentum) {
    rmsprop(0, n, w, wOff, g, gOff, v, vOff, a, aOff, b, bOff, clip, l2, l1, lr, alpha,
        oneMinusAlpha, eps, momentum);
  }

  static void rmsprop(int from, int n, float[] w, int wOff, float[] g, int gOff, float[] v,
      int vOff, float[] a, int aOff, float[] b, int bOff, float clip, float l2, float l1,
      float lr, float alpha, float oneMinusAlpha, float eps, float momentum) {
    for (int i = from; i < n; i++) {
      float wi = w[wOff + i];
      float gi = grad(g[gOff + i], wi, clip, l2, l1);
      float vi = Math.fma(oneMinusAlpha * gi, gi, v[vOff + i] * alpha);
      v[vOff + i] = vi;
      float s;
      if (a != null) {
        float ai = Math.fma(oneMinusAlpha, gi, a[aOff + i] * alpha);
        a[aOff + i] = ai;
        s = (float) Math.sqrt(Math.max(Math.fma(-ai, ai, vi), 0f));
      } else {
        s = (float) Math.sqrt(vi);
      }
      float q = gi / (s + eps);
      if (b != null) {
        q = Math.fma(b[bOff + i], momentum, q);
        b[bOff + i] = q;
      }
      w[wOff + i] = Math.fma(-lr, q, wi);
    }
  }

  @Override
  public void adagrad(int n, float[] w, int wOff, float[] g, int gOff, float[] s, int sOff,
      float clip, float l2, float l1, float clr, float eps) {
    adagrad(0, n, w, wOff, g, gOff, s, sOff, clip, l2, l1, clr, eps);
  }

  static void adagrad(int from, int n, float[] w, int wOff, float[] g, int gOff, float[] s,
      int sOff, float clip, float l2, float l1, float clr, float eps) {
    for (int i = from; i < n; i++) {
      float wi = w[wOff + i];
      float gi = grad(g[gOff + i], wi, clip, l2, l1);
      float si = Math.fma(gi, gi, s[sOff + i]);
      s[sOff + i] = si;
      w[wOff + i] = Math.fma(-clr, gi / ((float) Math.sqrt(si) + eps), wi);
    }
  }

  @Override
  public void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
      float[] v, int vOff, float[] vmax, int vmaxOff, float clip, float l2, float l1, float decay,
      float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
      float bc2Sqrt, float eps) {
    adam(0, n, w, wOff, g, gOff, m, mOff, v, vOff, vmax, vmaxOff, clip, l2, l1, decay, beta1,
        oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, eps);
  }

  static void adam(int from, int n, float[] w, int wOff, float[] g, int gOff, float[] m,
      int mOff, float[] v, int vOff, float[] vmax, int vmaxOff, float clip, float l2, float l1,
      float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
      float stepSize, float bc2Sqrt, float eps) {
    for (int i = from; i < n; i++) {
      float wi = w[wOff + i];
      float gi = grad(g[gOff + i], wi, clip, l2, l1);
      wi *= decay;
      float mi = Math.fma(oneMinusBeta1, gi, m[mOff + i] * beta1);
      m[mOff + i] = mi;
      float vi = Math.fma(oneMinusBeta2 * gi, gi, v[vOff + i] * beta2);
      v[vOff + i] = vi;
      if (vmax != null) {
        vi = Math.max(vmax[vmaxOff + i], vi);
        vmax[vmaxOff + i] = vi;
      }
      float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
      w[wOff + i] = Math.fma(-stepSize, mi / denom, wi);
    }
  }
}
