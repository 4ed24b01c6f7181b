package gradkernel.kernel;

/**
 * The four memory passes of batch normalization over a row-major [b, n] batch (row stride n,
 * feature j in column j), on raw arrays with offsets: the forward statistics
 * ({@link #shiftedSums}), the forward normalization ({@link #normalize}), the backward sums
 * ({@link #gradSums}) and the backward input gradient ({@link #inputGradient}). Per-feature values
 * live in small parameter blocks of n entries per slot (documented per method), prepared by the
 * caller (O(n) work against the O(b·n) of a pass). Every pass uses the same x̂, the float
 * rounding of ((double) x − μ)·inv, so the backward differentiates exactly what the forward
 * computed (a batch of 2 gives x̂ = ±1 and a zero input gradient exactly).
 *
 * <p><b>Streaming.</b> Every pass walks the batch in memory order, several rows at a time (each
 * column's per-feature values are loaded once per group of rows), so the per-feature
 * accumulators are read and written once per group instead of once per row. The normalized x̂
 * is never stored: the backward recomputes x − μ from x, which costs the same read as reading x̂
 * and saves writing x̂ in the forward.
 *
 * <p><b>Determinism.</b> Each feature is one lane, so no value is ever summed across lanes: every
 * accumulator adds its rows in row order 0 … b−1 (1 … b−1 for the shifted sums), with the exact
 * sequence of IEEE operations spelled out per method (no {@code reduceLanes}, no transcendental
 * intrinsics; {@code fma} is the fused {@link Math#fma}). Both implementations ({@link #scalar()}
 * and the Vector API one) evaluate exactly these operations, so they agree bit for bit for every
 * b, n and offset, at every vector width.
 *
 * <p>Like {@link Kernels}: no argument checking, callers validate once.
 */
public interface BatchNormKernels {

  /** The implementation chosen at startup: Vector API if available, else {@link #scalar()}. */
  static BatchNormKernels active() {
    return Holder.ACTIVE;
  }

  /** The scalar twin, bit-identical to the Vector API implementation. */
  static BatchNormKernels scalar() {
    return ScalarBatchNormKernels.INSTANCE;
  }

  /** A short name, e.g. {@code "panama-256"} or {@code "scalar"}. */
  String name();

  /**
   * Shifted sums of the forward statistics, in double, for b ≥ 1 rows: with the shift
   * K_j = x[xOff + j] (row 0) and d = (double) x_rj − K_j, for r = 1 … b−1 in order,
   * {@code s1 = s1 + d} and {@code s2 = fma(d, d, s2)}, from 0; s1 goes to q[qOff + j] and s2 to
   * q[qOff + n + j]. Then mean = K + s1/b and Σ(x − mean)² = s2 − s1²/b, which loses only
   * ((mean − K)/σ)²·2⁻⁵³ ≤ (b−1)·2⁻⁵³ relative to cancellation (the shift is a sample, within
   * √(b−1)·σ of the mean), unlike the textbook Σx² − (Σx)²/b.
   */
  void shiftedSums(int b, int n, float[] x, int xOff, double[] q, int qOff);

  /**
   * The forward map: x̂_rj = (float) (((double) x_rj − μ_j)·inv_j) with the double slots μ, inv of
   * q (from qOff, n each), then y_rj = fma(γ_j, x̂_rj, β_j) in float with the float slots γ, β of
   * p (from pOff, n each). x̂ is the correctly rounded float of a double within a few 2⁻⁵³ of
   * exact, so it is accurate even when |mean| ≫ σ, and the backward recomputes the very same
   * bits from x. y may alias x.
   */
  void normalize(int b, int n, float[] x, int xOff, double[] q, int qOff, float[] p, int pOff,
      float[] y, int yOff);

  /**
   * Backward sums, in double, rows 0 … b−1 in order: with x̂ as in {@link #normalize} (slots μ,
   * inv of q), {@code A = A + dy_rj} and {@code B = fma(dy_rj, x̂_rj, B)} from 0; A goes to
   * q[qOff + 2n + j] and B (= Σ dy·x̂) to q[qOff + 3n + j].
   */
  void gradSums(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q, int qOff);

  /**
   * The input gradient: with x̂ as in {@link #normalize} and the double slots μ, inv, m1, nm2, γ of
   * q (from qOff, n each), dx_rj = (float) (fma(x̂_rj, nm2_j, γ_j·dy_rj − m1_j)·inv_j). For the
   * training backward m1 = γ·A/b and nm2 = −γ·B/b (A, B from {@link #gradSums}), which is
   * dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))·inv with dx̂ = γ·dy; for the evaluation backward
   * m1 = nm2 = 0. dx may alias dy.
   */
  void inputGradient(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q,
      int qOff, float[] dx, int dxOff);

  /** Lazily chosen implementation (class-holder idiom). */
  final class Holder {
    static final BatchNormKernels ACTIVE = VectorSupport.load(BatchNormKernels.class,
        "PanamaBatchNormKernels", () -> ScalarBatchNormKernels.INSTANCE);

    private Holder() {}
  }
}
