package gradkernel.optim;

/**
 * cos(π·k/n) for the cosine schedule without allocation (StrictMath.cos allocates its argument
 * reduction buffer) and with a fixed operation order: the angle is reduced exactly in integers to
 * [0, π/4] and evaluated by Taylor polynomials in Horner form. Absolute error ≤ 4·10⁻¹⁶.
 */
final class Trig {
  private Trig() {}

  /** cos(π·k/n) for k ≥ 0, n ≥ 1. */
  static double cosPi(long k, long n) {
    long period = 2 * n;
    long u = k % period;                 // θ = π·u/n in [0, 2π)
    if (u > n) {
      u = period - u;                    // cos(2π − θ) = cos θ; now θ in [0, π]
    }
    double sign = 1;
    if (2 * u > n) {
      u = n - u;                         // cos(π − θ) = −cos θ; now θ in [0, π/2]
      sign = -1;
    }
    // θ = π·u/n ≤ π/2. Above π/4 use cos θ = sin(π/2 − θ) = sin(π·(n − 2u)/(2n)).
    if (4 * u > n) {
      return sign * sin(Math.PI * (n - 2 * u) / (2.0 * n));
    }
    return sign * cos(Math.PI * u / n);
  }

  /** (−1)ʲ/(2j)! and (−1)ʲ/(2j+1)! for j = 0..9: truncation below 10⁻¹⁸ on [0, π/4]. */
  private static final double[] COS = new double[10];
  private static final double[] SIN = new double[10];

  static {
    double f = 1;
    for (int j = 0; j < 10; j++) {
      if (j > 0) {
        f *= (2 * j - 1) * (2 * j);
      }
      COS[j] = (j % 2 == 0 ? 1 : -1) / f;
      SIN[j] = (j % 2 == 0 ? 1 : -1) / (f * (2 * j + 1));
    }
  }

  /** cos x for x in [0, π/4], Horner in x². */
  private static double cos(double x) {
    return horner(COS, x * x);
  }

  /** sin x for x in [0, π/4], x·(Horner in x²). */
  private static double sin(double x) {
    return x * horner(SIN, x * x);
  }

  private static double horner(double[] c, double z) {
    double s = c[c.length - 1];
    for (int j = c.length - 2; j >= 0; j--) {
      s = s * z + c[j];
    }
    return s;
  }
}
