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
 * σ comes from the double-precision Jacobi SVD ({@link SingularValues}), not from power iteration
 * (a lower estimate); to stay rigorous upward it is widened by {@link #SVD_SLACK}·σ_max
 * (σ_max up, σ_min down), which covers the Jacobi rounding error for matrices up to a few hundred.
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
