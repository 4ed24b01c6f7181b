package gradkernel.init;

/** PyTorch's recommended gains (torch.nn.init.calculate_gain) for [out, in] weights. */
public final class Gain {
  private Gain() {}

  /**
   * Gain for a nonlinearity name: linear/identity/sigmoid 1, tanh 5/3, relu √2, selu 3/4,
   * leaky_relu √(2/(1+0.01²)); "leaky_relu:a" uses slope a. Throws for unknown names.
   */
  public static double of(String nonlinearity) {
    String s = java.util.Objects.requireNonNull(nonlinearity, "nonlinearity").trim().toLowerCase(
        java.util.Locale.ROOT);
    if (s.startsWith("leaky_relu")) {
      double a = s.contains(":") ? Double.parseDouble(s.substring(s.indexOf(':') + 1)) : 0.01;
      return leakyRelu(a);
    }
    return switch (s) {
      case "linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d" -> 1.0;
      case "tanh" -> 5.0 / 3.0;
      case "relu" -> StrictMath.sqrt(2.0);
      case "selu" -> 0.75;
      default -> throw new IllegalArgumentException("Gain.of: unknown nonlinearity '"
          + nonlinearity + "'");
    };
  }

  /** √(2/(1+a²)) for leaky ReLU with negative slope a (finite). */
  public static double leakyRelu(double a) {
    if (!Double.isFinite(a)) {
      throw new IllegalArgumentException("leaky_relu slope must be finite, got " + a);
    }
    return StrictMath.sqrt(2.0 / (1 + a * a));
  }
}
