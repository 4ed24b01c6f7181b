package gradkernel.tensor;

import gradkernel.kernel.Kernels;
import java.util.Objects;

/**
 * Checked BLAS-level operations on {@link Vec} and {@link Matrix} views: the public entry to every
 * kernel of the library (the kernels themselves are internal to the module and unchecked).
 * Shapes are validated once at entry, before any element is written ({@code
 * IllegalArgumentException} naming the operation and the shapes; {@code NullPointerException}
 * naming the argument); the kernels then run unchecked. Nothing here allocates.
 *
 * <p>Dispatch: the Vector API kernels when {@code jdk.incubator.vector} is in the boot layer,
 * else the scalar reference kernels ({@code -Dgradkernel.kernels=scalar} forces them);
 * {@link #implementation()} says which. Rounding bounds below are those of both; they never
 * depend on thread count. u = 2⁻²⁴, γ_n = n·u/(1 − n·u).
 *
 * <p>Aliasing: an output sharing any element with an input it still reads is rejected the same
 * way ({@link Checks#noOverlap}: exact for strided views, so disjoint column blocks of one array
 * are fine); axpy and mul define exact in-place use and reject partial overlap.
 */
public final class Blas {
  private static final Kernels K = Kernels.active();

  private Blas() {}

  /** Name of the kernels in use, e.g. {@code "panama-512"} (Vector API, 512-bit) or {@code "scalar"}. */
  public static String implementation() {
    return K.name();
  }

  /**
   * Σ x[i]·y[i], accumulated in float with FMA; x and y of equal length. |error| ≤
   * γ_n·Σ|x[i]·y[i]|.
   */
  public static float dot(Vec x, Vec y) {
    sameLength("dot", x, "y", y);
    return K.dot(x.length(), x.data(), x.offset(), y.data(), y.offset());
  }

  /** y += alpha·x (one rounding per element); x and y of equal length. */
  public static void axpy(float alpha, Vec x, Vec y) {
    sameLength("axpy", x, "y", y);
    Checks.sameOrDisjoint("axpy: y", y.data(), y.offset(), "x", x.data(), x.offset(), x.length());
    K.axpy(x.length(), alpha, x.data(), x.offset(), y.data(), y.offset());
  }

  /** x *= alpha (one rounding per element). */
  public static void scal(float alpha, Vec x) {
    K.scal(Objects.requireNonNull(x, "x").length(), alpha, x.data(), x.offset());
  }

  /**
   * out[i] = x[i]·y[i] (Hadamard product, one rounding per element); x, y and out of equal length.
   * out may be x or y (in place), but must not partially overlap them.
   */
  public static void mul(Vec x, Vec y, Vec out) {
    sameLength("mul", x, "y", y);
    sameLength("mul", x, "out", out);
    Checks.sameOrDisjoint("mul: out", out.data(), out.offset(), "x", x.data(), x.offset(),
        x.length());
    Checks.sameOrDisjoint("mul: out", out.data(), out.offset(), "y", y.data(), y.offset(),
        y.length());
    K.mul(x.length(), x.data(), x.offset(), y.data(), y.offset(), out.data(), out.offset());
  }

