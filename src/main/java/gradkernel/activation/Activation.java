package gradkernel.activation;

/**
 * An elementwise activation g: R → R with its derivative, as used in
 * {@code v_l = W_{l+1}ᵀ v_{l+1} ⊙ g'(z_l)}.
 *
 * <p>Array methods take (array, offset) pairs and a length; they validate ranges at entry and then
 * run unchecked loops. {@code out} may be the same range as an input (in place), but must not
 * partially overlap it.
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

  /** sup of |g'(z)| over z in [lo, hi]; lo ≤ hi. */
  double supDerivative(double lo, double hi);

  /** inf of |g'(z)| over z in [lo, hi]; lo ≤ hi. */
  double infDerivative(double lo, double hi);
}
