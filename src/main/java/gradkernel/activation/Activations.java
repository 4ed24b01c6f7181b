package gradkernel.activation;

import gradkernel.kernel.ActivationKernels.Fn;
import gradkernel.kernel.ScalarActivationKernels;
import java.util.Locale;
import java.util.Objects;

/**
 * The built-in activations and lookup by spec. A spec is a name, optionally followed by
 * colon-separated parameters: {@code "tanh"}, {@code "leaky_relu:0.01"}, {@code "elu:1.0"},
 * {@code "softplus:2"}, {@code "hardtanh:-2:2"}, {@code "gelu"}, {@code "gelu:tanh"}. Lookup is
 * case-insensitive; {@link Activation#name()} returns the canonical spec, which round-trips.
 */
public final class Activations {
  private Activations() {}

  /** The specs {@link #of(String)} accepts, for error messages and help text. */
  public static final String VALID = "identity (linear), relu, leaky_relu[:alpha=0.01], "
      + "elu[:alpha=1], selu, sigmoid, tanh, hardtanh[:min=-1:max=1], softplus[:beta=1], "
      + "silu (swish), gelu (gelu:none), gelu_tanh (gelu:tanh)";

  /** SELU's α (Klambauer et al. 2017). */
  public static final float SELU_ALPHA = 1.6732632423543772f;
  /** SELU's scale λ. */
  public static final float SELU_SCALE = 1.0507009873554805f;

  private static final Elementwise.Bounds ONE = new Elementwise.Bounds() {
    @Override public double sup(double lo, double hi) { return 1; }
    @Override public double inf(double lo, double hi) { return 1; }
  };

  /** g(z) = z; g' = 1. */
  public static final Activation IDENTITY = new Elementwise("identity", Fn.IDENTITY, 0, 0, ONE);
  /** g(z) = max(z, 0); g'(0) = 0 as in PyTorch. */
  public static final Activation RELU = leakyRelu("relu", Fn.RELU, 0f);
  /** g(z) = σ(z) = 1/(1 + e^{−z}); g' = σ(1 − σ) ∈ (0, 1/4]. */
  public static final Activation SIGMOID = smooth("sigmoid", Fn.SIGMOID, 0, 0,
      new double[] {0}, new double[0], 0, 0, 0);
  /** g(z) = tanh z; g' = 1 − tanh²z ∈ (0, 1]. */
  public static final Activation TANH = smooth("tanh", Fn.TANH, 0, 0,
      new double[] {0}, new double[0], 0, 0, 0);
  /** SELU: λ·z for z &gt; 0, λα(e^z − 1) otherwise; g'(0) = λα. */
  public static final Activation SELU = elu("selu", SELU_ALPHA, SELU_SCALE);
  /** SiLU / swish: z·σ(z); g' ∈ [−0.0998, 1.0998], zero at z ≈ −1.2785. */
  public static final Activation SILU = smooth("silu", Fn.SILU, 0, 0,
      new double[] {-2.3993572805154677, 2.3993572805154677}, new double[] {-1.2784645427610738},
      0, 1, 1e-15);
  /** GELU, exact: z·Φ(z); g' = Φ(z) + zφ(z) ∈ [−0.1289, 1.1289], zero at z ≈ −0.7518. */
  public static final Activation GELU = smooth("gelu", Fn.GELU, 0, 0,
      new double[] {-Math.sqrt(2), Math.sqrt(2)}, new double[] {-0.7517915246935645}, 0, 1, 1e-15);
  /** GELU, tanh approximation: ½z(1 + tanh(√(2/π)(z + 0.044715z³))). */
  public static final Activation GELU_TANH = smooth("gelu_tanh", Fn.GELU_TANH, 0, 0,
      new double[] {-1.4185040087908284, 1.4185040087908284}, new double[] {-0.7524614220710163},
      0, 1, 1e-15);
  /** Hard tanh with the default range [−1, 1]. */
  public static final Activation HARD_TANH = hardTanh(-1f, 1f);

  /** Leaky ReLU: z for z &gt; 0, αz otherwise; g'(0) = α as in PyTorch. α finite. */
  public static Activation leakyRelu(float alpha) {
    return leakyRelu("leaky_relu:" + finite("alpha", alpha), Fn.LEAKY_RELU, alpha);
  }

  /** ELU: z for z &gt; 0, α(e^z − 1) otherwise; g'(0) = α as in PyTorch. α finite. */
  public static Activation elu(float alpha) {
    return elu("elu:" + finite("alpha", alpha), alpha, 1f);
  }

  /**
   * Softplus: log(1 + e^{βz})/β, β &gt; 0, evaluated as max(z, 0) + log1p(e^{−β|z|})/β. PyTorch
   * returns z where βz &gt; 20 (its threshold); there the two differ by &lt; 2⁻²⁸ relative, below float
   * resolution, so no threshold is applied. g' = σ(βz) ∈ (0, 1).
   */
  public static Activation softplus(float beta) {
    if (!(beta > 0) || !Float.isFinite(beta)) {
      throw new IllegalArgumentException("softplus beta must be finite and > 0, got " + beta);
    }
    return smooth("softplus:" + beta, Fn.SOFTPLUS, beta, 0, new double[0], new double[0], 0, 1, 0);
  }

