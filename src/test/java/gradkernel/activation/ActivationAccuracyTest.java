package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.kernel.ActivationKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Accuracy on [−20, 20] of the array kernels (active and scalar) and the scalar methods against
 * {@link Reference}, and of each derivative against central differences of the reference value.
 *
 * <p>Stated bounds: value |err| ≤ 1e-6·|g| + 1e-37; derivative |err| ≤ 1e-6·|g'| (+ 5e-7 absolute
 * for SiLU/GELU, whose g' crosses zero). Measured on the array kernels (the Vector API and the
 * scalar twin give the same bits), where |g| ≥ 1e-30: value ≤ 4.6e-7 relative, derivative ≤
 * 3.7e-7 relative, ≤ 1.5e-7 absolute at the zero crossings.
 */
class ActivationAccuracyTest {
  private static final int N = 400_001;
  private static final float[] Z = grid();

  static Iterable<String> specs() {
    return Reference.SPECS;
  }

  private static float[] grid() {
    float[] z = new float[N];
    for (int i = 0; i < N; i++) {
      z[i] = -20f + 40f * i / (N - 1);
    }
    return z;
  }

  @ParameterizedTest @MethodSource("specs")
  void activeKernelsMatchDoubleReference(String spec) {
    check(spec, ActivationKernels.active());
  }

  @ParameterizedTest @MethodSource("specs")
  void scalarTwinMatchesDoubleReference(String spec) {
    check(spec, ActivationKernels.scalar());
  }

  @ParameterizedTest @MethodSource("specs")
  void scalarMethodsMatchDoubleReference(String spec) {
    Activation a = Activations.of(spec);
    double abs = Reference.hasZeroCrossing(spec) ? 5e-7 : 0;
    for (int i = 0; i < N; i += 7) {
      float z = Z[i];
      assertClose(spec + " value", z, a.value(z), Reference.value(spec, z), 0);
      assertClose(spec + " derivative", z, a.derivative(z), Reference.derivative(spec, z), abs);
    }
  }

  private static void check(String spec, ActivationKernels k) {
    Elementwise a = (Elementwise) Activations.of(spec);
    float[] v = new float[N];
    float[] d = new float[N];
    k.forward(a.fn(), a.p(), a.q(), Z, 0, v, 0, N);
    k.derivative(a.fn(), a.p(), a.q(), Z, 0, d, 0, N);
    double abs = Reference.hasZeroCrossing(spec) ? 5e-7 : 0;
    for (int i = 0; i < N; i++) {
      assertClose(spec + " value (" + k.name() + ")", Z[i], v[i], Reference.value(spec, Z[i]), 0);
      assertClose(spec + " derivative (" + k.name() + ")", Z[i], d[i],
          Reference.derivative(spec, Z[i]), abs);
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void derivativeMatchesCentralDifferenceOfValue(String spec) {
    Activation a = Activations.of(spec);
    float[] d = new float[N];
    a.derivative(Z, 0, d, 0, N);
    double h = 1e-4;
    double abs = Reference.hasZeroCrossing(spec) ? 5e-7 : 1e-8;
    for (int i = 0; i < N; i += 3) {
      double z = Z[i];
      if (nearKink(spec, z, 2 * h)) {
        continue;
      }
      // truncation ≤ h²/6·|g'''| ≤ 4e-9 and rounding ≤ 1e-16·|g|/h ≤ 2e-11 on this range
      double fd = (Reference.value(spec, z + h) - Reference.value(spec, z - h)) / (2 * h);
      assertClose(spec + " central difference", Z[i], d[i], fd, abs);
    }
  }

  private static boolean nearKink(String spec, double z, double r) {
    for (double k : Reference.kinks(spec)) {
      if (Math.abs(z - k) <= r) {
        return true;
      }
    }
    return false;
  }

  static void assertClose(String what, float z, float got, double ref, double abs) {
    double tol = 1e-6 * Math.abs(ref) + abs + 1e-37;
    assertTrue(Math.abs(got - ref) <= tol || (Double.isNaN(ref) && Float.isNaN(got)),
        () -> what + " at z=" + z + ": got " + got + ", reference " + ref + ", |err| "
            + Math.abs(got - ref) + " > " + tol);
  }
}
