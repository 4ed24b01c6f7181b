package gradkernel.spectral;

import gradkernel.tensor.Matrix;
import java.util.Objects;

/**
 * Eigenvalues of small square matrices (up to a few hundred): Householder reduction to upper
 * Hessenberg form, then Francis double-shift QR with deflation on small subdiagonals, in double.
 * Error per eigenvalue ≈ ε·‖A‖·condition of that eigenvalue; for a defective (Jordan) block of
 * size k the error grows to ≈ (ε‖A‖)^(1/k), which is inherent to the problem, not the method.
 *
 * <p>An immutable value: eigenvalue k is {@link #re(int) re(k)} + i·{@link #im(int) im(k)}, complex
 * pairs as consecutive conjugates, in the order the QR iteration deflates them (not sorted).
 * {@link #re()} and {@link #im()} return fresh copies; equality compares the values.
 */
public final class Eigenvalues {
  private static final int MAX_ITS_PER_EIGENVALUE = 60;

  private final double[] re;
  private final double[] im;

  private Eigenvalues(double[] re, double[] im) {
    this.re = re;
    this.im = im;
  }

  /** Number of eigenvalues n (with multiplicity). */
  public int size() {
    return re.length;
  }

  /** Real part of eigenvalue k, k in [0, n). */
  public double re(int k) {
    return re[Objects.checkIndex(k, re.length)];
  }

  /** Imaginary part of eigenvalue k, k in [0, n). */
  public double im(int k) {
    return im[Objects.checkIndex(k, im.length)];
  }

  /** |λ_k| = hypot(re(k), im(k)). */
  public double abs(int k) {
    return Math.hypot(re(k), im(k));
  }

  /** A copy of the real parts, length n. */
  public double[] re() {
    return re.clone();
  }

  /** A copy of the imaginary parts, length n. */
  public double[] im() {
    return im.clone();
  }

