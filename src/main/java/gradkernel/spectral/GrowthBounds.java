package gradkernel.spectral;

import gradkernel.activation.Activation;
import gradkernel.tensor.Matrix;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Bounds on the gradient gain ‖v_0‖/‖v_L‖ through a chain of dense layers z_l = W_l h_{l−1},
 * h_l = g_l(z_l), in log10 so that 1000 layers neither overflow nor underflow.
 *
 * <p>Per layer: upper log10(sup|g'|·σ_max(W)); lower log10(inf|g'|·σ_min(W)), defined only for
 * square W with σ_min > 0 and inf|g'| > 0 (otherwise {@link OptionalDouble#empty()}, never NaN).
 * σ comes from the double-precision SVD ({@link SingularValues}), not from power iteration
 * (a lower estimate); to stay rigorous upward it is widened by {@link #SVD_SLACK}·σ_max
 * (σ_max up, σ_min down), which covers the SVD's rounding error (≈ 1e-13…1e-12·σ_max to 2048).
 *
 * <p>Recurrent cells ({@link #rnnStep}, {@link #lstmStep}, {@link #gruStep}): per-step bounds on
 * the BPTT gain from σ_max of the gate blocks of weight_hh ({@link #gateSigmaMax}) and the gates'
 * derivative bounds, as plain factors, with a priori state bounds ({@link #lstmCellBound},
 * {@link #gruHiddenBound}); each method's Javadoc carries its derivation.
 */
public final class GrowthBounds {
  /** Relative widening applied to SVD results so the bounds hold despite double rounding. */
  public static final double SVD_SLACK = 1e-10;

  private GrowthBounds() {}

  /**
   * Bounds for one layer, per layer and cumulative.
   *
   * @param log10Upper per-layer log10 upper bound
   * @param log10Lower per-layer log10 lower bound, empty where undefined
   * @param cumulativeLog10Upper sum of log10Upper over layers 0..l
   * @param cumulativeLog10Lower sum of log10Lower over 0..l, empty once any layer is undefined
   */
  public record Layer(double log10Upper, OptionalDouble log10Lower, double cumulativeLog10Upper,
      OptionalDouble cumulativeLog10Lower) {}

  /**
   * One layer's gain factor bounds in log10.
   *
   * @param log10Upper log10 of the upper bound on ‖J‖ for this layer
   * @param log10Lower log10 of the lower bound on the smallest gain, empty where undefined
   */
  public record Factor(double log10Upper, OptionalDouble log10Lower) {}

  /**
   * Factor of a plain layer h = g(W x + b) whose pre-activations z were observed in
   * [{@code zMin}, {@code zMax}] (pass −∞, +∞ for no observation): upper log10(sup|g'|·σ_max), lower
   * log10(inf|g'|·σ_min), the sup/inf of |g'| over the observed range. The lower bound is empty
   * when σ_min is NaN (non-square or not computed) or when inf|g'|·σ_min is not positive. The
   * caller's σ values are used as given (widen them first for a rigorous bound, as
   * {@link #chain} does with {@link #SVD_SLACK}).
   *
   * @param g the layer's activation
   * @param zMin smallest observed pre-activation (−∞ for none)
   * @param zMax largest observed pre-activation (+∞ for none)
   * @param sigmaMax σ_max(W) ≥ 0
   * @param sigmaMin σ_min(W) ≥ 0 of a square W, NaN where undefined
   * @throws IllegalArgumentException if zMin &gt; zMax or σ_max is negative or NaN
   */
  public static Factor dense(Activation g, double zMin, double zMax, double sigmaMax,
      double sigmaMin) {
    Objects.requireNonNull(g, "g");
    if (!(zMin <= zMax) || !(sigmaMax >= 0)) {
      throw new IllegalArgumentException("GrowthBounds.dense: need zMin <= zMax and sigmaMax >= 0,"
          + " got zMin " + zMin + ", zMax " + zMax + ", sigmaMax " + sigmaMax);
    }
    boolean all = zMin == Double.NEGATIVE_INFINITY && zMax == Double.POSITIVE_INFINITY;
    double sup = all ? g.supDerivative() : g.supDerivative(zMin, zMax);
    double inf = all ? g.infDerivative() : g.infDerivative(zMin, zMax);
    double lo = inf * sigmaMin;
    return new Factor(Math.log10(sup * sigmaMax),
        lo > 0 ? OptionalDouble.of(Math.log10(lo)) : OptionalDouble.empty());
  }

  /**
   * Factor of a residual block h = x + g(W x + b) with square W: upper log10(1 + sup|g'|σ_max),
   * lower log10(1 − sup|g'|σ_max) where sup|g'|σ_max &lt; 1 (I + J invertible by a Neumann series),
   * empty otherwise. |g'| is bounded over all of ℝ.
   *
   * @param g the block's activation
   * @param sigmaMax σ_max(W) ≥ 0
   * @throws IllegalArgumentException if σ_max is negative or NaN
   */
  public static Factor residual(Activation g, double sigmaMax) {
    Objects.requireNonNull(g, "g");
    if (!(sigmaMax >= 0)) {
      throw new IllegalArgumentException("GrowthBounds.residual: need sigmaMax >= 0, got " + sigmaMax);
    }
    double k = g.supDerivative() * sigmaMax;
    return new Factor(Math.log10(1 + k),
        k < 1 ? OptionalDouble.of(Math.log10(1 - k)) : OptionalDouble.empty());
  }

  /** Per-layer and cumulative bounds for a plain chain; weights[l] is [out, in]; same list sizes. */
  public static Layer[] chain(List<Matrix> weights, List<Activation> activations) {
    return compute(weights, activations, false);
  }

  /**
   * Residual chain h_l = h_{l−1} + g(W h_{l−1}): upper log10(1 + sup|g'|σ_max), lower
   * log10(1 − sup|g'|σ_max) where W is square and sup|g'|σ_max &lt; 1 (then I + J is provably
   * invertible by a Neumann series), empty otherwise.
   */
  public static Layer[] residual(List<Matrix> weights, List<Activation> activations) {
    return compute(weights, activations, true);
  }

  /** log10 of the linear-RNN growth rate ρ(W)^T over T steps: T·log10 ρ (−∞ if ρ = 0). */
  public static double recurrentLog10Growth(double spectralRadius, int steps) {
    if (!(spectralRadius >= 0) || Double.isInfinite(spectralRadius) || steps < 0) {
      throw new IllegalArgumentException("recurrentLog10Growth: need finite rho >= 0 and steps >= 0,"
          + " got rho " + spectralRadius + ", steps " + steps);
    }
    return steps == 0 ? 0 : steps * Math.log10(spectralRadius);
  }

  // ---- recurrent cells: per-step bounds on the backward gain through one time step ----
  //
  // Each bound is on the gain of one BPTT step, ‖∂L/∂(state)_{t−1}‖ / ‖∂L/∂(state)_t‖, for any
  // input x_t and any previous state within the stated ranges, so a product of them over steps
  // bounds the gain over a sequence. The backward map is the transpose of the step's Jacobian and
  // has the same spectral norm. They use only sup σ' = 1/4, sup tanh' = 1, 0 ≤ σ ≤ 1, |tanh| ≤ 1
  // (these also bound the library's float derivatives, σ' = y − y² and tanh' = 1 − y² each rounded
  // once from a value ≤ 1/4 resp. ≤ 1; the products around them round, which a float check must
  // allow for, as the tests derive), σ_max of square gate blocks and the triangle inequality.

  /**
   * σ_max of each gate block of a recurrent weight {@code weight_hh [G·n, n]}: block k is rows
   * [k·n, (k+1)·n) (PyTorch's stacking: i, f, g, o for an LSTM, r, z, n for a GRU, G = 1 for an
   * RNN), from the double SVD, widened upward by {@link #SVD_SLACK}·σ_max like {@link #chain}.
   *
   * @param weightHh [G·n, n]
   * @param gates G ≥ 1
   * @return G values σ_max(block k) ≥ 0, in block order
   * @throws IllegalArgumentException unless weightHh is [G·n, n] with n ≥ 1, or on a non-finite
   *     entry
   */
  public static double[] gateSigmaMax(Matrix weightHh, int gates) {
    Objects.requireNonNull(weightHh, "weightHh");
    int n = weightHh.cols();
    if (gates < 1 || n < 1 || weightHh.rows() != gates * n) {
      throw new IllegalArgumentException("GrowthBounds.gateSigmaMax: weightHh must be [gates·n, n]"
          + " with gates >= 1, n >= 1; got " + weightHh.shape() + " for gates " + gates);
    }
    double[] out = new double[gates];
    for (int k = 0; k < gates; k++) {
      out[k] = SingularValues.of(weightHh.view(k * n, 0, n, n))[0] * (1 + SVD_SLACK);
    }
    return out;
  }

  /**
   * Per-step gain bound of an Elman RNN h_t = g(W_ih x_t + b + W_hh h_{t−1}):
   * ∂h_t/∂h_{t−1} = diag(g'(z_t))·W_hh, so ‖∂L/∂h_{t−1}‖ ≤ sup|g'|·σ_max(W_hh)·‖∂L/∂h_t‖, plus
   * ‖u_{t−1}‖ when h_{t−1} receives its own upstream gradient u_{t−1} (ALL_STEPS output).
   *
   * @param g the activation
   * @param sigmaHh σ_max(W_hh) ≥ 0
   * @return sup|g'|·σ_max ≥ 0 (a plain factor, not log10)
   * @throws IllegalArgumentException if sigmaHh is negative, NaN or infinite
   */
  public static double rnnStep(Activation g, double sigmaHh) {
    Objects.requireNonNull(g, "g");
    requireSigma("rnnStep", "sigmaHh", sigmaHh);
    return g.supDerivative() * sigmaHh;
  }

  /**
   * Componentwise bound of one LSTM BPTT step in the quantities the profile records: with
   * a_t = ‖∂L/∂h_t‖ and b_t = ‖∂L/∂c_t‖ (c_t's total gradient, including the path through
   * h_t = o_t ⊙ tanh(c_t)),
   * <pre>
   *   a_{t−1} ≤ hh·a_t + hc·b_t        b_{t−1} ≤ ch·a_t + cc·b_t
   * </pre>
   * also for whole batches (norms over [batch, n], by Minkowski); with ALL_STEPS output, h_{t−1}'s
   * own upstream gradient u_{t−1} adds ‖u_{t−1}‖ to both right-hand sides.
   *
   * @param hh σ_o/4
   * @param hc α = ‖c_{t−1}‖∞·σ_f/4 + σ_i/4 + σ_g
   * @param ch σ_o/4
   * @param cc 1 + α
   */
  public record LstmStep(double hh, double hc, double ch, double cc) {
    /**
     * Spectral norm of the 2×2 matrix [[hh, hc], [ch, cc]]: a scalar bound on the step's gain in
     * the pair norm √(a² + b²), i.e. ‖(∂L/∂h_{t−1}, ∂L/∂c_{t−1})‖ ≤ norm()·‖(∂L/∂h_t, ∂L/∂c_t)‖.
     */
    public double norm() {
      // Largest eigenvalue of MᵀM = [[p, q], [q, r]]: (p + r)/2 + √(((p − r)/2)² + q²).
      double p = hh * hh + ch * ch;
      double r = hc * hc + cc * cc;
      double q = hh * hc + ch * cc;
      return Math.sqrt((p + r) / 2 + Math.hypot((p - r) / 2, q));
    }
  }

  /**
   * Per-step bound of an LSTM (PyTorch's gate order i, f, g, o; c_t = f⊙c_{t−1} + i⊙g,
   * h_t = o⊙tanh(c_t)). Derivation, with z = W_ih x_t + b + W_hh h_{t−1} split into the blocks
   * z_i, z_f, z_g, z_o and δh, δc the gradients of step t (δc total, see {@link LstmStep}):
   * <pre>
   *   A = ∂c_t/∂h_{t−1} = diag(g⊙σ'(z_i))·W_hi + diag(c_{t−1}⊙σ'(z_f))·W_hf
   *                        + diag(i⊙tanh'(z_g))·W_hg
   *   δh_{t−1} = W_hoᵀ(σ'(z_o)⊙tanh(c_t)⊙δh) + Aᵀδc     (h_t reaches h_{t−1} via z_o and c_t)
   *   δc_{t−1} = f⊙δc + o_{t−1}⊙tanh'(c_{t−1})⊙δh_{t−1}  (the second term: h_{t−1}'s own path)
   * </pre>
   * With |g|, |i|, |o|, |f|, |tanh| ≤ 1, σ' ≤ 1/4, tanh' ≤ 1: ‖A‖ ≤ α = ‖c_{t−1}‖∞σ_f/4 + σ_i/4 +
   * σ_g, so a_{t−1} ≤ (σ_o/4)a_t + α b_t and b_{t−1} ≤ b_t + a_{t−1} ≤ (σ_o/4)a_t + (1 + α)b_t.
   * For t−1 = 0, c_0 is an independent input and the second term is absent (the bound still
   * holds). ‖c‖∞ is bounded a priori by {@link #lstmCellBound}.
   *
   * @param sigma σ_max of the blocks i, f, g, o of weight_hh (4 values, e.g. from
   *     {@link #gateSigmaMax}(weightHh, 4))
   * @param cMax a bound on ‖c_{t−1}‖∞ ≥ 0
   * @return the step's bound
   * @throws IllegalArgumentException unless 4 finite σ ≥ 0 and a finite cMax ≥ 0
   */
  public static LstmStep lstmStep(double[] sigma, double cMax) {
    requireSigmas("lstmStep", sigma, 4);
    requireSigma("lstmStep", "cMax", cMax);
    double alpha = cMax * sigma[1] / 4 + sigma[0] / 4 + sigma[2];
    double o = sigma[3] / 4;
    return new LstmStep(o, alpha, o, 1 + alpha);
  }

  /**
   * A priori bound on ‖c_t‖∞ of an LSTM: |f⊙c + i⊙g| ≤ |c| + 1 since |f|, |i|, |g| ≤ 1, so
   * ‖c_t‖∞ ≤ ‖c_0‖∞ + t; in float each step rounds the sum once upward at most (the products
   * f·c and i·g cannot exceed |c| and 1), hence the factor (1 + 2⁻²⁴)^t returned here.
   *
   * @param c0Max ‖c_0‖∞ ≥ 0
   * @param t step index ≥ 0
   * @return (c0Max + t)·(1 + 2⁻²⁴)^t
   */
  public static double lstmCellBound(double c0Max, int t) {
    requireSigma("lstmCellBound", "c0Max", c0Max);
    requireSteps("lstmCellBound", t);
    return (c0Max + t) * Math.pow(1 + 0x1p-24, t);
  }

  /**
   * Per-step gain bound of a GRU (PyTorch's convention: r, z, n stacked; n = tanh(W_in x + b_in
   * + r⊙q) with q = W_hn h_{t−1} + b_hn; h_t = (1 − z)⊙n + z⊙h_{t−1}):
   * ‖∂L/∂h_{t−1}‖ ≤ gruStep·‖∂L/∂h_t‖ (+ ‖u_{t−1}‖ with ALL_STEPS output). Derivation:
   * <pre>
   *   ∂h_t/∂h_{t−1} = diag(z) + diag(1 − z)·M + diag((h_{t−1} − n)⊙σ'(z_z))·W_hz,
   *   M = diag(tanh'(a_n))·(diag(r)·W_hn + diag(q⊙σ'(a_r))·W_hr)
   * </pre>
   * ‖M‖ ≤ m = σ_n + ‖q‖∞σ_r/4. For a unit v, componentwise z_k v_k + (1 − z_k)(Mv)_k is a convex
   * combination, so its square is ≤ z_k v_k² + (1 − z_k)(Mv)_k² ≤ v_k² + (Mv)_k², and
   * ‖diag(z) + diag(1 − z)M‖ ≤ √(1 + m²). The last term is ≤ (‖h_{t−1}‖∞ + 1)σ_z/4
   * (|n| ≤ 1). Result: √(1 + m²) + (hMax + 1)σ_z/4.
   *
   * @param sigma σ_max of the blocks r, z, n of weight_hh (3 values)
   * @param hMax a bound on ‖h_{t−1}‖∞ ≥ 0 (see {@link #gruHiddenBound})
   * @param qMax a bound on ‖W_hn h_{t−1} + b_hn‖∞ ≥ 0
   * @return the step's gain bound ≥ 1
   * @throws IllegalArgumentException unless 3 finite σ ≥ 0 and finite hMax, qMax ≥ 0
   */
  public static double gruStep(double[] sigma, double hMax, double qMax) {
    requireSigmas("gruStep", sigma, 3);
    requireSigma("gruStep", "hMax", hMax);
    requireSigma("gruStep", "qMax", qMax);
    double m = sigma[2] + qMax * sigma[0] / 4;
    return Math.sqrt(1 + m * m) + (hMax + 1) * sigma[1] / 4;
  }

  /**
   * A priori bound on ‖h_t‖∞ of a GRU: h_t is a convex combination of n ∈ [−1, 1] and h_{t−1},
   * so ‖h_t‖∞ ≤ max(1, ‖h_0‖∞). In float, n + z⊙(h − n) is computed as fl(n + fl(z·fl(h − n))):
   * with H = max(1, |h|) that is (1 − z)n + zh + z(h − n)θ, |θ| ≤ γ₂ = 2u/(1 − 2u), then one
   * more rounding, so |h_t| ≤ H(1 + 2γ₂)(1 + u) ≤ H(1 + u)⁶ (u = 2⁻²⁴) per step.
   *
   * @param h0Max ‖h_0‖∞ ≥ 0
   * @param t step index ≥ 0
   * @return max(1, h0Max)·(1 + 2⁻²⁴)^{6t}
   */
  public static double gruHiddenBound(double h0Max, int t) {
    requireSigma("gruHiddenBound", "h0Max", h0Max);
    requireSteps("gruHiddenBound", t);
    return Math.max(1, h0Max) * Math.pow(1 + 0x1p-24, 6.0 * t);
  }

  private static void requireSigma(String method, String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("GrowthBounds." + method + ": " + name
          + " must be finite and >= 0, got " + v);
    }
  }

  private static void requireSteps(String method, int t) {
    if (t < 0) {
      throw new IllegalArgumentException("GrowthBounds." + method + ": t must be >= 0, got " + t);
    }
  }

  private static void requireSigmas(String method, double[] sigma, int gates) {
    Objects.requireNonNull(sigma, "sigma");
    if (sigma.length != gates) {
      throw new IllegalArgumentException("GrowthBounds." + method + ": sigma must hold " + gates
          + " gate blocks' σ_max, got " + sigma.length);
    }
    for (int k = 0; k < gates; k++) {
      requireSigma(method, "sigma[" + k + "]", sigma[k]);
    }
  }

  private static Layer[] compute(List<Matrix> weights, List<Activation> activations,
      boolean residual) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(activations, "activations");
    if (weights.size() != activations.size()) {
      throw new IllegalArgumentException("GrowthBounds: " + weights.size() + " weights but "
          + activations.size() + " activations");
    }
    Layer[] out = new Layer[weights.size()];
    double cumUp = 0;
    OptionalDouble cumLo = OptionalDouble.of(0);
    for (int l = 0; l < out.length; l++) {
      Matrix w = Objects.requireNonNull(weights.get(l), "weights[" + l + "]");
      Activation g = Objects.requireNonNull(activations.get(l), "activations[" + l + "]");
      if (residual && w.rows() != w.cols()) {
        throw new IllegalArgumentException("GrowthBounds.residual: layer " + l
            + " weight must be square, got " + w.shape());
      }
      double[] s = SingularValues.of(w);
      double smax = s[0] * (1 + SVD_SLACK);
      double smin = Math.max(0, s[s.length - 1] - SVD_SLACK * s[0]);
      Factor f = residual ? residual(g, smax)
          : dense(g, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, smax,
              w.rows() == w.cols() ? smin : Double.NaN);
      double up = f.log10Upper();
      OptionalDouble lo = f.log10Lower();
      cumUp += up;
      cumLo = cumLo.isPresent() && lo.isPresent()
          ? OptionalDouble.of(cumLo.getAsDouble() + lo.getAsDouble()) : OptionalDouble.empty();
      out[l] = new Layer(up, lo, cumUp, cumLo);
    }
    return out;
  }
}
