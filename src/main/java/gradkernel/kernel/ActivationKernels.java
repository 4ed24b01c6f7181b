package gradkernel.kernel;

/**
 * Elementwise activation kernels on raw float arrays with offsets: g(z), g'(z) and the fused
 * backward {@code out = upstream ⊙ g'(z)}.
 *
 * <p>Like {@link Kernels}, these methods do <b>no argument checking</b>; callers (normally
 * {@code gradkernel.activation}) validate ranges once at entry. {@code out} may be exactly the same
 * range as an input (in place) but must not partially overlap it.
 *
 * <p>Two implementations, {@link ScalarActivationKernels} (plain float loops) and the Vector API
 * one, evaluate the same float formulas with the same operations in the same order (FMA where a
 * lane uses FMA), so they give <b>the same bits</b> for every family and operation (NaNs counted
 * as one value), and each gives the same bits on every call — interpreted, C1 or C2, cold or
 * warm, on any thread: the transcendentals are our own (range reduction, minimax polynomials,
 * exponent bit manipulation; see {@link ScalarActivationKernels}), never the JDK's
 * EXP/TANH/LOG1P/EXPM1 lanes or {@link Math#exp}, whose results depend on the JIT tier. Measured
 * error against a double reference on [−20, 20] (where |g| ≥ 1e-30): value ≤ 4.6e-7 relative
 * (≈ 3.9 ulp), derivative ≤ 3.7e-7 relative, ≤ 1.5e-7 absolute near the zero crossings of
 * SiLU/GELU; the tests assert 1e-6. Every element's result depends only on that element (never on
 * offset, length or vector width), and {@code backward} is bit-for-bit
 * {@code upstream[i] * derivative(z[i])} of the same implementation.
 */
public interface ActivationKernels {

  /**
   * The activation families; {@code p} and {@code q} are their parameters: LEAKY_RELU p = α; ELU
   * p = α, q = scale λ (SELU is ELU with the SELU constants); HARD_TANH p = min, q = max; SOFTPLUS
   * p = β. Unused parameters are ignored.
   */
  enum Fn { IDENTITY, RELU, LEAKY_RELU, ELU, SIGMOID, TANH, HARD_TANH, SOFTPLUS, SILU, GELU, GELU_TANH }

  /** The implementation chosen at startup: Vector API if available, else the scalar twin. */
  static ActivationKernels active() {
    return Holder.ACTIVE;
  }

  /** The scalar twin: plain float loops, bit-identical to the Vector API implementation. */
  static ActivationKernels scalar() {
    return ScalarActivationKernels.INSTANCE;
  }

  /** A short name, e.g. {@code "panama-512"} or {@code "scalar"}. */
  String name();

  /** out[outOff + i] = g(z[zOff + i]) for i in [0, n). */
  void forward(Fn f, float p, float q, float[] z, int zOff, float[] out, int outOff, int n);

  /** out[outOff + i] = g'(z[zOff + i]) for i in [0, n). */
  void derivative(Fn f, float p, float q, float[] z, int zOff, float[] out, int outOff, int n);

  /** out[outOff + i] = u[uOff + i] · g'(z[zOff + i]), one pass; out may be u's or z's range. */
  void backward(Fn f, float p, float q, float[] u, int uOff, float[] z, int zOff, float[] out,
      int outOff, int n);

  /**
   * g' from the output y = g(z), for SIGMOID (y − y², one rounding) and TANH (1 − y², one
   * rounding); exact given y. Other families throw {@link UnsupportedOperationException}.
   */
  void derivativeFromOutput(Fn f, float[] y, int yOff, float[] out, int outOff, int n);

  /** out[outOff + i] = u[uOff + i] · g'(from y[yOff + i]); SIGMOID and TANH only. */
  void backwardFromOutput(Fn f, float[] u, int uOff, float[] y, int yOff, float[] out, int outOff,
      int n);

  /** Lazily chosen implementation (class-holder idiom). */
  final class Holder {
    static final ActivationKernels ACTIVE = VectorSupport.load(
        ActivationKernels.class, "PanamaActivationKernels", () -> ScalarActivationKernels.INSTANCE);

    private Holder() {}
  }
}
