package gradkernel.activation;

import gradkernel.kernel.ActivationKernels;
import gradkernel.kernel.ActivationKernels.Fn;
import gradkernel.kernel.ScalarActivationKernels;
import gradkernel.tensor.Checks;

/**
 * An activation of one {@link Fn} family with its parameters: scalar methods through the double
 * formulas of {@link ScalarActivationKernels}, array methods through
 * {@link ActivationKernels#active()}.
 */
final class Elementwise implements Activation {

  /** sup / inf of |g'| over [lo, hi], already checked (lo ≤ hi, no NaN). */
  interface Bounds {
    double sup(double lo, double hi);

    double inf(double lo, double hi);
  }

  private final String name;
  private final Fn fn;
  private final float p;
  private final float q;
  private final Bounds bounds;
  private final ActivationKernels kernels;

  Elementwise(String name, Fn fn, float p, float q, Bounds bounds) {
    this.name = name;
    this.fn = fn;
    this.p = p;
    this.q = q;
    this.bounds = bounds;
    this.kernels = ActivationKernels.active();
  }

  /** The family, for running a chosen kernel implementation (tests compare the twins). */
  Fn fn() { return fn; }

  /** First parameter of the family (see {@link Fn}). */
  float p() { return p; }

  /** Second parameter of the family (see {@link Fn}). */
  float q() { return q; }

  /** Double-precision g'(z) of this activation (for bounds and references). */
  double derivativeExact(double z) {
    return ScalarActivationKernels.derivative(fn, p, q, z);
  }

  @Override public String name() { return name; }

  @Override public float value(float z) {
    return (float) ScalarActivationKernels.value(fn, p, q, z);
  }

  @Override public float derivative(float z) {
    return (float) derivativeExact(z);
  }

  @Override public void forward(float[] z, int zOff, float[] out, int outOff, int n) {
    Checks.range("z", z, zOff, n);
    Checks.range("out", out, outOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "z", z, zOff, n);
    kernels.forward(fn, p, q, z, zOff, out, outOff, n);
  }

  @Override public void derivative(float[] z, int zOff, float[] out, int outOff, int n) {
    Checks.range("z", z, zOff, n);
    Checks.range("out", out, outOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "z", z, zOff, n);
    kernels.derivative(fn, p, q, z, zOff, out, outOff, n);
  }

  @Override public void backward(float[] upstream, int uOff, float[] z, int zOff, float[] out,
      int outOff, int n) {
    Checks.range("upstream", upstream, uOff, n);
    Checks.range("z", z, zOff, n);
    Checks.range("out", out, outOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "upstream", upstream, uOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "z", z, zOff, n);
    kernels.backward(fn, p, q, upstream, uOff, z, zOff, out, outOff, n);
  }

  @Override public boolean hasDerivativeFromOutput() {
    return fn == Fn.SIGMOID || fn == Fn.TANH;
  }

  @Override public float derivativeFromOutput(float y) {
    requireFromOutput();
    return ScalarActivationKernels.derivativeFromOutput(fn, y);
  }

  @Override public void derivativeFromOutput(float[] y, int yOff, float[] out, int outOff, int n) {
    requireFromOutput();
    Checks.range("y", y, yOff, n);
    Checks.range("out", out, outOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "y", y, yOff, n);
    kernels.derivativeFromOutput(fn, y, yOff, out, outOff, n);
  }

  @Override public void backwardFromOutput(float[] upstream, int uOff, float[] y, int yOff,
      float[] out, int outOff, int n) {
    requireFromOutput();
    Checks.range("upstream", upstream, uOff, n);
    Checks.range("y", y, yOff, n);
    Checks.range("out", out, outOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "upstream", upstream, uOff, n);
    Checks.sameOrDisjoint("out", out, outOff, "y", y, yOff, n);
    kernels.backwardFromOutput(fn, upstream, uOff, y, yOff, out, outOff, n);
  }

  private void requireFromOutput() {
    if (!hasDerivativeFromOutput()) {
      throw new UnsupportedOperationException(name + " has no derivative from the output");
    }
  }

  @Override public double supDerivative() {
    return bounds.sup(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  @Override public double infDerivative() {
    return bounds.inf(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  @Override public double supDerivative(double lo, double hi) {
    checkInterval(lo, hi);
    return bounds.sup(lo, hi);
  }

  @Override public double infDerivative(double lo, double hi) {
    checkInterval(lo, hi);
    return bounds.inf(lo, hi);
  }

  private static void checkInterval(double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("interval [lo, hi] needs lo <= hi, got [" + lo + ", " + hi + "]");
    }
  }

  @Override public boolean equals(Object o) {
    return o instanceof Elementwise e && e.name.equals(name);
  }

  @Override public int hashCode() { return name.hashCode(); }

  @Override public String toString() { return name; }
}
