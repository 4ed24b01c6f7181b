package gradkernel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link Kernels} (loaded reflectively by {@link VectorSupport}). */
final class PanamaKernels implements Kernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private final Kernels scalar = ScalarKernels.INSTANCE;

  PanamaKernels() {
    if (F.length() < 4) {
      throw new UnsupportedOperationException("vector width " + F.vectorBitSize() + " bits too small");
    }
  }

  @Override public String name() { return "panama-" + F.vectorBitSize(); }

  @Override public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += F.length()) {
      acc = FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.fromArray(F, y, yOff + i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s = Math.fma(x[xOff + i], y[yOff + i], s);
    }
    return s;
  }

  @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) { scalar.axpy(n, alpha, x, xOff, y, yOff); }
  @Override public void scal(int n, float alpha, float[] x, int xOff) { scalar.scal(n, alpha, x, xOff); }
  @Override public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) { scalar.mul(n, x, xOff, y, yOff, out, outOff); }
  @Override public void clamp(int n, float lo, float hi, float[] x, int xOff) { scalar.clamp(n, lo, hi, x, xOff); }
  @Override public double sumOfSquares(int n, float[] x, int xOff) { return scalar.sumOfSquares(n, x, xOff); }
  @Override public float maxAbs(int n, float[] x, int xOff) { return scalar.maxAbs(n, x, xOff); }
  @Override public int indexOfNonFinite(int n, float[] x, int xOff) { return scalar.indexOfNonFinite(n, x, xOff); }
  @Override public void gemv(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff, float beta, float[] y, int yOff) { scalar.gemv(m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff); }
  @Override public void gemvT(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff, float beta, float[] y, int yOff) { scalar.gemvT(m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff); }
  @Override public void ger(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff, float[] a, int aOff, int lda) { scalar.ger(m, n, alpha, x, xOff, y, yOff, a, aOff, lda); }
  @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) { scalar.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc); }
}
