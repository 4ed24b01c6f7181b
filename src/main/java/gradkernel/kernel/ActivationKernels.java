package gradkernel.kernel;

/**
 * Elementwise activation kernels on raw float arrays with offsets: g(z), g'(z) and the fused
 * backward {@code out = upstream ⊙ g'(z)}.
 *
 * <p>Like {@link Kernels}, these methods do <b>no argument checking</b>; callers (normally
 * {@code gradkernel.activation}) validate ranges once at entry. {@code out} may be exactly the same
 * range as an input (in place) but must not partially overlap it.
 *
 * <p>Two implementations: {@link ScalarActivationKernels} evaluates each element in double with
 * {@link Math} and rounds once to float (error ≤ 1 ulp of the float result, plus the double
 * formula's error, far below); the Vector API one evaluates in float lanes with the JDK's
 * vectorized EXP/TANH/LOG1P/EXPM1 (Intel SVML on x86), which are not correctly rounded — the
 * observed error against a double reference is stated per function in the README and asserted by
 * the tests. Every element's result depends only on that element (never on offset, length or vector
 * width), and {@code backward} is bit-for-bit {@code upstream[i] * derivative(z[i])} of the same
 * implementation.
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

  /** The scalar reference implementation (double evaluation, one rounding). */
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
