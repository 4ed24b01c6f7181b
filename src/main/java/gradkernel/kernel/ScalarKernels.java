package gradkernel.kernel;

/**
 * Plain-loop reference implementation of {@link Kernels}: one accumulator, natural order, no
 * blocking. It defines the results the vector implementation is tested against, and runs wherever
 * the Vector API module is absent.
 */
public final class ScalarKernels implements Kernels {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s = Math.fma(x[xOff + i], y[yOff + i], s);
    }
    return s;
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void scal(int n, float alpha, float[] x, int xOff) {
    for (int i = 0; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override
  public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] * y[yOff + i];
    }
  }

  @Override
  public void clamp(int n, float lo, float hi, float[] x, int xOff) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      // Comparisons are false for NaN, so NaN passes through unchanged.
      if (v < lo) {
        x[xOff + i] = lo;
      } else if (v > hi) {
        x[xOff + i] = hi;
      }
    }
  }

  @Override
  public double sumOfSquares(int n, float[] x, int xOff) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double v = x[xOff + i];
      s = Math.fma(v, v, s);
    }
    return s;
  }

  @Override
  public float maxAbs(int n, float[] x, int xOff) {
    float m = 0f;
    for (int i = 0; i < n; i++) {
      float v = Math.abs(x[xOff + i]);
      if (!(v <= m)) { // true for v > m and for NaN
        m = v;
        if (Float.isNaN(v)) {
          return v;
        }
      }
    }
    return m;
  }

  @Override
  public int indexOfNonFinite(int n, float[] x, int xOff) {
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(x[xOff + i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void gemv(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff,
      float beta, float[] y, int yOff) {
    for (int i = 0; i < m; i++) {
      float s = dot(n, a, aOff + i * lda, x, xOff);
      float prior = beta == 0f ? 0f : beta * y[yOff + i];
      y[yOff + i] = Math.fma(alpha, s, prior);
    }
  }

  @Override
  public void gemvT(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff,
      float beta, float[] y, int yOff) {
    scaleOrZero(n, beta, y, yOff);
    for (int i = 0; i < m; i++) {
      axpy(n, alpha * x[xOff + i], a, aOff + i * lda, y, yOff);
    }
  }

  @Override
  public void ger(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff, float[] a,
      int aOff, int lda) {
    for (int i = 0; i < m; i++) {
      axpy(n, alpha * x[xOff + i], y, yOff, a, aOff + i * lda);
    }
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
      int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      scaleOrZero(n, beta, c, cOff + i * ldc);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        float s = alpha * aip;
        for (int j = 0; j < n; j++) {
          float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          c[cOff + i * ldc + j] = Math.fma(s, bpj, c[cOff + i * ldc + j]);
        }
      }
    }
  }

  /** y = beta·y, or y = 0 without reading y when beta == 0 (BLAS convention). */
  static void scaleOrZero(int n, float beta, float[] y, int yOff) {
    if (beta == 0f) {
      java.util.Arrays.fill(y, yOff, yOff + n, 0f);
    } else if (beta != 1f) {
      for (int i = 0; i < n; i++) {
        y[yOff + i] *= beta;
      }
    }
  }
}
