package gradkernel.activation;

import gradkernel.tensor.Checks;

/**
 * An elementwise activation g: R → R with its derivative, as used in
 * {@code v_l = W_{l+1}ᵀ v_{l+1} ⊙ g'(z_l)}.
 *
 * <p>Array methods take (array, offset) pairs and a length; they validate ranges at entry and then
 * run unchecked loops. {@code out} may be the same range as an input (in place), but must not
 * partially overlap it. Bad ranges throw before any element of {@code out} is written.
 *
 * <p>The scalar methods evaluate in double and round once (the reference); the array methods run
 * the active kernels (Vector API when available, else the scalar twin: the same bits either way,
 * and on every call whatever the JIT state), which agree with the scalar methods to the
 * per-function bounds in the README. NaN in gives NaN out, ±∞ give the limits, and no finite input
 * overflows or yields NaN. Kinks follow PyTorch: ReLU'(0) = 0, leaky ReLU'(0) = α, ELU'(0) = λα,
 * hard-tanh' = 0 at z ≤ min and z ≥ max.
 */
public interface Activation {

  /** Canonical spec accepted by {@link Activations#of(String)}, e.g. {@code "leaky_relu:0.01"}. */
  String name();

  /** g(z). */
  float value(float z);

  /** g'(z). */
  float derivative(float z);

  /** out[i] = g(z[i]) for i in [0, n). */
  void forward(float[] z, int zOff, float[] out, int outOff, int n);

  /** out[i] = g'(z[i]) for i in [0, n). */
  void derivative(float[] z, int zOff, float[] out, int outOff, int n);

  /** Fused backward: out[i] = upstream[i]·g'(z[i]) in one pass; out may alias upstream. */
  void backward(float[] upstream, int uOff, float[] z, int zOff, float[] out, int outOff, int n);

  /** sup over ℝ of |g'(z)| (may be +∞ only for unbounded derivatives). */
  double supDerivative();

  /** inf over ℝ of |g'(z)| (0 for saturating activations such as tanh or ReLU). */
  double infDerivative();

  /**
   * sup of |g'(z)| over z in [lo, hi] (lo ≤ hi, infinite ends allowed); never below the true
   * supremum (exact for piecewise-linear families, else widened by ≤ 2⁻⁴⁴ relative).
   */
  double supDerivative(double lo, double hi);

  /**
   * inf of |g'(z)| over z in [lo, hi] (lo ≤ hi, infinite ends allowed); never above the true
   * infimum (exact for piecewise-linear families, else narrowed by ≤ 2⁻⁴⁴ relative).
   */
  double infDerivative(double lo, double hi);

  /** True when g' can be computed exactly from the output y = g(z) (sigmoid, tanh). */
  default boolean hasDerivativeFromOutput() {
    return false;
  }

  /**
   * g' from the output y = g(z): σ' = y − y², tanh' = 1 − y² (one rounding). Exact given y, but
   * inherits y's rounding: in the saturated tails prefer {@link #derivative(float)}.
   *
   * @throws UnsupportedOperationException unless {@link #hasDerivativeFromOutput()}
   */
  default float derivativeFromOutput(float y) {
    throw new UnsupportedOperationException(name() + " has no derivative from the output");
  }

  /** out[i] = g'(from y[i]) for i in [0, n); see {@link #derivativeFromOutput(float)}. */
  default void derivativeFromOutput(float[] y, int yOff, float[] out, int outOff, int n) {
    throw new UnsupportedOperationException(name() + " has no derivative from the output");
  }

  /** Fused backward from the output: out[i] = upstream[i]·g'(from y[i]); out may alias either. */
  default void backwardFromOutput(float[] upstream, int uOff, float[] y, int yOff, float[] out,
      int outOff, int n) {
    throw new UnsupportedOperationException(name() + " has no derivative from the output");
  }

  /** Convenience: {@code backward} over whole arrays of equal length (out may be upstream). */
  default void backward(float[] upstream, float[] z, float[] out) {
    Checks.range("z", z, 0, 0);
    Checks.range("upstream", upstream, 0, 0);
    Checks.range("out", out, 0, 0);
    Checks.sameLength("upstream vs z", z.length, upstream.length);
    Checks.sameLength("out vs z", z.length, out.length);
    backward(upstream, 0, z, 0, out, 0, z.length);
  }

  /** Convenience: a new array with g(z[i]) (allocates; not for hot paths). */
  default float[] forward(float[] z) {
    float[] out = new float[Checks.range("z", z, 0, 0).length];
    forward(z, 0, out, 0, z.length);
    return out;
  }
}
