package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;

/** Exact references and assertions shared by the clipping tests. */
final class Ref {
  static final MathContext MC = new MathContext(60);

  private Ref() {}

  /** Euclidean norm via BigDecimal (squares of floats are exact doubles; 60-digit sums). */
  static double l2(float[]... grads) {
    BigDecimal s = BigDecimal.ZERO;
    for (float[] g : grads) {
      for (float x : g) {
        double v = x;
        s = s.add(new BigDecimal(v * v), MC);
      }
    }
    return s.sqrt(MC).doubleValue();
  }

  /** p-norm via BigDecimal Σ|x|^p for integer p, root taken in double (≤ 1 ulp). */
  static double lp(int p, float[]... grads) {
    BigDecimal s = BigDecimal.ZERO;
    BigDecimal max = BigDecimal.ZERO;
    for (float[] g : grads) {
      for (float x : g) {
        BigDecimal a = new BigDecimal(Math.abs((double) x));
        max = max.max(a);
        s = s.add(a.pow(p, MC), MC);
      }
    }
    if (max.signum() == 0) {
      return 0;
    }
    // Σ(|x|/max)^p is in [1, n]: its root in double is accurate, then scale back.
    double ratio = s.divide(max.pow(p, MC), MC).doubleValue();
    return max.doubleValue() * Math.pow(ratio, 1.0 / p);
  }

  /** A random tensor of n floats of magnitude around 10^e (signed, some zeros). */
  static float[] tensor(Random r, int n, double e) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double v = r.nextInt(10) == 0 ? 0 : r.nextGaussian() * Math.pow(10, e + r.nextDouble());
      x[i] = (float) v;
    }
    return x;
  }

  static float[][] copy(float[][] g) {
    float[][] c = new float[g.length][];
    for (int t = 0; t < g.length; t++) {
      c[t] = g[t].clone();
    }
    return c;
  }

  /** Bitwise equality of every element (distinguishes -0 and NaN payload-free). */
  static boolean bitEqual(float[][] a, float[][] b) {
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) {
        if (Float.floatToRawIntBits(a[t][i]) != Float.floatToRawIntBits(b[t][i])) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Asserts y = k·x elementwise for one k > 0 (least-squares fit): every |y_i − k·x_i| within one
   * float rounding (2⁻²³ relative, 2⁻¹⁴⁹ absolute for subnormals) plus the fit's own error.
   */
  static void assertSameDirection(float[][] x, float[][] y) {
    double sxy = 0;
    double sxx = 0;
    double m = 0;
    for (float[] t : x) {
      for (float v : t) {
        m = Math.max(m, Math.abs(v));
      }
    }
    if (m == 0) {
      return;
    }
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        double a = x[t][i] / m;
        sxy += a * y[t][i];
        sxx += a * a;
      }
    }
    double k = sxy / sxx / m;
    assertTrue(k >= 0, "negative scale " + k);
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        double want = k * x[t][i];
        double err = Math.abs(y[t][i] - want);
        double tol = (0x1p-23 + 1e-9) * Math.abs(want) + 0x1p-149;
        if (err > tol) {
          throw new AssertionError("direction changed at tensor " + t + " element " + i + ": x="
              + x[t][i] + " y=" + y[t][i] + " k=" + k);
        }
      }
    }
  }
}
