package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.kernel.ActivationKernels;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The active kernels against the scalar twin on every length 0..4·16+3 at several offsets: the
 * same bits for every family and operation (value, derivative, backward, and the from-output forms
 * of sigmoid and tanh; NaNs compared as one value, signed zeros distinguished), nothing written
 * outside the range, results independent of position, and backward bit-for-bit equal to
 * upstream·derivative, in place or not. Under the scalar fallback run both sides are the scalar
 * twin, so there the test checks the range handling only.
 */
class VectorScalarTwinTest {
  private static final int MAX_LEN = 4 * 16 + 3;
  private static final float GUARD = -12345.5f;
  private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, 88f, -88f, 1000f, -1000f};

  /** Every float class that matters: signed zeros, subnormals, the underflow/overflow edges. */
  private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 0.3465f, -0.3466f,
      0.5f, -0.5f, 8.6f, -8.6f, 15f, -15f, 17.4f, -17.4f, 30f, -30f, 43.7f, -43.7f, 51.9f, -51.9f,
      87.3f, -87.4f, 88.8f, -88.8f, 103.9f, -104f, 110f, -110f, 1e4f, -1e4f, 1.0001e4f, -1.0001e4f,
      3e12f, -3e12f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc00001),
      Float.intBitsToFloat(0xffc00000)};

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
    for (int n = 0; n <= MAX_LEN; n++) {
      for (int off = 0; off < 4; off++) {
        float[] z = inputs(rnd, off + n + 3);
        float[] u = inputs(rnd, off + n + 3);
        float[][] outs = new float[10][off + n + 5];
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
        boolean fromOutput = a.hasDerivativeFromOutput();
        if (fromOutput) {
          vec.derivativeFromOutput(a.fn(), z, off, outs[6], oo, n);
          sca.derivativeFromOutput(a.fn(), z, off, outs[7], oo, n);
          vec.backwardFromOutput(a.fn(), u, off, z, off, outs[8], oo, n);
          sca.backwardFromOutput(a.fn(), u, off, z, off, outs[9], oo, n);
        }
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
          sameBits(spec + " value", z[i], outs[0][k], outs[1][k]);
          sameBits(spec + " derivative", z[i], outs[2][k], outs[3][k]);
          sameBits(spec + " backward", z[i], outs[4][k], outs[5][k]);
          if (fromOutput) {
            sameBits(spec + " derivativeFromOutput", z[i], outs[6][k], outs[7][k]);
            sameBits(spec + " backwardFromOutput", z[i], outs[8][k], outs[9][k]);
          }
          assertEquals(u[i] * outs[2][k], outs[4][k], spec + " backward = u*g' (vector), z=" + z[i]);
          assertEquals(u[i] * outs[3][k], outs[5][k], spec + " backward = u*g' (scalar), z=" + z[i]);
        }
      }
    }
  }

  /**
   * Lengths whose tails (in place, and below one vector) take each path: the overlapping last
   * vector, the twin, and one vector through the per-thread scratch (tails of 6 and more).
   */
  @ParameterizedTest @MethodSource("specs")
  void resultDoesNotDependOnPositionAndInPlaceMatches(String spec) {
    for (int n : new int[] {MAX_LEN, 16 + 13, 13, 11, 10, 7, 5, 1}) {
      positionAndInPlace(spec, n);
    }
  }

  private static void positionAndInPlace(String spec, int n) {
    Activation a = Activations.of(spec);
    Random rnd = new Random(7 + spec.hashCode() + n);
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

  @ParameterizedTest @MethodSource("specs")
  void specialValuesAndDenseSweepsGiveTheSameBits(String spec) {
    Elementwise a = (Elementwise) Activations.of(spec);
    int n = EDGES.length * 3 + 4000;
    float[] z = new float[n];
    for (int i = 0; i < EDGES.length; i++) {
      z[i] = EDGES[i];
      z[EDGES.length + i] = Math.nextUp(EDGES[i]);
      z[2 * EDGES.length + i] = Math.nextDown(EDGES[i]);
    }
    Random rnd = new Random(11 + spec.hashCode());
    for (int i = 3 * EDGES.length; i < n; i++) {
      // uniform over the float bit patterns: every exponent, sign and subnormal
      z[i] = i % 2 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) (rnd.nextGaussian() * 40);
    }
    float[] u = new float[n];
    for (int i = 0; i < n; i++) {
      u[i] = i % 7 == 0 ? EDGES[i % EDGES.length] : (float) rnd.nextGaussian();
    }
    ActivationKernels k = ActivationKernels.active();
    float[][] vec = run(k, a, u, z);
    float[][] sca = run(ActivationKernels.scalar(), a, u, z);
    String[] ops = {"value", "derivative", "backward", "derivativeFromOutput", "backwardFromOutput"};
    for (int op = 0; op < ops.length; op++) {
      if (vec[op] == null) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        sameBits(spec + " " + ops[op] + " (" + k.name() + ")", z[i], vec[op][i], sca[op][i]);
      }
    }
  }

  /** value, derivative, backward and (sigmoid, tanh) the from-output forms on y = z. */
  private static float[][] run(ActivationKernels k, Elementwise a, float[] u, float[] z) {
    int n = z.length;
    float[][] r = new float[5][];
    for (int i = 0; i < 3; i++) {
      r[i] = new float[n];
    }
    k.forward(a.fn(), a.p(), a.q(), z, 0, r[0], 0, n);
    k.derivative(a.fn(), a.p(), a.q(), z, 0, r[1], 0, n);
    k.backward(a.fn(), a.p(), a.q(), u, 0, z, 0, r[2], 0, n);
    if (a.hasDerivativeFromOutput()) {
      r[3] = new float[n];
      r[4] = new float[n];
      k.derivativeFromOutput(a.fn(), r[0], 0, r[3], 0, n);
      k.backwardFromOutput(a.fn(), u, 0, r[0], 0, r[4], 0, n);
    }
    return r;
  }

  /** The same float bits (every NaN counts as one value; +0 and −0 differ). */
  private static void sameBits(String what, float z, float vec, float sca) {
    if (Float.floatToIntBits(vec) != Float.floatToIntBits(sca)) {
      throw new AssertionError(what + " at z=" + z + " (0x" + Integer.toHexString(
          Float.floatToRawIntBits(z)) + "): vector " + vec + " (0x" + Integer.toHexString(
          Float.floatToRawIntBits(vec)) + "), scalar " + sca + " (0x" + Integer.toHexString(
          Float.floatToRawIntBits(sca)) + ")");
    }
  }
}
