package gradkernel.kernel;

/**
 * Primitive float32 kernels on raw arrays with offsets: the one seam between the library and the
 * JDK Vector API.
 *
 * <p>Methods here do <b>no argument checking</b>: callers (normally {@link gradkernel.tensor.Blas})
 * validate shapes once at their entry. Matrices are row-major with a leading dimension
 * ({@code a[aOff + i * lda + j]} is element (i, j)). Vectors are contiguous.
 *
 * <p>Two implementations exist: {@link ScalarKernels}, the plain-loop reference, and a Vector API
 * implementation selected once by {@link #active()}.
 *
 * <p><b>Determinism.</b> Every method of either implementation is a fixed sequence of IEEE
 * operations: no {@code reduceLanes(ADD)} (whose order the Vector API leaves open and which
 * differs between the interpreter and C2), no transcendental intrinsics. So a given
 * implementation returns the same bits for the same input on every call, cold or warm
 * (interpreter, C1, C2), in every run and for every thread count ({@link #gemmParallel} equals
 * {@link #gemm}). The Vector API summation order (four accumulators, then a fixed halving tree
 * over the lanes, then the tail in index order) is spelled out in {@code PanamaKernels}; it
 * depends on the lane count, so <b>reductions</b> ({@link #dot}, {@link #sumOfSquares},
 * {@link #nrm2}, {@link #gemv}) may differ in the last bits between vector widths and from the
 * scalar twin, by at most the rounding bounds stated per method. Element-wise kernels
 * ({@link #axpy}, {@link #scal}, {@link #mul}, {@link #clamp}, {@link #gemvT}, {@link #ger})
 * round once per operation exactly as the scalar twin and are bit-identical to it at every width,
 * and so is {@link #gemm} (each element of C is one FMA chain over k in order, as in the twin);
 * {@link #maxAbs} and {@link #indexOfNonFinite} are exact.
 */
public interface Kernels {

  /** The implementation chosen at startup: Vector API if available, else {@link ScalarKernels}. */
  static Kernels active() {
    return Holder.ACTIVE;
  }

  /** The scalar reference implementation. */
  static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** A short name of this implementation, e.g. {@code "panama-512"} or {@code "scalar"}. */
  String name();

  /**
   * Σ x[i]·y[i] over n elements, accumulated in float with FMA. Error bound versus the exact sum:
   * |err| ≤ γ_n · Σ|x[i]·y[i]| with γ_n = n·u/(1−n·u), u = 2⁻²⁴ (smaller in practice: blocked
   * accumulation).
   */
  float dot(int n, float[] x, int xOff, float[] y, int yOff);

  /** y[i] += alpha·x[i] (one rounding per element with FMA). */
  void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

  /** x[i] *= alpha (exactly one rounding per element). */
  void scal(int n, float alpha, float[] x, int xOff);

  /** out[i] = x[i]·y[i] (Hadamard product); out may alias x or y. */
  void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff);

  /** x[i] = min(max(x[i], lo), hi); NaN stays NaN. Requires lo ≤ hi. */
  void clamp(int n, float lo, float hi, float[] x, int xOff);

  /**
   * Σ x[i]² in double. Squares of floats are exact in double, and the sum of up to 2³¹ squares of
   * finite floats cannot overflow double, so the result is finite iff every x[i] is finite.
   * Relative error ≤ n·2⁻⁵³ (far less with blocked accumulation).
   */
  double sumOfSquares(int n, float[] x, int xOff);

  /**
   * Overflow-safe Euclidean norm √(Σ x[i]²) as double; finite for finite input of any magnitude
   * (1000 values of 1e19 give 3.16227766e20). Relative error ≤ (n/2 + 1)·2⁻⁵³.
   */
  default double nrm2(int n, float[] x, int xOff) {
    return Math.sqrt(sumOfSquares(n, x, xOff));
  }

  /** max |x[i]| (0 for n = 0); NaN if any element is NaN. Exact. */
  float maxAbs(int n, float[] x, int xOff);

  /** Index (0-based, relative to xOff) of the first NaN or ±∞ element, or -1 if all are finite. */
  int indexOfNonFinite(int n, float[] x, int xOff);

  /**
   * y = alpha·A·x + beta·y with A m×n row-major (lda ≥ n), x of length n, y of length m. When
   * beta == 0, y is not read (NaN in y does not propagate), as in reference BLAS.
   */
  void gemv(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff,
      float beta, float[] y, int yOff);

  /**
   * y = alpha·Aᵀ·x + beta·y with A m×n row-major (lda ≥ n), x of length m, y of length n. When
   * beta == 0, y is not read.
   */
  void gemvT(int m, int n, float alpha, float[] a, int aOff, int lda, float[] x, int xOff,
      float beta, float[] y, int yOff);

  /** Rank-1 update A += alpha·x·yᵀ with A m×n row-major, x of length m, y of length n. */
  void ger(int m, int n, float alpha, float[] x, int xOff, float[] y, int yOff, float[] a,
      int aOff, int lda);

  /**
   * C = alpha·op(A)·op(B) + beta·C, op(X) = X or Xᵀ. op(A) is m×k, op(B) is k×n, C is m×n; all
   * row-major with leading dimensions lda, ldb, ldc (of the stored, untransposed arrays). When
   * beta == 0, C is not read. Single-threaded. Each element is C·β (or +0 when β = 0) followed by
   * fma(α·a_ip, b_pj, ·) for p = 0 … k−1 in order, in every implementation: the same bits as the
   * scalar twin.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);

  /**
   * {@link #gemm} on up to {@code threads} workers, each computing a block of C's columns with the
   * single-threaded kernel (the vector kernels: from 16 rows each a block of C's rows, sharing the
   * packed B). Each element of C goes through the same operations as in {@link #gemm},
   * so the result is bit-identical to it for every thread count. Worth it from about 10⁷ flops.
   */
  default void gemmParallel(int threads, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    ParallelGemm.run(this, threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, c, cOff, ldc);
  }

  /**
   * Σ x_i² over [xOff, xOff + n) in double, as the in-order sum of {@link #sumOfSquares} over
   * fixed chunks of 65 536 floats, the chunks computed on up to {@code threads} workers. The same
   * bits for every thread count (not always {@link #sumOfSquares}'s bits: the chunks add in
   * another order); the same rounding bound. Allocation-free once warm.
   */
  default double sumOfSquaresChunked(int threads, int n, float[] x, int xOff) {
    return ChunkedSumOfSquares.run(this, threads, n, x, xOff);
  }

  /** Lazily chosen implementation (class-holder idiom: chosen once, on first use). */
  final class Holder {
    static final Kernels ACTIVE =
        VectorSupport.load(Kernels.class, "PanamaKernels", () -> ScalarKernels.INSTANCE);

    private Holder() {}
  }
}
