package gradkernel.spectral;

/**
 * Singular values of an upper bidiagonal matrix by implicit-shift QR with the Demmel–Kahan
 * zero-shift sweep (LAPACK dbdsqr, values only, relative-accuracy convergence criteria), so every
 * singular value of the bidiagonal, small ones included, is found to high relative accuracy
 * (Demmel–Kahan: a modest multiple of n·ε relative, independent of the condition number).
 */
final class BidiagonalQr {
  private static final double EPS = 0x1p-53;
  private static final double UNFL = Double.MIN_NORMAL;
  private static final int MAXITR = 6;

  private double cs;
  private double sn;
  private double r;

  private BidiagonalQr() {}

  /**
   * Overwrites d[0..n-1] with the singular values (unsorted, of either sign) of the bidiagonal
   * with diagonal d and superdiagonal e[0..n-2]; e is destroyed.
   *
   * @throws ArithmeticException if QR does not converge in 6·n² inner steps (not observed)
   */
  static void values(double[] d, double[] e, int n) {
    new BidiagonalQr().run(d, e, n);
  }

  private void run(double[] d, double[] e, int n) {
    if (n <= 1) {
      return;
    }
    double tolmul = Math.max(10, Math.min(100, StrictMath.pow(EPS, -0.125)));
    double tol = tolmul * EPS;
    double smax = 0;
    for (int i = 0; i < n; i++) {
      smax = Math.max(smax, Math.abs(d[i]));
    }
    for (int i = 0; i < n - 1; i++) {
      smax = Math.max(smax, Math.abs(e[i]));
    }
    double sminoa = Math.abs(d[0]);
    if (sminoa != 0) {
      double mu = sminoa;
      for (int i = 1; i < n; i++) {
        mu = Math.abs(d[i]) * (mu / (mu + Math.abs(e[i - 1])));
        sminoa = Math.min(sminoa, mu);
        if (sminoa == 0) {
          break;
        }
      }
    }
    sminoa = sminoa / Math.sqrt(n);
    double thresh = Math.max(tol * sminoa, MAXITR * (double) n * n * UNFL);
    long maxit = (long) MAXITR * n * n;
    long iter = 0;
    int oldll = -1;
    int oldm = -1;
    int idir = 0;
    int m = n - 1;
    main:
    while (m > 0) {
      if (iter > maxit) {
        throw new ArithmeticException("SingularValues: bidiagonal QR did not converge (n = " + n
            + ")");
      }
      // find the bottom unreduced block d[ll..m]
      smax = Math.abs(d[m]);
      int ll = -1;
      for (int l = m - 1; l >= 0; l--) {
        double abss = Math.abs(d[l]);
        double abse = Math.abs(e[l]);
        if (abse <= thresh) {
          e[l] = 0;
          if (l == m - 1) {
            m--;
            continue main;
          }
          ll = l;
          break;
        }
        smax = Math.max(smax, Math.max(abss, abse));
      }
      ll++;
      if (ll == m - 1) {
        las2(d[m - 1], e[m - 1], d[m]);
        d[m - 1] = sn; // ssmax
        d[m] = cs; // ssmin
        e[m - 1] = 0;
        m -= 2;
        continue;
      }
      if (ll > oldm || m < oldll) {
        idir = Math.abs(d[ll]) >= Math.abs(d[m]) ? 1 : 2;
      }
      double sminl;
      if (idir == 1) {
        if (Math.abs(e[m - 1]) <= tol * Math.abs(d[m])) {
          e[m - 1] = 0;
          continue;
        }
        double mu = Math.abs(d[ll]);
        sminl = mu;
        for (int l = ll; l < m; l++) {
          if (Math.abs(e[l]) <= tol * mu) {
            e[l] = 0;
            continue main;
          }
          mu = Math.abs(d[l + 1]) * (mu / (mu + Math.abs(e[l])));
          sminl = Math.min(sminl, mu);
        }
      } else {
        if (Math.abs(e[ll]) <= tol * Math.abs(d[ll])) {
          e[ll] = 0;
          continue;
        }
        double mu = Math.abs(d[m]);
        sminl = mu;
        for (int l = m - 1; l >= ll; l--) {
          if (Math.abs(e[l]) <= tol * mu) {
            e[l] = 0;
            continue main;
          }
          mu = Math.abs(d[l]) * (mu / (mu + Math.abs(e[l])));
          sminl = Math.min(sminl, mu);
        }
      }
      oldll = ll;
      oldm = m;
      double shift;
      if (n * tol * (sminl / smax) <= Math.max(EPS, 0.01 * tol)) {
        shift = 0;
      } else {
        double sll;
        if (idir == 1) {
          sll = Math.abs(d[ll]);
          las2(d[m - 1], e[m - 1], d[m]);
        } else {
          sll = Math.abs(d[m]);
          las2(d[ll], e[ll], d[ll + 1]);
        }
        shift = cs;
        if (sll > 0 && (shift / sll) * (shift / sll) < EPS) {
          shift = 0;
        }
      }
      iter += m - ll;
      if (shift == 0) {
        if (idir == 1) {
          double c = 1;
          double oldcs = 1;
          double oldsn = 0;
          for (int i = ll; i < m; i++) {
            rot(d[i] * c, e[i]);
            c = cs;
            double s = sn;
            if (i > ll) {
              e[i - 1] = oldsn * r;
            }
            rot(oldcs * r, d[i + 1] * s);
            oldcs = cs;
            oldsn = sn;
            d[i] = r;
          }
          double h = d[m] * c;
          d[m] = h * oldcs;
          e[m - 1] = h * oldsn;
          if (Math.abs(e[m - 1]) <= thresh) {
            e[m - 1] = 0;
          }
        } else {
          double c = 1;
          double oldcs = 1;
          double oldsn = 0;
          for (int i = m; i > ll; i--) {
            rot(d[i] * c, e[i - 1]);
            c = cs;
            double s = sn;
            if (i < m) {
              e[i] = oldsn * r;
            }
            rot(oldcs * r, d[i - 1] * s);
            oldcs = cs;
            oldsn = sn;
            d[i] = r;
          }
          double h = d[ll] * c;
          d[ll] = h * oldcs;
          e[ll] = h * oldsn;
          if (Math.abs(e[ll]) <= thresh) {
            e[ll] = 0;
          }
        }
      } else if (idir == 1) {
        double f = (Math.abs(d[ll]) - shift) * (Math.copySign(1, d[ll]) + shift / d[ll]);
        double g = e[ll];
        for (int i = ll; i < m; i++) {
          rot(f, g);
          if (i > ll) {
            e[i - 1] = r;
          }
          f = cs * d[i] + sn * e[i];
          e[i] = cs * e[i] - sn * d[i];
          g = sn * d[i + 1];
          d[i + 1] = cs * d[i + 1];
          rot(f, g);
          d[i] = r;
          f = cs * e[i] + sn * d[i + 1];
          d[i + 1] = cs * d[i + 1] - sn * e[i];
          if (i < m - 1) {
            g = sn * e[i + 1];
            e[i + 1] = cs * e[i + 1];
          }
        }
        e[m - 1] = f;
        if (Math.abs(e[m - 1]) <= thresh) {
          e[m - 1] = 0;
        }
      } else {
        double f = (Math.abs(d[m]) - shift) * (Math.copySign(1, d[m]) + shift / d[m]);
        double g = e[m - 1];
        for (int i = m; i > ll; i--) {
          rot(f, g);
          if (i < m) {
            e[i] = r;
          }
          f = cs * d[i] + sn * e[i - 1];
          e[i - 1] = cs * e[i - 1] - sn * d[i];
          g = sn * d[i - 1];
          d[i - 1] = cs * d[i - 1];
          rot(f, g);
          d[i] = r;
          f = cs * e[i - 1] + sn * d[i - 1];
          d[i - 1] = cs * d[i - 1] - sn * e[i - 1];
          if (i > ll + 1) {
            g = sn * e[i - 2];
            e[i - 2] = cs * e[i - 2];
          }
        }
        e[ll] = f;
        if (Math.abs(e[ll]) <= thresh) {
          e[ll] = 0;
        }
      }
    }
  }

