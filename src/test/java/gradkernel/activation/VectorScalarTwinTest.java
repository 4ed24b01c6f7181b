package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.kernel.ActivationKernels;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The active kernels against the scalar twin on every length 0..4·16+3 at several offsets: same
 * results to the accuracy bounds, nothing written outside the range, results independent of
 * position, and backward bit-for-bit equal to upstream·derivative, in place or not.
 */
class VectorScalarTwinTest {
  private static final int MAX_LEN = 4 * 16 + 3;
  private static final float GUARD = -12345.5f;
  private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, 88f, -88f, 1000f, -1000f};

  static Iterable<String> specs() {
    return Reference.SPECS;
  }

  private static float[] inputs(Random rnd, int len) {
    float[] z = new float[len];
    for (int i = 0; i < len; i++) {
      int kind = rnd.nextInt(4);
      z[i] = kind == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)]
          : kind == 1 ? (float) (rnd.nextGaussian() * 30) : (float) (rnd.nextGaussian() * 3);
    }
    return z;
  }

  @ParameterizedTest @MethodSource("specs")
  void everyLengthAndOffsetAgreesWithScalarTwin(String spec) {
    Elementwise a = (Elementwise) Activations.of(spec);
    ActivationKernels vec = ActivationKernels.active();
    ActivationKernels sca = ActivationKernels.scalar();
    Random rnd = new Random(spec.hashCode());
    double abs = Reference.hasZeroCrossing(spec) ? 1e-6 : 0;
    for (int n = 0; n <= MAX_LEN; n++) {
      for (int off = 0; off < 4; off++) {
        float[] z = inputs(rnd, off + n + 3);
        float[] u = inputs(rnd, off + n + 3);
        float[][] outs = new float[6][off + n + 5];
        for (float[] o : outs) {
          java.util.Arrays.fill(o, GUARD);
        }
        int oo = (off + 1) % 3;
        vec.forward(a.fn(), a.p(), a.q(), z, off, outs[0], oo, n);
        sca.forward(a.fn(), a.p(), a.q(), z, off, outs[1], oo, n);
        vec.derivative(a.fn(), a.p(), a.q(), z, off, outs[2], oo, n);
        sca.derivative(a.fn(), a.p(), a.q(), z, off, outs[3], oo, n);
        vec.backward(a.fn(), a.p(), a.q(), u, off, z, off, outs[4], oo, n);
        sca.backward(a.fn(), a.p(), a.q(), u, off, z, off, outs[5], oo, n);
        for (int k = 0; k < outs[0].length; k++) {
          boolean inside = k >= oo && k < oo + n;
          for (float[] o : outs) {
            if (!inside) {
              assertEquals(GUARD, o[k], spec + ": wrote outside the range at " + k + ", n=" + n);
            }
          }
          if (!inside) {
            continue;
          }
          int i = k - oo + off;
          twin(spec + " value", z[i], outs[0][k], outs[1][k], 0);
          twin(spec + " derivative", z[i], outs[2][k], outs[3][k], abs);
          assertEquals(u[i] * outs[2][k], outs[4][k], spec + " backward = u*g' (vector), z=" + z[i]);
          assertEquals(u[i] * outs[3][k], outs[5][k], spec + " backward = u*g' (scalar), z=" + z[i]);
        }
      }
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void resultDoesNotDependOnPositionAndInPlaceMatches(String spec) {
    Activation a = Activations.of(spec);
    Random rnd = new Random(7 + spec.hashCode());
    int n = MAX_LEN;
    float[] z = inputs(rnd, n);
    float[] u = inputs(rnd, n);
    float[] whole = new float[n];
    a.backward(u, 0, z, 0, whole, 0, n);
    float[] d = new float[n];
    a.derivative(z, 0, d, 0, n);
    float[] v = new float[n];
    a.forward(z, 0, v, 0, n);
    for (int i = 0; i < n; i++) {
      float[] one = new float[1];
      a.derivative(z, i, one, 0, 1);
      assertEquals(d[i], one[0], spec + ": derivative of element " + i + " alone");
      a.forward(z, i, one, 0, 1);
      assertEquals(v[i], one[0], spec + ": value of element " + i + " alone");
    }
    float[] inPlace = u.clone();
    a.backward(inPlace, 0, z, 0, inPlace, 0, n);
    assertEquals(java.util.Arrays.toString(whole), java.util.Arrays.toString(inPlace),
        spec + ": backward in place into upstream");
    float[] zInPlace = z.clone();
    a.backward(u, 0, zInPlace, 0, zInPlace, 0, n);
    assertEquals(java.util.Arrays.toString(whole), java.util.Arrays.toString(zInPlace),
        spec + ": backward in place into z");
    float[] fwd = z.clone();
    a.forward(fwd, 0, fwd, 0, n);
    assertEquals(java.util.Arrays.toString(v), java.util.Arrays.toString(fwd), spec + ": forward in place");
  }

  /** Both twins are within the accuracy bounds of the reference, hence within twice of each other. */
  private static void twin(String what, float z, float vec, float sca, double abs) {
    if (Float.isNaN(sca) || Float.isNaN(vec)) {
      assertTrue(Float.isNaN(sca) && Float.isNaN(vec) && Float.isNaN(z),
          () -> what + " at z=" + z + ": NaN mismatch, vector " + vec + ", scalar " + sca);
      return;
    }
    if (Float.isInfinite(sca) || Float.isInfinite(vec)) {
      assertEquals(sca, vec, what + " at z=" + z);
      return;
    }
    double tol = 2e-6 * Math.abs(sca) + 2 * abs + 1e-37;
    assertTrue(Math.abs(vec - sca) <= tol,
        () -> what + " at z=" + z + ": vector " + vec + ", scalar " + sca + ", diff "
            + Math.abs(vec - sca) + " > " + tol);
  }
}