  /** Eigenvalues of the n×n matrix; throws on non-square, zero size, NaN/Inf, or non-convergence. */
  public static Eigenvalues of(Matrix m) {
    SingularValues.requireSquare(m, "Eigenvalues.of");
    int n = m.rows();
    if (n == 0) {
      throw new IllegalArgumentException("Eigenvalues.of: zero-size matrix " + m.shape());
    }
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        float x = m.get(i, j);
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("Eigenvalues.of: non-finite entry " + x + " at ("
              + i + ", " + j + ") of " + m.shape() + " matrix");
        }
        a[i][j] = x;
      }
    }
    hessenberg(a);
    double[] wr = new double[n];
    double[] wi = new double[n];
    francis(a, wr, wi);
    return new Eigenvalues(wr, wi);
  }

  /** Spectral radius ρ = max |λ| of the square matrix. */
  public static double spectralRadius(Matrix m) {
    return of(m).radius();
  }

  /** max |λ| over these eigenvalues. */
  public double radius() {
    double r = 0;
    for (int i = 0; i < re.length; i++) {
      r = Math.max(r, Math.hypot(re[i], im[i]));
    }
    return r;
  }

  /** Equal iff the other holds the same eigenvalues in the same order (bitwise, as Arrays.equals). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Eigenvalues e && java.util.Arrays.equals(re, e.re)
        && java.util.Arrays.equals(im, e.im);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(re) + java.util.Arrays.hashCode(im);
  }

  /** "Eigenvalues[re ± im i, ...]", for messages. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Eigenvalues[");
    for (int i = 0; i < re.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(re[i]).append(im[i] < 0 ? " - " : " + ")
          .append(Math.abs(im[i])).append('i');
    }
    return sb.append(']').toString();
  }

  private static void hessenberg(double[][] a) {
    int n = a.length;
    double[] v = new double[n];
    for (int k = 0; k < n - 2; k++) {
      double norm = 0;
      for (int i = k + 1; i < n; i++) {
        norm = Math.hypot(norm, a[i][k]);
      }
      if (norm == 0) {
        continue;
      }
      double alpha = a[k + 1][k] > 0 ? -norm : norm;
      double vv = 0;
      for (int i = k + 1; i < n; i++) {
        v[i] = a[i][k];
      }
      v[k + 1] -= alpha;
      for (int i = k + 1; i < n; i++) {
        vv += v[i] * v[i];
      }
      if (vv == 0) {
        continue;
      }
      // A ← H A H with H = I − 2 v vᵀ / (vᵀv), acting on rows and columns k+1..n−1.
      for (int j = 0; j < n; j++) {
        double d = 0;
        for (int i = k + 1; i < n; i++) {
          d += v[i] * a[i][j];
        }
        d *= 2 / vv;
        for (int i = k + 1; i < n; i++) {
          a[i][j] -= d * v[i];
        }
      }
      for (int i = 0; i < n; i++) {
        double d = 0;
        for (int j = k + 1; j < n; j++) {
          d += a[i][j] * v[j];
        }
        d *= 2 / vv;
        for (int j = k + 1; j < n; j++) {
          a[i][j] -= d * v[j];
        }
      }
      for (int i = k + 2; i < n; i++) {
        a[i][k] = 0;
      }
    }
  }

  private static double sign(double a, double b) {
    return b >= 0 ? Math.abs(a) : -Math.abs(a);
  }

  private static void francis(double[][] a, double[] wr, double[] wi) {
    int n = a.length;
    double anorm = 0;
    for (int i = 0; i < n; i++) {
      for (int j = Math.max(i - 1, 0); j < n; j++) {
        anorm += Math.abs(a[i][j]);
      }
    }
    int nn = n - 1;
    double t = 0;
    double p = 0;
    double q = 0;
    double r = 0;
    double s;
    double w;
    double x;
    double y;
    double z = 0;
    while (nn >= 0) {
      int its = 0;
      int l;
      do {
        for (l = nn; l >= 1; l--) {
          s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
          if (s == 0) {
            s = anorm;
          }
          if (Math.abs(a[l][l - 1]) + s == s) {
            a[l][l - 1] = 0;
            break;
          }
        }
        x = a[nn][nn];
        if (l == nn) {
          wr[nn] = x + t;
          wi[nn--] = 0;
        } else {
          y = a[nn - 1][nn - 1];
          w = a[nn][nn - 1] * a[nn - 1][nn];
          if (l == nn - 1) {
            p = 0.5 * (y - x);
            q = p * p + w;
            z = Math.sqrt(Math.abs(q));
            x += t;
            if (q >= 0) {
              z = p + sign(z, p);
              wr[nn - 1] = wr[nn] = x + z;
              if (z != 0) {
                wr[nn] = x - w / z;
              }
              wi[nn - 1] = wi[nn] = 0;
            } else {
              wr[nn - 1] = wr[nn] = x + p;
              wi[nn - 1] = z;
              wi[nn] = -z;
            }
            nn -= 2;
          } else {
            if (its == MAX_ITS_PER_EIGENVALUE) {
              throw new ArithmeticException("Eigenvalues: QR did not converge in "
                  + MAX_ITS_PER_EIGENVALUE + " iterations for eigenvalue " + nn);
            }
            if (its == 10 || its == 20 || its == 40) {
              // exceptional shift breaks the cycles an exact double shift can fall into.
              t += x;
              for (int i = 0; i <= nn; i++) {
                a[i][i] -= x;
              }
              s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
              y = x = 0.75 * s;
              w = -0.4375 * s * s;
            }
            ++its;
            int m;
            for (m = nn - 2; m >= l; m--) {
              z = a[m][m];
              r = x - z;
              s = y - z;
              p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
              q = a[m + 1][m + 1] - z - r - s;
              r = a[m + 2][m + 1];
              s = Math.abs(p) + Math.abs(q) + Math.abs(r);
              p /= s;
              q /= s;
              r /= s;
              if (m == l) {
                break;
              }
              double u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
              double v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z)
                  + Math.abs(a[m + 1][m + 1]));
              if (u + v == v) {
                break;
              }
            }
            for (int i = m + 2; i <= nn; i++) {
              a[i][i - 2] = 0;
              if (i != m + 2) {
                a[i][i - 3] = 0;
              }
            }
            for (int k = m; k <= nn - 1; k++) {
              if (k != m) {
                p = a[k][k - 1];
                q = a[k + 1][k - 1];
                r = 0;
                if (k != nn - 1) {
                  r = a[k + 2][k - 1];
                }
                x = Math.abs(p) + Math.abs(q) + Math.abs(r);
                if (x != 0) {
                  p /= x;
                  q /= x;
                  r /= x;
                }
              }
              s = sign(Math.sqrt(p * p + q * q + r * r), p);
              if (s != 0) {
                if (k == m) {
                  if (l != m) {
                    a[k][k - 1] = -a[k][k - 1];
                  }
                } else {
                  a[k][k - 1] = -s * x;
                }
                p += s;
                x = p / s;
                y = q / s;
                z = r / s;
                q /= p;
                r /= p;
                for (int j = k; j <= nn; j++) {
                  p = a[k][j] + q * a[k + 1][j];
                  if (k != nn - 1) {
                    p += r * a[k + 2][j];
                    a[k + 2][j] -= p * z;
                  }
                  a[k + 1][j] -= p * y;
                  a[k][j] -= p * x;
                }
                int mmin = Math.min(nn, k + 3);
                for (int i = l; i <= mmin; i++) {
                  p = x * a[i][k] + y * a[i][k + 1];
                  if (k != nn - 1) {
                    p += z * a[i][k + 2];
                    a[i][k + 2] -= p * r;
                  }
                  a[i][k + 1] -= p * q;
                  a[i][k] -= p;
                }
              }
            }
          }
        }
      } while (l < nn - 1);
    }
  }
}