  /**
   * Hard tanh: clamp(z, min, max); g' = 1 on (min, max), 0 at z ≤ min or z ≥ max (PyTorch's
   * hardtanh_backward: the ends count as saturated). Needs finite min &lt; max.
   */
  public static Activation hardTanh(float min, float max) {
    finite("min", min);
    finite("max", max);
    if (!(min < max)) {
      throw new IllegalArgumentException("hardtanh needs min < max, got [" + min + ", " + max + "]");
    }
    return new Elementwise("hardtanh:" + min + ":" + max, Fn.HARD_TANH, min, max,
        new Elementwise.Bounds() {
          @Override public double sup(double lo, double hi) { return hi > min && lo < max ? 1 : 0; }
          @Override public double inf(double lo, double hi) { return lo > min && hi < max ? 1 : 0; }
        });
  }

  /** Looks up an activation by spec (see the class comment); case-insensitive. */
  public static Activation of(String spec) {
    Objects.requireNonNull(spec, "spec");
    try {
      return parse(spec);
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(BAD) ? e : bad(spec, e.getMessage());
    }
  }

  private static final String BAD = "bad activation spec '";

  private static Activation parse(String spec) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", -1);
    String base = parts[0].trim();
    int args = parts.length - 1;
    return switch (base) {
      case "identity", "linear" -> noArgs(spec, args, IDENTITY);
      case "relu" -> noArgs(spec, args, RELU);
      case "leaky_relu", "leakyrelu" -> leakyRelu(args == 0 ? 0.01f : arg(spec, parts, 1, 1));
      case "elu" -> elu(args == 0 ? 1f : arg(spec, parts, 1, 1));
      case "selu" -> noArgs(spec, args, SELU);
      case "sigmoid", "logistic" -> noArgs(spec, args, SIGMOID);
      case "tanh" -> noArgs(spec, args, TANH);
      case "hardtanh", "hard_tanh" ->
          args == 0 ? HARD_TANH : hardTanh(arg(spec, parts, 1, 2), arg(spec, parts, 2, 2));
      case "softplus" -> softplus(args == 0 ? 1f : arg(spec, parts, 1, 1));
      case "silu", "swish" -> noArgs(spec, args, SILU);
      case "gelu_tanh" -> noArgs(spec, args, GELU_TANH);
      case "gelu" -> {
        String approx = args == 1 ? parts[1].trim() : args == 0 ? "none" : "?";
        yield switch (approx) {
          case "none", "erf" -> GELU;
          case "tanh" -> GELU_TANH;
          default -> throw bad(spec, "gelu takes no parameter, or 'none' / 'tanh'");
        };
      }
      default -> throw bad(spec, "unknown name '" + base + "'");
    };
  }

  private static Activation noArgs(String spec, int args, Activation a) {
    if (args != 0) {
      throw bad(spec, a.name() + " takes no parameters");
    }
    return a;
  }

  /** Parameter {@code index} of a family expecting exactly {@code expected} parameters. */
  private static float arg(String spec, String[] parts, int index, int expected) {
    if (parts.length - 1 != expected) {
      throw bad(spec, "'" + parts[0].trim() + "' takes " + expected + " parameter(s), got "
          + (parts.length - 1));
    }
    try {
      return finite("parameter " + index, Float.parseFloat(parts[index].trim()));
    } catch (NumberFormatException e) {
      throw bad(spec, "parameter " + index + " '" + parts[index].trim() + "' is not a number");
    }
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException(
        BAD + spec + "': " + why + "; valid: " + VALID);
  }

  private static float finite(String what, float v) {
    if (!Float.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite, got " + v);
    }
    return v;
  }

  /** ReLU (α = 0) and leaky ReLU: |g'| is |α| on (−∞, 0] and 1 on (0, ∞), exactly. */
  private static Activation leakyRelu(String name, Fn fn, float alpha) {
    double a = Math.abs(alpha);
    return new Elementwise(name, fn, alpha, 0, new Elementwise.Bounds() {
      @Override public double sup(double lo, double hi) {
        return hi <= 0 ? a : lo > 0 ? 1 : Math.max(a, 1);
      }
      @Override public double inf(double lo, double hi) {
        return hi <= 0 ? a : lo > 0 ? 1 : Math.min(a, 1);
      }
    });
  }

  /**
   * ELU with scale λ: |g'| = λ|α|e^z on (−∞, 0] (increasing) and λ on (0, ∞). Transcendental ends
   * are widened by 2⁻⁴⁴ relative (sup up, inf down).
   */
  private static Activation elu(String name, float alpha, float scale) {
    double a = Math.abs((double) alpha * scale);
    double l = Math.abs(scale);
    return new Elementwise(name, Fn.ELU, alpha, scale, new Elementwise.Bounds() {
      @Override public double sup(double lo, double hi) {
        double neg = lo <= 0 ? Math.nextUp(a * Math.exp(Math.min(hi, 0)) * (1 + 0x1p-44)) : 0;
        return hi > 0 ? Math.max(neg, l) : neg;
      }
      @Override public double inf(double lo, double hi) {
        double neg = lo <= 0 ? a * Math.exp(lo) * (1 - 0x1p-44) : l;
        return hi > 0 ? Math.min(neg, l) : neg;
      }
    });
  }

  private static Activation smooth(String name, Fn fn, float p, float q, double[] criticals,
      double[] zeros, double atNegInf, double atPosInf, double absSlack) {
    return new Elementwise(name, fn, p, q, new DerivativeBounds(
        z -> ScalarActivationKernels.derivative(fn, p, q, z), criticals, zeros, atNegInf, atPosInf,
        absSlack));
  }
}
