package gradkernel.activation;

import gradkernel.kernel.ScalarActivationKernels;
import java.util.List;

/**
 * Independent double-precision references for the built-in activations, written in textbook forms
 * that stay accurate in double on the tested ranges (sech² instead of 1 − tanh², σ(−z) instead of
 * 1 − σ(z)). Φ uses {@link ScalarActivationKernels#erfc}, itself checked against 40-digit values in
 * {@code ErfcTest}.
 */
final class Reference {
  private Reference() {}

  /** Parameters are float (as the kernels use them): SELU's constants rounded to float. */
  static final double SELU_A = 1.6732632423543772f;
  static final double SELU_L = 1.0507009873554805f;

  /** Every built-in family, some with non-default parameters. */
  static final List<String> SPECS = List.of("identity", "relu", "leaky_relu:0.01", "leaky_relu:-0.5",
      "elu:1.0", "elu:0.5", "selu", "sigmoid", "tanh", "hardtanh:-1.0:1.0", "hardtanh:-2.0:0.5",
      "softplus:1.0", "softplus:3.0", "silu", "gelu", "gelu_tanh");

  /** Families whose g' crosses zero: their derivative error is stated absolutely near the zero. */
  static boolean hasZeroCrossing(String spec) {
    return spec.startsWith("silu") || spec.startsWith("gelu");
  }

  private static double param(String spec, int i) {
    return Float.parseFloat(spec.split(":")[i]);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double sech2(double z) {
    double c = Math.cosh(z);
    return 1 / (c * c);
  }

  private static double phiCdf(double z) {
    return 0.5 * ScalarActivationKernels.erfc(-z / Math.sqrt(2));
  }

  private static double u(double z) {
    return Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z);
  }

  static double value(String spec, double z) {
    String base = spec.split(":")[0];
    return switch (base) {
      case "identity" -> z;
      case "relu" -> z > 0 ? z : 0;
      case "leaky_relu" -> z > 0 ? z : param(spec, 1) * z;
      case "elu" -> z > 0 ? z : param(spec, 1) * Math.expm1(z);
      case "selu" -> SELU_L * (z > 0 ? z : SELU_A * Math.expm1(z));
      case "sigmoid" -> sigmoid(z);
      case "tanh" -> Math.tanh(z);
      case "hardtanh" -> Math.min(Math.max(z, param(spec, 1)), param(spec, 2));
      case "softplus" -> {
        double b = param(spec, 1);
        yield b * z > 30 ? z + Math.log1p(Math.exp(-b * z)) / b : Math.log1p(Math.exp(b * z)) / b;
      }
      case "silu" -> z * sigmoid(z);
      case "gelu" -> z * phiCdf(z);
      case "gelu_tanh" -> z * sigmoid(2 * u(z));
      default -> throw new IllegalArgumentException(spec);
    };
  }

  static double derivative(String spec, double z) {
    String base = spec.split(":")[0];
    return switch (base) {
      case "identity" -> 1;
      case "relu" -> z > 0 ? 1 : 0;
      case "leaky_relu" -> z > 0 ? 1 : param(spec, 1);
      case "elu" -> z > 0 ? 1 : param(spec, 1) * Math.exp(z);
      case "selu" -> SELU_L * (z > 0 ? 1 : SELU_A * Math.exp(z));
      case "sigmoid" -> 0.25 * sech2(z / 2);
      case "tanh" -> sech2(z);
      case "hardtanh" -> z > param(spec, 1) && z < param(spec, 2) ? 1 : 0;
      case "softplus" -> sigmoid(param(spec, 1) * z);
      case "silu" -> sigmoid(z) * (1 + z * sigmoid(-z));
      case "gelu" -> phiCdf(z) + z * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
      case "gelu_tanh" -> sigmoid(2 * u(z))
          + 0.5 * z * sech2(u(z)) * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * z * z);
      default -> throw new IllegalArgumentException(spec);
    };
  }

  /** Points where g is not differentiable (finite differences skip their neighbourhood). */
  static double[] kinks(String spec) {
    String base = spec.split(":")[0];
    return switch (base) {
      case "relu", "leaky_relu", "elu", "selu" -> new double[] {0};
      case "hardtanh" -> new double[] {param(spec, 1), param(spec, 2)};
      default -> new double[0];
    };
  }
}
