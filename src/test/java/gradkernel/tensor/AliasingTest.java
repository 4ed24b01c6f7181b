package gradkernel.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Aliasing the contract forbids (output sharing storage with an input it still has to read) is
 * rejected before anything is written; aliasing that is well defined (exact in place for
 * elementwise operations, interleaved but disjoint views) works.
 */
class AliasingTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  private static void rejects(float[] buf, Executable call) {
    float[] before = buf.clone();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    assertArrayEquals(before, buf, "written before the throw");
  }

  @Test
  void gemmOutputSharingAnInputIsRejected() {
    float[] buf = random(64, 1);
    Matrix a = new Matrix(buf, 0, 4, 4, 8);
    Matrix b = new Matrix(buf, 4, 4, 4, 8);
    rejects(buf, () -> Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, a)); // C is A
    rejects(buf, () -> Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, b)); // C is B
    rejects(buf, () -> Blas.gemm(Parallelism.threads(2), Transpose.YES, Transpose.NO, 1f, a, b, 1f, new Matrix(buf, 9, 4, 4, 8)));
    rejects(buf, () -> Blas.gemm(Transpose.NO, Transpose.YES, 1f, a, b, 0f, new Matrix(buf, 31, 4, 4, 8)));
    // A and B interleave in one array without sharing an element, C elsewhere in it: allowed,
    // same result as on copies.
    Matrix c = new Matrix(buf, 32, 4, 8, 8);
    Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, c.view(0, 0, 4, 4));
    Matrix ref = Matrix.zeros(4, 4);
    Blas.gemm(Transpose.NO, Transpose.NO, 1f, a.copy(), b.copy(), 0f, ref);
    assertArrayEquals(ref.data(), c.view(0, 0, 4, 4).copy().data());
    // A and B may share storage (both only read)
    Blas.gemm(Transpose.YES, Transpose.NO, 1f, a, a, 0f, c.view(0, 4, 4, 4));
  }

  @Test
  void gemvOutputSharingAnInputIsRejected() {
    float[] buf = random(40, 2);
    Matrix a = new Matrix(buf, 0, 4, 4, 4); // buf[0, 16)
    Vec x = new Vec(buf, 16, 4);
    rejects(buf, () -> Blas.gemv(1f, a, x, 0f, new Vec(buf, 18, 4))); // y overlaps x
    rejects(buf, () -> Blas.gemv(1f, a, x, 0f, x)); // y is x
    rejects(buf, () -> Blas.gemv(1f, a, x, 0f, new Vec(buf, 12, 4))); // y in A's last row
    rejects(buf, () -> Blas.gemvT(1f, a, x, 1f, new Vec(buf, 19, 4)));
    rejects(buf, () -> Blas.gemvT(1f, a, x, 1f, new Vec(buf, 2, 4)));
    rejects(buf, () -> Blas.ger(1f, new Vec(buf, 3, 4), x, a)); // x inside A
    rejects(buf, () -> Blas.ger(1f, new Vec(buf, 20, 4), new Vec(buf, 15, 4), a));
    rejects(buf, () -> Blas.axpy(2f, x, new Vec(buf, 17, 4))); // partial
    // y after A and x in the same array: disjoint, allowed, same result as on copies.
    Vec y = new Vec(buf, 20, 4);
    Blas.gemv(1f, a, x, 0f, y);
    float[] ref = new float[4];
    Blas.gemv(1f, a.copy(), Vec.of(x.toArray()), 0f, Vec.of(ref));
    assertArrayEquals(ref, y.toArray());
  }

  @Test
  void axpyExactlyInPlaceIsDefined() {
    float[] v = {1, 2, 3};
    Blas.axpy(2f, Vec.of(v), Vec.of(v));
    assertArrayEquals(new float[] {3, 6, 9}, v);
  }

  /** Exact in place is allowed, a partial overlap of out with any input is not. */
  @Test
  void activationOutPartiallyOverlappingAnInputIsRejected() {
    Activation g = Activations.TANH;
    float[] z = random(20, 5);
    float[] up = random(20, 6);
    rejects(z, () -> g.forward(z, 0, z, 1, 10));
    rejects(z, () -> g.forward(z, 5, z, 0, 10));
    rejects(z, () -> g.derivative(z, 0, z, 9, 10));
    rejects(up, () -> g.backward(up, 0, z, 0, up, 3, 10));
    rejects(z, () -> g.backward(up, 0, z, 0, z, 1, 10));
    rejects(z, () -> g.derivativeFromOutput(z, 0, z, 2, 10));
    rejects(up, () -> g.backwardFromOutput(up, 2, z, 0, up, 0, 10));
    rejects(z, () -> g.backwardFromOutput(up, 0, z, 4, z, 0, 10));
    // exact in place equals out of place
    float[] want = new float[10];
    g.forward(z, 3, want, 0, 10);
    g.forward(z, 3, z, 3, 10);
    assertArrayEquals(want, java.util.Arrays.copyOfRange(z, 3, 13));
    float[] bw = new float[10];
    g.backward(up, 0, z, 0, bw, 0, 10);
    g.backward(up, 0, z, 0, up, 0, 10);
    assertArrayEquals(bw, java.util.Arrays.copyOfRange(up, 0, 10));
    // inputs may overlap each other (only read); out disjoint in the same array is fine
    float[] buf = random(30, 7);
    g.backward(buf, 0, buf, 5, buf, 20, 10);
  }
}