  /** x[i] = min(max(x[i], lo), hi), exact; NaN stays NaN. Requires lo ≤ hi (neither NaN). */
  public static void clamp(float lo, float hi, Vec x) {
    Objects.requireNonNull(x, "x");
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clamp: need lo <= hi, got lo " + lo + ", hi " + hi);
    }
    K.clamp(x.length(), lo, hi, x.data(), x.offset());
  }

  /**
   * Σ x[i]² in double: finite iff every element is finite (squares of floats are exact in double
   * and 2³¹ of them cannot overflow). Relative error ≤ (n/2 + 1)·2⁻⁵³.
   */
  public static double sumOfSquares(Vec x) {
    return K.sumOfSquares(Objects.requireNonNull(x, "x").length(), x.data(), x.offset());
  }

  /**
   * Overflow-safe Euclidean norm √(Σ x[i]²) as double; finite for finite input of any magnitude.
   * Relative error ≤ (n/2 + 1)·2⁻⁵³.
   */
  public static double nrm2(Vec x) {
    return K.nrm2(Objects.requireNonNull(x, "x").length(), x.data(), x.offset());
  }

  /** max |x[i]|, exact; NaN if any element is NaN; 0 for an empty vector. */
  public static float maxAbs(Vec x) {
    return K.maxAbs(Objects.requireNonNull(x, "x").length(), x.data(), x.offset());
  }

  /** Index (0-based, within the view) of the first NaN or ±∞ element of x, or -1 if none. */
  public static int indexOfNonFinite(Vec x) {
    return K.indexOfNonFinite(Objects.requireNonNull(x, "x").length(), x.data(), x.offset());
  }

  /**
   * y = alpha·A·x + beta·y; A m×n, x length n, y length m; y must not overlap A or x. When beta
   * == 0, y is not read. Each y[i] within γ_{n+2}·(|alpha|·Σ_j|a_ij·x_j| + |beta·y_i|).
   */
  public static void gemv(float alpha, Matrix a, Vec x, float beta, Vec y) {
    gemvArgs("gemv", a, false, x, y);
    K.gemv(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /**
   * y = alpha·Aᵀ·x + beta·y; A m×n, x length m, y length n; y must not overlap A or x. When beta
   * == 0, y is not read. Each y[j] within γ_{m+2}·(|alpha|·Σ_i|a_ij·x_i| + |beta·y_j|).
   */
  public static void gemvT(float alpha, Matrix a, Vec x, float beta, Vec y) {
    gemvArgs("gemvT", a, true, x, y);
    K.gemvT(a.rows(), a.cols(), alpha, a.data(), a.offset(), a.ld(), x.data(), x.offset(), beta,
        y.data(), y.offset());
  }

  /**
   * The checks of gemv (op(A) = A) and gemvT (op(A) = Aᵀ): x has op(A)'s columns, y its rows,
   * y is disjoint from A and x. Messages name the operation and A's shape.
   */
  private static void gemvArgs(String op, Matrix a, boolean transposed, Vec x, Vec y) {
    nonNull(a, x, y);
    String rows = " rows";
    String cols = " columns";
    Checks.sameLength(op + ": x vs A " + a.shape() + (transposed ? rows : cols),
        transposed ? a.rows() : a.cols(), x.length());
    Checks.sameLength(op + ": y vs A " + a.shape() + (transposed ? cols : rows),
        transposed ? a.cols() : a.rows(), y.length());
    yDisjoint(op + ": y", a, x, y);
  }

  /** A += alpha·x·yᵀ (one fused rounding per element); A m×n, x length m, y length n. */
  public static void ger(float alpha, Vec x, Vec y, Matrix a) {
    nonNull(a, x, y);
    Checks.sameLength("ger: x vs A " + a.shape() + " rows", a.rows(), x.length());
    Checks.sameLength("ger: y vs A " + a.shape() + " columns", a.cols(), y.length());
    disjoint("ger: A", a, "x", x);
    disjoint("ger: A", a, "y", y);
    K.ger(a.rows(), a.cols(), alpha, x.data(), x.offset(), y.data(), y.offset(), a.data(),
        a.offset(), a.ld());
  }

  /** NPE naming {@code otherName} or x, then IAE "op: otherName vs x" on a length mismatch. */
  private static void sameLength(String op, Vec x, String otherName, Vec other) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(other, otherName);
    Checks.sameLength(op + ": " + otherName + " vs x", x.length(), other.length());
  }

  private static void nonNull(Matrix a, Vec x, Vec y) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C on the calling thread, op(X) = X or Xᵀ as {@code transA} /
   * {@code transB} say. op(A) must be m×k, op(B) k×n and C m×n; C must not overlap A or B. When
   * beta == 0, C is not read (NaN in C does not propagate). Each element of C is within
   * γ_{k+2}·(|alpha|·Σ|a·b| + |beta·c|) of the exact value (u = 2⁻²⁴).
   *
   * @throws NullPointerException naming the argument, if any argument is null
   * @throws IllegalArgumentException naming the shapes, before C is written, if they disagree
   */
  public static void gemm(Transpose transA, Transpose transB, float alpha, Matrix a, Matrix b,
      float beta, Matrix c) {
    gemm(Parallelism.SEQUENTIAL, transA, transB, alpha, a, b, beta, c);
  }

  /**
   * {@link #gemm(Transpose, Transpose, float, Matrix, Matrix, float, Matrix) gemm} on up to
   * {@code par.threads()} threads (blocks of 64·j columns of C), bit-identical to the
   * single-threaded result for every {@link Parallelism}. Worth it from about 10⁷ flops.
   *
   * @throws NullPointerException naming the argument, if any argument is null
   * @throws IllegalArgumentException naming the shapes, before C is written, if they disagree
   */
  public static void gemm(Parallelism par, Transpose transA, Transpose transB, float alpha,
      Matrix a, Matrix b, float beta, Matrix c) {
    Objects.requireNonNull(par, "par");
    Objects.requireNonNull(transA, "transA");
    Objects.requireNonNull(transB, "transB");
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(c, "c");
    int m = transA.rows(a);
    int k = transA.cols(a);
    int kb = transB.rows(b);
    int n = transB.cols(b);
    boolean ta = transA.transposed();
    boolean tb = transB.transposed();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + " (A " + a.shape()
          + (ta ? "ᵀ" : "") + "), op(B) " + kb + "x" + n + " (B " + b.shape()
          + (tb ? "ᵀ" : "") + "), C " + c.shape() + ": need op(A) m×k, op(B) k×n, C m×n");
    }
    disjoint("gemm: C", c, "A", a);
    disjoint("gemm: C", c, "B", b);
    K.gemmParallel(par.threads(), ta, tb, m, n, k, alpha, a.data(), a.offset(), a.ld(),
        b.data(), b.offset(), b.ld(), beta, c.data(), c.offset(), c.ld());
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