  /** Givens rotation: [cs sn; -sn cs]·[f; g] = [r; 0], into the fields cs, sn, r. */
  private void rot(double f, double g) {
    if (g == 0) {
      cs = 1;
      sn = 0;
      r = f;
    } else if (f == 0) {
      cs = 0;
      sn = 1;
      r = g;
    } else {
      double mx = Math.max(Math.abs(f), Math.abs(g));
      double rr;
      if (mx > 0x1p-500 && mx < 0x1p500) {
        rr = Math.sqrt(f * f + g * g);
      } else {
        int ex = Math.getExponent(mx);
        double fs = Math.scalb(f, -ex);
        double gs = Math.scalb(g, -ex);
        rr = Math.scalb(Math.sqrt(fs * fs + gs * gs), ex);
      }
      cs = f / rr;
      sn = g / rr;
      r = rr;
    }
  }

  /** Singular values of [f g; 0 h] (LAPACK dlas2): σ_min into cs, σ_max into sn (fields reused). */
  private void las2(double f, double g, double h) {
    double fa = Math.abs(f);
    double ga = Math.abs(g);
    double ha = Math.abs(h);
    double fhmn = Math.min(fa, ha);
    double fhmx = Math.max(fa, ha);
    double ssmin;
    double ssmax;
    if (fhmn == 0) {
      ssmin = 0;
      if (fhmx == 0) {
        ssmax = ga;
      } else {
        double mx = Math.max(fhmx, ga);
        double q = Math.min(fhmx, ga) / mx;
        ssmax = mx * Math.sqrt(1 + q * q);
      }
    } else if (ga < fhmx) {
      double as = 1 + fhmn / fhmx;
      double at = (fhmx - fhmn) / fhmx;
      double au = (ga / fhmx) * (ga / fhmx);
      double c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au));
      ssmin = fhmn * c;
      ssmax = fhmx / c;
    } else {
      double au = fhmx / ga;
      if (au == 0) {
        ssmin = (fhmn * fhmx) / ga;
        ssmax = ga;
      } else {
        double as = 1 + fhmn / fhmx;
        double at = (fhmx - fhmn) / fhmx;
        double c = 1 / (Math.sqrt(1 + (as * au) * (as * au)) + Math.sqrt(1 + (at * au) * (at * au)));
        ssmin = (fhmn * c) * au;
        ssmin = ssmin + ssmin;
        ssmax = ga / (c + c);
      }
    }
    cs = ssmin;
    sn = ssmax;
  }
}
