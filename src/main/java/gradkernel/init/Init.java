package gradkernel.init;

import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Weight initializers for row-major [out, in] matrices with PyTorch's fan convention:
 * fan_in = cols, fan_out = rows. Every method fills the view in place from a seed and is
 * bit-reproducible (see {@code Seeded}); elements are generated in row-major order. A gain whose
 * weights could exceed float range (e.g. 1e39 with Xavier) is rejected with an
 * IllegalArgumentException naming the gain and the resulting scale, before anything is written.
 */
public final class Init {
  /**
   * Largest |sample| of {@link Seeded#normal}: Box–Muller radius √(−2 ln u) with u ≥ 2⁻⁵³, i.e.
   * √(106 ln 2) ≈ 8.5717, rounded up.
   */
  static final double NORMAL_MAX = 8.572;

  private Init() {}

  /** Fan mode for He/Kaiming initialization. */
  public enum Mode { FAN_IN, FAN_OUT }

  /** U(−a, a), a = gain·√(6/(fan_in+fan_out)); variance gain²·2/(fan_in+fan_out). */
  public static void xavierUniform(Matrix w, double gain, long seed) {
    check(w, gain);
    double bound = gain * Math.sqrt(6.0 / (w.rows() + w.cols()));
    checkScale("xavierUniform", gain, "bound", bound, bound);
    uniform(w, bound, seed);
  }

  /** N(0, std²), std = gain·√(2/(fan_in+fan_out)). */
  public static void xavierNormal(Matrix w, double gain, long seed) {
    check(w, gain);
    double std = gain * Math.sqrt(2.0 / (w.rows() + w.cols()));
    checkScale("xavierNormal", gain, "std", std, std * NORMAL_MAX);
    normal(w, std, seed);
  }

  /** U(−b, b), b = gain·√(3/fan); variance gain²/fan (PyTorch kaiming_uniform_). */
  public static void heUniform(Matrix w, double gain, Mode mode, long seed) {
    check(w, gain);
    double bound = gain * Math.sqrt(3.0 / fan(w, mode));
    checkScale("heUniform", gain, "bound", bound, bound);
    uniform(w, bound, seed);
  }

  /** N(0, gain²/fan) (PyTorch kaiming_normal_; pass gain √2 for ReLU). */
  public static void heNormal(Matrix w, double gain, Mode mode, long seed) {
    check(w, gain);
    double std = gain / Math.sqrt(fan(w, mode));
    checkScale("heNormal", gain, "std", std, std * NORMAL_MAX);
    normal(w, std, seed);
  }

  /** LeCun uniform: U(−√(3/fan_in), √(3/fan_in)), variance 1/fan_in. */
  public static void lecunUniform(Matrix w, long seed) {
    heUniform(w, 1.0, Mode.FAN_IN, seed);
  }

  /** LeCun normal: N(0, 1/fan_in). */
  public static void lecunNormal(Matrix w, long seed) {
    heNormal(w, 1.0, Mode.FAN_IN, seed);
  }

  /**
   * Normal N(0, std²) truncated to [a, b] (absolute bounds, like torch trunc_normal_), by
   * rejection; requires a &lt; b and that [a, b] has non-negligible mass (≥ 1e-6).
   */
  public static void truncatedNormal(Matrix w, double std, double a, double b, long seed) {
    check(w, 1.0);
    if (!(std > 0) || !Double.isFinite(std) || !(a < b) || !Double.isFinite(a)
        || !Double.isFinite(b)) {
      throw new IllegalArgumentException("truncatedNormal: need finite std > 0 and a < b, got std "
          + std + ", [" + a + ", " + b + "]");
    }
    double largest = Math.min(std * NORMAL_MAX, Math.max(Math.abs(a), Math.abs(b)));
    if (largest > Float.MAX_VALUE) {
      throw new IllegalArgumentException("truncatedNormal: std " + std + " on [" + a + ", " + b
          + "] gives weights up to " + largest + ", beyond float range (max " + Float.MAX_VALUE + ")");
    }
    Seeded r = new Seeded(seed);
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        double x;
        int tries = 0;
        do {
          x = std * r.normal();
          if (++tries > 10_000_000) {
            throw new ArithmeticException("truncatedNormal: interval [" + a + ", " + b
                + "] has negligible mass for std " + std);
          }
        } while (x < a || x > b);
        w.set(i, j, (float) x);
      }
    }
  }

  /**
   * Orthogonal init (PyTorch orthogonal_): QR of a Gaussian of shape [max, min], Q's columns
   * sign-corrected by sign(diag R), transposed for wide shapes, times gain. Rows (if out ≤ in) or
   * columns (if out ≥ in) are orthonormal·gain.
   */
  public static void orthogonal(Matrix w, double gain, long seed) {
    check(w, gain);
    checkScale("orthogonal", gain, "scale", gain, gain); // |Q entries| ≤ 1
    int m = Math.max(w.rows(), w.cols());
    int n = Math.min(w.rows(), w.cols());
    Seeded r = new Seeded(seed);
    double[][] q = new double[n][m]; // columns of an m×n Gaussian
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        q[j][i] = r.normal();
      }
    }
    // Modified Gram–Schmidt, twice (reorthogonalization) for ‖QᵀQ − I‖ at double rounding level;
    // the sign of diag(R) is then positive by construction, which is PyTorch's sign correction.
    for (int j = 0; j < n; j++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double d = 0;
          for (int i = 0; i < m; i++) {
            d += q[k][i] * q[j][i];
          }
          for (int i = 0; i < m; i++) {
            q[j][i] -= d * q[k][i];
          }
        }
      }
      double nn = 0;
      for (int i = 0; i < m; i++) {
        nn += q[j][i] * q[j][i];
      }
      double inv = 1 / Math.sqrt(nn);
      for (int i = 0; i < m; i++) {
        q[j][i] *= inv;
      }
    }
    boolean tall = w.rows() >= w.cols();
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        w.set(i, j, (float) (gain * (tall ? q[j][i] : q[i][j])));
      }
    }
  }

  private static double fan(Matrix w, Mode mode) {
    return Objects.requireNonNull(mode, "mode") == Mode.FAN_IN ? w.cols() : w.rows();
  }

  private static void check(Matrix w, double gain) {
    Objects.requireNonNull(w, "w");
    if (w.rows() == 0 || w.cols() == 0) {
      throw new IllegalArgumentException("init: zero-size weight " + w.shape());
    }
    if (!Double.isFinite(gain) || gain < 0) {
      throw new IllegalArgumentException("init: gain must be finite and >= 0, got " + gain);
    }
  }

  /**
   * Rejects a gain whose weights could overflow float: {@code largest} is the largest magnitude
   * the method can produce ({@code scale} times the largest sample), and must be ≤ Float.MAX_VALUE.
   */
  private static void checkScale(String method, double gain, String scaleName, double scale, double largest) {
    if (!(largest <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException("Init." + method + ": gain " + gain + " gives scale (" + scaleName
          + ") " + scale + " and weights up to " + largest + ", beyond float range (max "
          + Float.MAX_VALUE + ")");
    }
  }

  private static void uniform(Matrix w, double bound, long seed) {
    Seeded r = new Seeded(seed);
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        w.set(i, j, (float) (bound * (2 * r.uniform() - 1)));
      }
    }
  }

  private static void normal(Matrix w, double std, long seed) {
    Seeded r = new Seeded(seed);
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        w.set(i, j, (float) (std * r.normal()));
      }
    }
  }
}
