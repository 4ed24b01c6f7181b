package gradkernel.tensor;

import gradkernel.kernel.Kernels;

/**
 * Checked BLAS-style operations on {@link Vec} and {@link Matrix} views, dispatched to
 * {@link Kernels#active()}. Shapes are validated once at entry, before any element is written;
 * the kernels then run unchecked. Nothing here allocates.
 */
public final class Blas {
  private static final Kernels K = Kernels.active();

  private Blas() {}

  /** Σ x[i]·y[i]; x and y of equal length. Error bound: see {@link Kernels#dot}. */
  public static float dot(Vec x, Vec y) {
    Checks.sameLength("dot(x, y)", x.length(), y.length());
    return K.dot(x.length(), x.data(), x.offset(), y.data(), y.offset());
  }

  /** y += alpha·x; x and y of equal length. */
  public static void axpy(float alpha, Vec x, Vec y) {
    Checks.sameLength("axpy(x, y)", x.length(), y.length());
    K.axpy(x.length(), alpha, x.data(), x.offset(), y.data(), y.offset());
  }

  /** x *= alpha. */
  public static void scal(float alpha, Vec x) {
    K.scal(x.length(), alpha, x.data(), x.offset());
  }

  /** Overflow-safe Euclidean norm, as double. */
  public static double nrm2(Vec x) {
    return K.nrm2(x.length(), x.data(), x.offset());
  }

  /** Σ x[i]² in double (finite iff every element is finite). */
  public static double sumOfSquares(Vec x) {
    return K.sumOfSquares(x.length(), x.data(), x.offset());
  }

  /** max |x[i]|; NaN if any element is NaN; 0 for an empty vector. */
  public static float maxAbs(Vec x) {
    return K.maxAbs(x.length(), x.data(), x.offset());
  }

  /** y = alpha·A·x + beta·y; A m×n, x length n, y length m; y must not overlap A or x. */
  public static void gemv(float alpha, Matrix a, Vec x, float beta, Vec y) {
    Checks.sameLength("gemv: x vs A " + a.shape() + " columns", a.cols(), x.length());
    Checks.sameLength("gemv: y vs A " + a.shape() + " rows", a.rows(), y.length());
    K.gemv(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /** y = alpha·Aᵀ·x + beta·y; A m×n, x length m, y length n; y must not overlap A or x. */
  public static void gemvT(float alpha, Matrix a, Vec x, float beta, Vec y) {
    Checks.sameLength("gemvT: x vs A " + a.shape() + " rows", a.rows(), x.length());
    Checks.sameLength("gemvT: y vs A " + a.shape() + " columns", a.cols(), y.length());
    K.gemvT(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /** A += alpha·x·yᵀ; A m×n, x length m, y length n. */
  public static void ger(float alpha, Vec x, Vec y, Matrix a) {
    Checks.sameLength("ger: x vs A " + a.shape() + " rows", a.rows(), x.length());
    Checks.sameLength("ger: y vs A " + a.shape() + " columns", a.cols(), y.length());
    K.ger(a.rows(), a.cols(), alpha, x.data(), x.offset(), y.data(), y.offset(), a.data(),
        a.offset(), a.ld());
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C with op(X) = Xᵀ when the flag is set. op(A) must be m×k,
   * op(B) k×n and C m×n; C must not overlap A or B.
   */
  public static void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b,
      float beta, Matrix c) {
    gemm(1, transA, transB, alpha, a, b, beta, c);
  }

  /**
   * {@link #gemm(boolean, boolean, float, Matrix, Matrix, float, Matrix)} on up to
   * {@code threads} cores (blocks of C's columns); bit-identical to the single-threaded result.
   */
  public static void gemm(int threads, boolean transA, boolean transB, float alpha, Matrix a,
      Matrix b, float beta, Matrix c) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + " (A " + a.shape()
          + (transA ? "ᵀ" : "") + "), op(B) " + kb + "x" + n + " (B " + b.shape()
          + (transB ? "ᵀ" : "") + "), C " + c.shape() + ": need op(A) m×k, op(B) k×n, C m×n");
    }
    K.gemmParallel(threads, transA, transB, m, n, k, alpha, a.data(), a.offset(), a.ld(),
        b.data(), b.offset(), b.ld(), beta, c.data(), c.offset(), c.ld());
  }
}
