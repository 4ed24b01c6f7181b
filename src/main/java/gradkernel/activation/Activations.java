package gradkernel.activation;

import gradkernel.tensor.Checks;
import java.util.Locale;
import java.util.Objects;

/** The built-in activations and lookup by name. */
public final class Activations {
  private Activations() {}

  /** g(z) = z; g' = 1. */
  public static final Activation IDENTITY = new Scalar("identity") {
    @Override public float value(float z) { return z; }
    @Override public float derivative(float z) { return 1f; }
    @Override public double supDerivative(double lo, double hi) { return 1; }
    @Override public double infDerivative(double lo, double hi) { return 1; }
  };

  /** g(z) = tanh z; g' = 1 − tanh²z. */
  public static final Activation TANH = new Scalar("tanh") {
    @Override public float value(float z) { return (float) Math.tanh(z); }
    @Override public float derivative(float z) {
      double t = Math.tanh(z);
      return (float) (1 - t * t);
    }
    @Override public double supDerivative(double lo, double hi) {
      return lo <= 0 && hi >= 0 ? 1 : d(Math.min(Math.abs(lo), Math.abs(hi)));
    }
    @Override public double infDerivative(double lo, double hi) {
      return d(Math.max(Math.abs(lo), Math.abs(hi)));
    }
    private double d(double z) {
      double t = Math.tanh(z);
      return 1 - t * t;
    }
  };

  /** Looks up an activation by spec, e.g. {@code "tanh"}; parameters follow a colon. */
  public static Activation of(String spec) {
    Objects.requireNonNull(spec, "spec");
    return switch (spec.trim().toLowerCase(Locale.ROOT)) {
      case "identity", "linear" -> IDENTITY;
      case "tanh" -> TANH;
      default -> throw new IllegalArgumentException(
          "unknown activation '" + spec + "'; valid: identity, tanh");
    };
  }

  /** Array methods in terms of the scalar value/derivative (the scalar twin). */
  abstract static class Scalar implements Activation {
    private final String name;

    Scalar(String name) {
      this.name = name;
    }

    @Override public String name() { return name; }

    @Override public void forward(float[] z, int zOff, float[] out, int outOff, int n) {
      Checks.range("z", z, zOff, n);
      Checks.range("out", out, outOff, n);
      for (int i = 0; i < n; i++) {
        out[outOff + i] = value(z[zOff + i]);
      }
    }

    @Override public void derivative(float[] z, int zOff, float[] out, int outOff, int n) {
      Checks.range("z", z, zOff, n);
      Checks.range("out", out, outOff, n);
      for (int i = 0; i < n; i++) {
        out[outOff + i] = derivative(z[zOff + i]);
      }
    }

    @Override public void backward(float[] upstream, int uOff, float[] z, int zOff, float[] out,
        int outOff, int n) {
      Checks.range("upstream", upstream, uOff, n);
      Checks.range("z", z, zOff, n);
      Checks.range("out", out, outOff, n);
      for (int i = 0; i < n; i++) {
        out[outOff + i] = upstream[uOff + i] * derivative(z[zOff + i]);
      }
    }

    @Override public double supDerivative() {
      return supDerivative(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Override public double infDerivative() {
      return infDerivative(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Override public String toString() { return name; }
  }
}
