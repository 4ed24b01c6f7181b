package gradkernel.init;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import java.util.Locale;
import java.util.Objects;

/**
 * Recommended gains for [out, in] weights followed by an activation, the factor the initializers
 * of {@link Init} multiply their standard deviation by.
 *
 * <p>Names are parsed by {@link Activations#of(String)} (the one parser of activation specs), so
 * every activation the library has gets a gain and a misspelt name is an error listing the valid
 * ones. Sources:
 *
 * <ul>
 *   <li>PyTorch's {@code torch.nn.init.calculate_gain}, for the families it covers: identity
 *       (linear) 1, sigmoid 1, tanh 5/3, relu √2, leaky_relu:a √(2/(1 + a²)) (a = 0.01 by
 *       default), selu 3/4. {@code conv1d/2d/3d} and {@code conv_transpose1d/2d/3d} are accepted
 *       as names for the identity gain, as there.
 *   <li>Every other family (elu:α, softplus:β, hardtanh:min:max, silu, gelu, gelu_tanh; PyTorch
 *       raises for them): 1/√E[g(Z)²] for Z ~ N(0, 1), the criterion of He et al. (2015) that keeps
 *       the second moment of the pre-activations constant through fan-in-initialized layers. It
 *       gives exactly √2 for ReLU; for the families above (defaults) it is about elu 1.2452,
 *       softplus 1.0419, hardtanh 1.3920, silu 1.6765, gelu 1.5335, gelu_tanh 1.5336. Computed by
 *       composite Simpson on [−12, 12] (step 1/256) from {@link Activation#value(float)}:
 *       deterministic, about 1e-6 relative error. (For comparison, tanh by this criterion would
 *       be 1.5925; PyTorch's 5/3 is kept for tanh.)
 * </ul>
 */
public final class Gain {
  private static final int STEPS_PER_UNIT = 256;
  private static final int HALF_RANGE = 12;

  private Gain() {}

  /**
   * Gain for an activation spec as {@link Activations#of(String)} reads it (case-insensitive,
   * e.g. {@code "tanh"}, {@code "leaky_relu:0.2"}, {@code "gelu"}), or a PyTorch conv layer name
   * (gain 1).
   *
   * @throws IllegalArgumentException for an unknown or malformed spec, listing the valid ones
   */
  public static double of(String nonlinearity) {
    Objects.requireNonNull(nonlinearity, "nonlinearity");
    String s = nonlinearity.trim().toLowerCase(Locale.ROOT);
    if (s.matches("conv(_transpose)?[123]d")) {
      return 1.0;
    }
    return of(Activations.of(nonlinearity));
  }

  /** Gain for an activation (see the class comment for the table and the rule). */
  public static double of(Activation activation) {
    Objects.requireNonNull(activation, "activation");
    if (activation == Activations.IDENTITY || activation == Activations.SIGMOID) {
      return 1.0;
    }
    if (activation == Activations.TANH) {
      return 5.0 / 3.0;
    }
    if (activation == Activations.RELU) {
      return StrictMath.sqrt(2.0);
    }
    if (activation == Activations.SELU) {
      return 0.75;
    }
    if (activation.name().startsWith("leaky_relu:")) {
      return leakyRelu(activation.derivative(-1f)); // g' = α on z < 0, exactly
    }
    return secondMomentGain(activation);
  }

  /** √(2/(1+a²)) for leaky ReLU with negative slope a (finite). */
  public static double leakyRelu(double a) {
    if (!Double.isFinite(a)) {
      throw new IllegalArgumentException("leaky_relu slope must be finite, got " + a);
    }
    return StrictMath.sqrt(2.0 / (1 + a * a));
  }

  /** 1/√E[g(Z)²], Z ~ N(0, 1), by composite Simpson; nodes k/256 are exact floats. */
  private static double secondMomentGain(Activation g) {
    int n = 2 * HALF_RANGE * STEPS_PER_UNIT;
    double h = 1.0 / STEPS_PER_UNIT;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double z = -HALF_RANGE + i * h;
      double y = g.value((float) z);
      double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += w * y * y * StrictMath.exp(-0.5 * z * z);
    }
    double moment = sum * h / 3 / StrictMath.sqrt(2 * Math.PI);
    if (!(moment > 0) || !Double.isFinite(moment)) {
      throw new IllegalArgumentException("no gain for " + g.name() + ": E[g(Z)²] = " + moment);
    }
    return 1 / StrictMath.sqrt(moment);
  }
}
