package gradkernel.tensor;

import gradkernel.kernel.Kernels;
import java.util.Objects;

/**
 * Checked BLAS-style operations on {@link Vec} and {@link Matrix} views, dispatched to
 * {@link Kernels#active()}. Shapes are validated once at entry, before any element is written;
 * the kernels then run unchecked. An output sharing any element with an input it still reads is
 * rejected the same way ({@link Checks#noOverlap}: exact for strided views, so disjoint column
 * blocks of one array are fine); only axpy defines exact in-place use. Null arguments throw
 * NullPointerException naming the argument. Nothing here allocates.
 */
public final class Blas {
  private static final Kernels K = Kernels.active();

  private Blas() {}

  /** Σ x[i]·y[i]; x and y of equal length. Error bound: see {@link Kernels#dot}. */
  public static float dot(Vec x, Vec y) {
    nonNull(x, "x", y, "y");
    Checks.sameLength("dot(x, y)", x.length(), y.length());
    return K.dot(x.length(), x.data(), x.offset(), y.data(), y.offset());
  }

  /**
   * y += alpha·x; x and y of equal length. y may be exactly x (y = (1 + alpha)·y) but must not
   * partially overlap it.
   */
  public static void axpy(float alpha, Vec x, Vec y) {
    nonNull(x, "x", y, "y");
    Checks.sameLength("axpy(x, y)", x.length(), y.length());
    Checks.sameOrDisjoint("axpy: y", y.data(), y.offset(), "x", x.data(), x.offset(), x.length());
    K.axpy(x.length(), alpha, x.data(), x.offset(), y.data(), y.offset());
  }

  /** x *= alpha. */
  public static void scal(float alpha, Vec x) {
    Objects.requireNonNull(x, "x");
    K.scal(x.length(), alpha, x.data(), x.offset());
  }

  /** Overflow-safe Euclidean norm, as double. */
  public static double nrm2(Vec x) {
    Objects.requireNonNull(x, "x");
    return K.nrm2(x.length(), x.data(), x.offset());
  }

  /** Σ x[i]² in double (finite iff every element is finite). */
  public static double sumOfSquares(Vec x) {
    Objects.requireNonNull(x, "x");
    return K.sumOfSquares(x.length(), x.data(), x.offset());
  }

  /** max |x[i]|; NaN if any element is NaN; 0 for an empty vector. */
  public static float maxAbs(Vec x) {
    Objects.requireNonNull(x, "x");
    return K.maxAbs(x.length(), x.data(), x.offset());
  }

  /**
   * y = alpha·A·x + beta·y; A m×n, x length n, y length m. y must not share any element with A or
   * x (IllegalArgumentException, nothing written).
   */
  public static void gemv(float alpha, Matrix a, Vec x, float beta, Vec y) {
    nonNull(a, "a", x, "x");
    Objects.requireNonNull(y, "y");
    Checks.sameLength("gemv: x vs A " + a.shape() + " columns", a.cols(), x.length());
    Checks.sameLength("gemv: y vs A " + a.shape() + " rows", a.rows(), y.length());
    yDisjoint("gemv: y", a, x, y);
    K.gemv(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /**
   * y = alpha·Aᵀ·x + beta·y; A m×n, x length m, y length n. y must not share any element with A
   * or x (IllegalArgumentException, nothing written).
   */
  public static void gemvT(float alpha, Matrix a, Vec x, float beta, Vec y) {
    nonNull(a, "a", x, "x");
    Objects.requireNonNull(y, "y");
    Checks.sameLength("gemvT: x vs A " + a.shape() + " rows", a.rows(), x.length());
    Checks.sameLength("gemvT: y vs A " + a.shape() + " columns", a.cols(), y.length());
    yDisjoint("gemvT: y", a, x, y);
    K.gemvT(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /** A += alpha·x·yᵀ; A m×n, x length m, y length n; A must not share any element with x or y. */
  public static void ger(float alpha, Vec x, Vec y, Matrix a) {
    nonNull(x, "x", y, "y");
    Objects.requireNonNull(a, "a");
    Checks.sameLength("ger: x vs A " + a.shape() + " rows", a.rows(), x.length());
    Checks.sameLength("ger: y vs A " + a.shape() + " columns", a.cols(), y.length());
    disjoint("ger: A", a, "x", x);
    disjoint("ger: A", a, "y", y);
    K.ger(a.rows(), a.cols(), alpha, x.data(), x.offset(), y.data(), y.offset(), a.data(),
        a.offset(), a.ld());
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C with op(X) = Xᵀ when the flag is set. op(A) must be m×k,
   * op(B) k×n and C m×n. C must not share any element with A or B (IllegalArgumentException,
   * nothing written); A and B may overlap each other (they are only read).
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
    nonNull(a, "a", b, "b");
    Objects.requireNonNull(c, "c");
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
    disjoint("gemm: C", c, "A", a);
    disjoint("gemm: C", c, "B", b);
    K.gemmParallel(threads, transA, transB, m, n, k, alpha, a.data(), a.offset(), a.ld(),
        b.data(), b.offset(), b.ld(), beta, c.data(), c.offset(), c.ld());
  }

  private static void nonNull(Object a, String nameA, Object b, String nameB) {
    Objects.requireNonNull(a, nameA);
    Objects.requireNonNull(b, nameB);
  }

  private static void yDisjoint(String nameY, Matrix a, Vec x, Vec y) {
    Checks.noOverlap(nameY, y.data(), y.offset(), 1, y.length(), Math.max(1, y.length()),
        "A", a.data(), a.offset(), a.rows(), a.cols(), a.ld());
    Checks.noOverlap(nameY, y.data(), y.offset(), y.length(), "x", x.data(), x.offset(),
        x.length());
  }

  /** Throws if matrix m (written) shares an element with vector v; names are constants. */
  private static void disjoint(String nameM, Matrix m, String nameV, Vec v) {
    Checks.noOverlap(nameM, m.data(), m.offset(), m.rows(), m.cols(), m.ld(), nameV, v.data(),
        v.offset(), 1, v.length(), Math.max(1, v.length()));
  }

  /** Throws if matrix c (written) shares an element with matrix m; names are constants. */
  private static void disjoint(String nameC, Matrix c, String nameM, Matrix m) {
    Checks.noOverlap(nameC, c.data(), c.offset(), c.rows(), c.cols(), c.ld(), nameM, m.data(),
        m.offset(), m.rows(), m.cols(), m.ld());
  }
}
