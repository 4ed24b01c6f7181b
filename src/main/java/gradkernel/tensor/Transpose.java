package gradkernel.tensor;

/**
 * Whether a matrix operand of {@link Blas#gemm} enters as stored or transposed: op(X) = X for
 * {@link #NO}, Xᵀ for {@link #YES} (BLAS's {@code 'N'} / {@code 'T'}). The stored matrix keeps its
 * row-major layout and leading dimension either way; nothing is copied.
 */
public enum Transpose {
  /** op(X) = X. */
  NO,
  /** op(X) = Xᵀ. */
  YES;

  /** True for {@link #YES}. */
  public boolean transposed() {
    return this == YES;
  }

  /** Rows of op(x): x.rows() for {@link #NO}, x.cols() for {@link #YES}. */
  public int rows(Matrix x) {
    return this == YES ? x.cols() : x.rows();
  }

  /** Columns of op(x): x.cols() for {@link #NO}, x.rows() for {@link #YES}. */
  public int cols(Matrix x) {
    return this == YES ? x.rows() : x.cols();
  }
}
