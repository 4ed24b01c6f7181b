package gradkernel.chain;

import gradkernel.tensor.Checks;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Checks a {@link Layer} or {@link Chain}'s backward pass against numerical differentiation, like
 * {@code torch.autograd.gradcheck} or JAX's {@code check_grads}; usable from a user's own JUnit or
 * jqwik tests through {@link Report#assertPassed()}.
 *
 * <p>With a seeded random upstream u ∈ [−1, 1]^{batch·out}, the scalar f(x, θ) = ⟨u, y(x, θ)⟩ is
 * evaluated in double from the chain's float forward pass. For every input element and every
 * parameter element v (from {@link Chain#parameters()}), central differences D_h, D_{h/2},
 * D_{h/4} with h = 2⁻⁴·max(|v|, 1), each step rounded so that v ± h are floats, give two
 * Richardson extrapolations R_1 = D_{h/2} + (D_{h/2} − D_h)/3 and R_2 = D_{h/4} + (D_{h/4} −
 * D_{h/2})/3 (truncation error O(h⁴)). The estimate is R_2; an element passes when
 * |analytic − R_2| ≤ 2·(|R_2 − R_1| + (5/3)·2η/(h/4)) + 2⁻¹⁶·g_max, where
 * η = 2⁻²³·Σ_j |u_j·y_j| is the rounding of f by the final float rounding of each output y_j
 * (the noise of a difference quotient is 2η/step; Richardson amplifies it by 5/3) and the last
 * term covers the float rounding of the analytic gradient itself (g_max: the largest |analytic|
 * in the same tensor). Each element costs 6 forward passes.
 *
 * <p>The adjoint (dot-product) identity ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ is checked at the first example
 * with {@link Chain#jvp} and {@link Chain#backward}, within 64·(L + 2)·2⁻²⁴·(Σ|(Jv)_i u_i| +
 * Σ|v_i (Jᵀu)_i|). It is skipped (reported as not checked) where a single-example forward is
 * undefined (a {@link BatchNorm} in TRAIN mode).
 *
 * <p>The check runs on a copy of the parameters, so the caller's weights are never changed; layers
 * with state still see it ({@link BatchNorm}'s running statistics are updated by every TRAIN
 * forward, as in PyTorch). Meant for small layers: 6 forward passes per checked element.
 * Activations with kinks (ReLU, hard-tanh) fail near their kinks, as any finite difference does.
 */
public final class GradientCheck {
  private static final double EPS_F = 0x1.0p-24;

  private GradientCheck() {}

  /** Checks one layer at x [batch, layer.inputSize()] (row-major) with upstream seed. */
  public static Report of(Layer layer, float[] x, int batch, long seed) {
    return of(Chain.of(Objects.requireNonNull(layer, "layer")), x, batch, seed);
  }

  /** Checks a chain at x [batch, chain.inputSize()] (row-major) with upstream seed. */
  public static Report of(Chain chain, float[] x, int batch, long seed) {
    Objects.requireNonNull(chain, "chain");
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    int in = chain.inputSize();
    int out = chain.outputSize();
    Checks.range("x", x, 0, Math.multiplyExact(batch, in));
    float[] theta = new float[chain.parameterCount()];
    chain.copyParametersTo(theta, 0);
    Chain net = chain.withParameters(theta, 0);
    float[] xs = java.util.Arrays.copyOf(x, batch * in);
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] u = uniform(rnd, batch * out);

    Tape tape = net.newTape();
    Gradients grads = new Gradients(net);
    net.forward(tape, xs, 0, batch);
    float[] dx = net.backward(tape, u, 0, grads, null).copy().data();
    float[] dTheta = grads.data().clone();
    return against(net, theta, xs, batch, u, dx, dTheta, rnd);
  }

  /** Compares given analytic gradients (input dx, parameters dTheta) with the numeric ones. */
  static Report against(Chain net, float[] theta, float[] xs, int batch, float[] u, float[] dx,
      float[] dTheta, SplittableRandom rnd) {
    int in = net.inputSize();
    int out = net.outputSize();
    Tape tape = net.newTape();
    Probe probe = new Probe(net, tape, xs, batch, u);
    Worst worst = new Worst();
    probe.checkTensor("input", xs, 0, batch * in, dx, 0, worst);
    for (Parameter p : net.parameters()) {
      probe.checkTensor(p.name(), theta, p.offset(), p.size(), dTheta, p.offset(), worst);
    }
    double[] adj = adjoint(net, xs, in, out, rnd);
    boolean adjointOk = Double.isNaN(adj[0]) || Math.abs(adj[0] - adj[1]) <= adj[2];
    return new Report(worst.ratio <= 1 && adjointOk, worst.count,
        new WorstElement(worst.tensor, worst.index, worst.analytic, worst.numeric, worst.error,
            worst.tolerance), new Adjoint(adj[0], adj[1], adj[2]));
  }

  /** ⟨Jv, u⟩, ⟨v, Jᵀu⟩ and the tolerance at example 0; NaNs where jvp is undefined. */
  private static double[] adjoint(Chain net, float[] xs, int in, int out, SplittableRandom rnd) {
    float[] v = uniform(rnd, in);
    float[] u = uniform(rnd, out);
    Tape t = net.newTape();
    try {
      net.forward(t, xs, 0, 1);
    } catch (IllegalArgumentException singleExampleUndefined) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    float[] jv = new float[out];
    net.jvp(t, v, 0, jv, 0);
    float[] jtu = net.backward(t, u, 0, null, null).copy().data();
    double lhs = 0;
    double rhs = 0;
    double mag = 0;
    for (int i = 0; i < out; i++) {
      lhs += (double) jv[i] * u[i];
      mag += Math.abs((double) jv[i] * u[i]);
    }
    for (int i = 0; i < in; i++) {
      rhs += (double) v[i] * jtu[i];
      mag += Math.abs((double) v[i] * jtu[i]);
    }
    return new double[] {lhs, rhs, 64 * (net.size() + 2) * EPS_F * mag};
  }

  private static float[] uniform(SplittableRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return a;
  }

  /** Evaluates f = ⟨u, y⟩ and its central differences for one chain and input. */
  private static final class Probe {
    final Chain net;
    final Tape tape;
    final float[] xs;
    final int batch;
    final float[] u;

    Probe(Chain net, Tape tape, float[] xs, int batch, float[] u) {
      this.net = net;
      this.tape = tape;
      this.xs = xs;
      this.batch = batch;
      this.u = u;
    }

    /** f and η (its rounding bound) at the current x and θ. */
    double[] f() {
      float[] y = net.forward(tape, xs, 0, batch).copy().data();
      double f = 0;
      double mag = 0;
      for (int j = 0; j < y.length; j++) {
        f += (double) u[j] * y[j];
        mag += Math.abs((double) u[j] * y[j]);
      }
      return new double[] {f, 2 * EPS_F * mag};
    }

    /** (f(v + h⁺) − f(v − h⁻))/(h⁺ + h⁻) with v ± h rounded to floats; also returns η. */
    double[] central(float[] arr, int i, double h) {
      float v = arr[i];
      float hi = (float) (v + h);
      float lo = (float) (v - h);
      arr[i] = hi;
      double[] fp = f();
      arr[i] = lo;
      double[] fm = f();
      arr[i] = v;
      double step = (double) hi - lo;
      return new double[] {(fp[0] - fm[0]) / step, Math.max(fp[1], fm[1]), step / 2};
    }

    void checkTensor(String name, float[] arr, int off, int len, float[] analytic, int aOff,
        Worst worst) {
      double gMax = 0;
      for (int i = 0; i < len; i++) {
        gMax = Math.max(gMax, Math.abs(analytic[aOff + i]));
      }
      for (int i = 0; i < len; i++) {
        double h = 0x1.0p-4 * Math.max(Math.abs(arr[off + i]), 1);
        double[] d1 = central(arr, off + i, h);
        double[] d2 = central(arr, off + i, h / 2);
        double[] d3 = central(arr, off + i, h / 4);
        double r1 = d2[0] + (d2[0] - d1[0]) / 3;
        double r2 = d3[0] + (d3[0] - d2[0]) / 3;
        double noise = 2 * Math.max(d1[1], Math.max(d2[1], d3[1])) / d3[2] * 5 / 3;
        double tol = 2 * (Math.abs(r2 - r1) + noise) + 0x1.0p-16 * gMax;
        double a = analytic[aOff + i];
        worst.offer(name, i, a, r2, Math.abs(a - r2), tol);
      }
    }
  }

  /** The element with the largest error/tolerance ratio so far. */
  private static final class Worst {
    int count;
    double ratio = -1;
    String tensor = "none";
    int index = -1;
    double analytic;
    double numeric;
    double error;
    double tolerance;

    void offer(String name, int i, double a, double n, double err, double tol) {
      count++;
      double r = err == 0 ? 0 : !(err <= tol) ? Double.POSITIVE_INFINITY : err / tol;
      if (Double.isNaN(err)) {
        r = Double.POSITIVE_INFINITY;
      }
      if (r > ratio) {
        ratio = r;
        tensor = name;
        index = i;
        analytic = a;
        numeric = n;
        error = err;
        tolerance = tol;
      }
    }
  }

  /**
   * Outcome of a gradient check.
   *
   * @param passed  every element and the adjoint identity within tolerance
   * @param checked number of elements compared (inputs plus parameters)
   * @param worst   the element with the largest error-to-tolerance ratio
   * @param adjoint the adjoint identity ⟨J v, u⟩ = ⟨v, Jᵀ u⟩ at example 0
   */
  public record Report(boolean passed, int checked, WorstElement worst, Adjoint adjoint) {

    /** Validates the parts. */
    public Report {
      java.util.Objects.requireNonNull(worst, "worst");
      java.util.Objects.requireNonNull(adjoint, "adjoint");
    }

    /** "input" or the parameter name of the worst element ({@code worst().tensor()}). */
    public String worstTensor() {
      return worst.tensor();
    }

    /** Flat index of the worst element within its tensor ({@code worst().index()}). */
    public int worstIndex() {
      return worst.index();
    }

    /** Whether the adjoint identity was checked ({@code adjoint().checked()}). */
    public boolean adjointChecked() {
      return adjoint.checked();
    }

    /** Throws an AssertionError with {@link #toString()} unless the check passed. */
    public void assertPassed() {
      if (!passed) {
        throw new AssertionError("gradient check failed: " + this);
      }
    }

    @Override public String toString() {
      return String.format(java.util.Locale.ROOT,
          "%s, %d elements; worst %s[%d]: analytic %.9g, numeric %.9g, error %.3g (tolerance %.3g)"
              + "; adjoint %s",
          passed ? "passed" : "FAILED", checked, worst.tensor(), worst.index(), worst.analytic(),
          worst.numeric(), worst.error(), worst.tolerance(), adjoint.checked()
              ? String.format(java.util.Locale.ROOT,
                  "<Jv,u> %.9g vs <v,J^T u> %.9g (tolerance %.3g)", adjoint.jv(), adjoint.jtu(),
                  adjoint.tolerance()) : "not checked (single-example forward undefined)");
    }
  }

  /**
   * The element of a {@link Report} whose error is largest relative to its tolerance.
   *
   * @param tensor    "input" or the parameter name
   * @param index     flat index within the tensor
   * @param analytic  backward's value there
   * @param numeric   the finite-difference estimate there
   * @param error     |analytic − numeric|
   * @param tolerance the tolerance there (see {@link GradientCheck})
   */
  public record WorstElement(String tensor, int index, double analytic, double numeric,
      double error, double tolerance) {}

  /**
   * The adjoint identity of a {@link Report}, all NaN where it was not checked (a chain whose
   * single-example forward is undefined, e.g. BatchNorm in TRAIN mode).
   *
   * @param jv        ⟨J v, u⟩
   * @param jtu       ⟨v, Jᵀ u⟩
   * @param tolerance the tolerance of their difference
   */
  public record Adjoint(double jv, double jtu, double tolerance) {
    /** Whether the identity was checked (the values are not NaN). */
    public boolean checked() {
      return !Double.isNaN(jv);
    }
  }
}
