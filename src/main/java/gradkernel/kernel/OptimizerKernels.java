package gradkernel.kernel;

/**
 * Fused optimizer updates on raw float arrays with offsets: in <b>one pass</b> over the weights w,
 * the gradients g and the optimizer state, each element goes through
 *
 * <pre>
 *   g' = g·clip                                  (clip coefficient; 1 = no clipping)
 *   g' = fma(l2, w, g')           if l2 ≠ 0      (coupled L2 penalty, torch's weight_decay)
 *   g' = g' + l1·sign(w)          if l1 ≠ 0      (L1 penalty; sign(0) = 0, sign(NaN) = 0)
 *   state and w updated from g' as documented per method
 * </pre>
 *
 * <p>g is only read. Every element's result depends only on that element's w, g, state and the
 * scalar arguments, so a range can be split into blocks in any way (threads, tails) without
 * changing a bit. Like {@link Kernels}, no argument checking: callers ({@code gradkernel.optim})
 * validate once at entry. Arrays of one call must not partially overlap.
 *
 * <p><b>Determinism.</b> Both implementations use only IEEE add, mul, fma, div, sqrt (all
 * correctly rounded), exact compares/max and the same operation order, so the Vector API
 * implementation agrees with {@link #scalar()} bit for bit, for every length, offset and width.
 */
public interface OptimizerKernels {

  /** The implementation chosen at startup: Vector API if available, else {@link #scalar()}. */
  static OptimizerKernels active() {
    return Holder.ACTIVE;
  }

  /** The scalar reference implementation. */
  static OptimizerKernels scalar() {
    return ScalarOptimizerKernels.INSTANCE;
  }

  /** A short name of this implementation, e.g. {@code "panama-512"} or {@code "scalar"}. */
  String name();

  /**
   * SGD (torch.optim.SGD) on n elements. With {@code b == null} (momentum 0) no buffer exists:
   * w = fma(−lr, g', w). Otherwise b is the momentum buffer:
   * b = g' when {@code first}, else b = fma(damp, g', b·momentum) with damp = 1 − dampening;
   * d = fma(momentum, b, g') if {@code nesterov}, else d = b; w = fma(−lr, d, w).
   */
  void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] b, int bOff, float clip,
      float l2, float l1, float lr, float momentum, float damp, boolean nesterov, boolean first);

  /**
   * RMSprop (torch.optim.RMSprop): v = fma(oneMinusAlpha·g', g', v·alpha);
   * if centered ({@code a != null}): a = fma(oneMinusAlpha, g', a·alpha),
   * s = √max(fma(−a, a, v), 0), else s = √v; denom = s + eps;
   * with momentum buffer ({@code b != null}): b = fma(b, momentum, g'/denom), w = fma(−lr, b, w);
   * else w = fma(−lr, g'/denom, w).
   */
  void rmsprop(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, float[] a,
      int aOff, float[] b, int bOff, float clip, float l2, float l1, float lr, float alpha,
      float oneMinusAlpha, float eps, float momentum);

  /**
   * Adagrad (torch.optim.Adagrad): s = fma(g', g', s); w = fma(−clr, g'/(√s + eps), w), where
   * clr is the decayed learning rate lr/(1 + (t−1)·lr_decay).
   */
  void adagrad(int n, float[] w, int wOff, float[] g, int gOff, float[] s, int sOff, float clip,
      float l2, float l1, float clr, float eps);

  /**
   * Adam / AdamW (torch.optim.Adam, AdamW): g' from the w before decay; then w = w·decay
   * (AdamW's 1 − lr·weight_decay; 1 for Adam); m = fma(oneMinusBeta1, g', m·beta1);
   * v = fma(oneMinusBeta2·g', g', v·beta2); with {@code vmax != null} (amsgrad)
   * vmax = max(vmax, v) and v̂ = vmax, else v̂ = v; denom = √v̂ / bc2Sqrt + eps;
   * w = fma(−stepSize, m/denom, w) with stepSize = lr/(1 − β1ᵗ), bc2Sqrt = √(1 − β2ᵗ).
   */
  void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v,
      int vOff, float[] vmax, int vmaxOff, float clip, float l2, float l1, float decay,
      float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
      float bc2Sqrt, float eps);

  /** Lazily chosen implementation (class-holder idiom: chosen once, on first use). */
  final class Holder {
    static final OptimizerKernels ACTIVE = VectorSupport.load(OptimizerKernels.class,
        "PanamaOptimizerKernels", () -> ScalarOptimizerKernels.INSTANCE);

    private Holder() {}
  }
}
