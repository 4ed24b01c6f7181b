package gradkernel.kernel;

/**
 * Row kernels of softmax cross-entropy on raw float arrays with offsets: the row maximum, the
 * fused exp-and-sum S = Σ_c exp(z_c − m) that also stores every exp(z_c − m), and the affine
 * rescale of the stored exps into the gradient. A row of n logits costs three memory passes:
 * {@link #max} reads it, {@link #expSum} reads it again and writes n exps into the gradient
 * buffer, {@link #affine} reads and rewrites the gradient buffer (a [50257]-float row is 196 KiB,
 * so passes two and three normally hit L2).
 *
 * <p><b>Determinism.</b> exp is our own polynomial ({@link ScalarActivationKernels#expNeg(float)},
 * the same float lane formula as the activation kernels, never {@link Math#exp} nor a Vector API
 * transcendental), and the sum runs in a fixed order that does not depend on the vector width:
 * the row is split into blocks of 16; 16 double accumulators A_j (j ∈ 0..15) each add, block by
 * block, the exp of element 16·b + j converted exactly to double; then halves are folded:
 * C_j = A_j + A_{8+j}, D_j = C_j + C_{4+j}, E_j = D_j + D_{2+j}, s = E_0 + E_1; finally the
 * n mod 16 tail elements are added to s one by one in column order. Both implementations
 * ({@link #scalar()} and the Vector API one) evaluate exactly these operations, so they agree
 * bit for bit for every n, offset and width.
 *
 * <p><b>Accuracy.</b> Each exp is the float polynomial (relative error ≤ 2 ulp measured against
 * the double exp), evaluated at the float difference z − m, whose rounding (≤ ½ulp·|z − m|)
 * contributes, summed with the softmax weights, a relative error in S of at most
 * 2⁻²⁴·E_p[m − z] ≤ 2⁻²⁴·ln n (E_p[m − z] = H(p) − ln S ≤ ln n); the double summation adds
 * less than n·2⁻⁵³. So ln S is within (ln n + 3)·2⁻²⁴ absolute of the exact ln Σ exp(z_c − m).
 *
 * <p>Like {@link Kernels}: no argument checking, callers validate once.
 */
public interface SoftmaxKernels {

  /** Width of the fixed summation order (independent of the hardware vector width). */
  int BLOCK = 16;

  /** The implementation chosen at startup: Vector API if available, else {@link #scalar()}. */
  static SoftmaxKernels active() {
    return Holder.ACTIVE;
  }

  /** The scalar twin, bit-identical to the Vector API implementation. */
  static SoftmaxKernels scalar() {
    return ScalarSoftmaxKernels.INSTANCE;
  }

  /** A short name, e.g. {@code "panama-512"} or {@code "scalar"}. */
  String name();

  /** max_c x[off + c] over n ≥ 1 elements (Math.max semantics: NaN if any element is NaN). */
  float max(float[] x, int off, int n);

  /**
   * S = Σ_c exp(x[xOff + c] − m) over n elements in the fixed order of the class comment, in
   * double; when dst != null each float exp(x − m) ∈ [0, 1] is stored at dst[dOff + c] (dst may
   * be exactly x's range). Requires m ≥ every element (else terms above 1 are clamped wrong).
   */
  double expSum(float[] x, int xOff, int n, float m, float[] dst, int dOff);

  /** g[off + c] = fma(g[off + c], a, b) for c in [0, n), in place (one rounding). */
  void affine(float[] g, int off, int n, float a, float b);

  /** Lazily chosen implementation (class-holder idiom). */
  final class Holder {
    static final SoftmaxKernels ACTIVE = VectorSupport.load(SoftmaxKernels.class,
        "PanamaSoftmaxKernels", () -> ScalarSoftmaxKernels.INSTANCE);

    private Holder() {}
  }
}
