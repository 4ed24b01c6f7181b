package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Transpose;
import gradkernel.tensor.Vec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Bad input to the checked {@link Blas} entry points: any shape mismatch raises
 * IllegalArgumentException naming the shapes, and validation happens before any output element
 * is written, so every caller buffer is bit-for-bit unchanged (COMMON.md's bad-input contract).
 */
@AddLifecycleHook(ReproducibleSeed.class)
class BlasBadInputProperties {

  @Provide
  Arbitrary<Integer> dims() {
    return Arbitraries.integers().between(0, 9).edgeCases(c -> c.includeOnly(0, 1));
  }

  /** gemv/gemvT/ger with x or y of the wrong length: IAE, A, x and y untouched. */
  @Property(tries = 200)
  void mismatchedGemvShapesNeverCorruptBuffers(@ForAll("dims") int m, @ForAll("dims") int n,
      @ForAll("dims") int xl, @ForAll("dims") int yl, @ForAll("op") String op) {
    boolean ok = switch (op) {
      case "gemv" -> xl == n && yl == m;
      case "gemvT" -> xl == m && yl == n;
      default -> xl == m && yl == n; // ger
    };
    Assume.that(!ok);
    float[] a = filled(m * n + 3, 1.5f);
    float[] x = filled(xl, 2f);
    float[] y = filled(yl, -3f);
    float[] a0 = a.clone();
    float[] x0 = x.clone();
    float[] y0 = y.clone();
    Matrix am = new Matrix(a, 1, m, n, Math.max(1, n));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      switch (op) {
        case "gemv" -> Blas.gemv(1f, am, Vec.of(x), 1f, Vec.of(y));
        case "gemvT" -> Blas.gemvT(1f, am, Vec.of(x), 1f, Vec.of(y));
        default -> Blas.ger(1f, Vec.of(x), Vec.of(y), am);
      }
    });
    assertTrue(e.getMessage().contains(m + "x" + n), () -> "message names A's shape: "
        + e.getMessage());
    assertArrayEquals(a0, a, "A changed");
    assertArrayEquals(x0, x, "x changed");
    assertArrayEquals(y0, y, "y changed");
    Statistics.label("op").collect(op);
  }

  @Provide
  Arbitrary<String> op() {
    return Arbitraries.of("gemv", "gemvT", "ger");
  }

  /** gemm with any inconsistent m, n, k under any transposition: IAE, C untouched. */
  @Property(tries = 200)
  void mismatchedGemmShapesNeverCorruptC(@ForAll("dims") int ar, @ForAll("dims") int ac,
      @ForAll("dims") int br, @ForAll("dims") int bc, @ForAll("dims") int cr,
      @ForAll("dims") int cc, @ForAll Transpose ta, @ForAll Transpose tb) {
    int m = ta.transposed() ? ac : ar;
    int k = ta.transposed() ? ar : ac;
    int kb = tb.transposed() ? bc : br;
    int n = tb.transposed() ? br : bc;
    Assume.that(k != kb || cr != m || cc != n);
    float[] c = filled(cr * cc, 7f);
    float[] c0 = c.clone();
    assertThrows(IllegalArgumentException.class, () -> Blas.gemm(ta, tb, 1f,
        Matrix.of(filled(ar * ac, 1f), ar, ac), Matrix.of(filled(br * bc, 1f), br, bc), 0f,
        Matrix.of(c, cr, cc)));
    assertArrayEquals(c0, c, "C changed");
  }

  /** dot/axpy of unequal lengths: IAE and y untouched. */
  @Property(tries = 100)
  void unequalVectorLengthsAreRejected(@ForAll("dims") int xl, @ForAll("dims") int yl) {
    Assume.that(xl != yl);
    float[] y = filled(yl, 5f);
    float[] y0 = y.clone();
    assertThrows(IllegalArgumentException.class, () -> Blas.dot(Vec.of(filled(xl, 1f)),
        Vec.of(y)));
    assertThrows(IllegalArgumentException.class, () -> Blas.axpy(2f, Vec.of(filled(xl, 1f)),
        Vec.of(y)));
    assertArrayEquals(y0, y, "y changed");
  }

  /** Views whose range leaves the array (negative or too large offset/length) are rejected. */
  @Property(tries = 100)
  void outOfRangeViewsAreRejected(@ForAll("dims") int len, @ForAll int off, @ForAll int n) {
    Assume.that(off < 0 || n < 0 || (long) off + n > len);
    assertThrows(IllegalArgumentException.class, () -> new Vec(new float[len], off, n));
  }

  static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
