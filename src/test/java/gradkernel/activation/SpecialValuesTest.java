package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.kernel.ActivationKernels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ±0, ±∞, NaN, subnormals, huge values and the conventions at kinks, for every implementation. */
class SpecialValuesTest {
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final float[] FINITE = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-30f, -1e-30f, 1e30f, -1e30f, 1000f, -1000f, 88.8f,
      -88.8f, 104f, -104f, 1e4f, -1e4f, 3e12f, -3e12f, Float.MAX_VALUE, -Float.MAX_VALUE};

  static Iterable<String> specs() {
    return Reference.SPECS;
  }

  /** value and derivative of one z through: scalar methods, active kernels, scalar kernels. */
  private static List<float[]> evaluate(String spec, float z) {
    Elementwise a = (Elementwise) Activations.of(spec);
    float[] in = {z};
    float[] v1 = new float[1];
    float[] d1 = new float[1];
    float[] v2 = new float[1];
    float[] d2 = new float[1];
    ActivationKernels.active().forward(a.fn(), a.p(), a.q(), in, 0, v1, 0, 1);
    ActivationKernels.active().derivative(a.fn(), a.p(), a.q(), in, 0, d1, 0, 1);
    ActivationKernels.scalar().forward(a.fn(), a.p(), a.q(), in, 0, v2, 0, 1);
    ActivationKernels.scalar().derivative(a.fn(), a.p(), a.q(), in, 0, d2, 0, 1);
    return List.of(new float[] {a.value(z), a.derivative(z)}, new float[] {v1[0], d1[0]},
        new float[] {v2[0], d2[0]});
  }

  @ParameterizedTest @MethodSource("specs")
  void finiteInputGivesFiniteOutput(String spec) {
    for (float z : FINITE) {
      for (float[] vd : evaluate(spec, z)) {
        assertTrue(Float.isFinite(vd[1]), spec + ": g'(" + z + ") = " + vd[1]);
        boolean unboundedValue = Math.abs(Reference.value(spec, z)) > Float.MAX_VALUE;
        assertTrue(Float.isFinite(vd[0]) || unboundedValue, spec + ": g(" + z + ") = " + vd[0]);
      }
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void nanPropagates(String spec) {
    for (float[] vd : evaluate(spec, Float.NaN)) {
      assertTrue(Float.isNaN(vd[0]) && Float.isNaN(vd[1]), spec + ": NaN in must give NaN out");
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void infinitiesGiveTheLimits(String spec) {
    for (float z : new float[] {INF, -INF}) {
      double far = z > 0 ? 1e8 : -1e8;
      for (float[] vd : evaluate(spec, z)) {
        double lim = Reference.value(spec, far);
        float expected = Math.abs(lim) > 1e4 ? (lim > 0 ? INF : -INF) : (float) lim;
        assertEquals(expected, vd[0], Math.abs(expected) * 1e-6f, spec + ": g(" + z + ")");
        assertEquals((float) Reference.derivative(spec, far), vd[1], 0f, spec + ": g'(" + z + ")");
      }
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void hugeInputsMatchReference(String spec) {
    for (float z : new float[] {1e30f, -1e30f, 1000f, -1000f, Float.MAX_VALUE, -Float.MAX_VALUE}) {
      float expected = (float) Reference.value(spec, z);
      for (float[] vd : evaluate(spec, z)) {
        assertEquals(expected, vd[0], Math.abs(expected) * 1e-6f, spec + ": g(" + z + ")");
      }
    }
  }

  @Test void documentedValues() {
    for (float[] vd : evaluate("sigmoid", -1000f)) {
      assertEquals(0f, vd[0]);
    }
    for (float[] vd : evaluate("softplus:1.0", 1000f)) {
      assertEquals(1000f, vd[0]);
    }
    for (float[] vd : evaluate("gelu", -1e30f)) {
      assertEquals(0f, vd[0], 0f);
      assertEquals(0f, vd[1], 0f);
    }
    for (float[] vd : evaluate("silu", 1e30f)) {
      assertEquals(1e30f, vd[0]);
      assertEquals(1f, vd[1]);
    }
  }

  @Test void kinksFollowPyTorch() {
    for (float zero : new float[] {0f, -0f}) {
      for (float[] vd : evaluate("relu", zero)) {
        assertEquals(0f, vd[1], 0f, "ReLU'(0) = 0 (threshold_backward: z <= 0 gives 0)");
      }
      for (float[] vd : evaluate("leaky_relu:0.01", zero)) {
        assertEquals(0.01f, vd[1], "leaky ReLU'(0) = alpha");
      }
      for (float[] vd : evaluate("elu:0.5", zero)) {
        assertEquals(0.5f, vd[1], "ELU'(0) = alpha");
      }
    }
    for (float edge : new float[] {-1f, 1f}) {
      for (float[] vd : evaluate("hardtanh:-1.0:1.0", edge)) {
        assertEquals(0f, vd[1], "hardtanh'(" + edge + ") = 0 (hardtanh_backward: z <= min || z >= max)");
      }
    }
    for (float inside : new float[] {Math.nextUp(-1f), Math.nextDown(1f)}) {
      for (float[] vd : evaluate("hardtanh:-1.0:1.0", inside)) {
        assertEquals(1f, vd[1], "hardtanh' just inside the range");
      }
    }
  }

  @Test void subnormalInputsStayExact() {
    for (float z : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE}) {
      for (float[] vd : evaluate("identity", z)) {
        assertEquals(z, vd[0]);
      }
      for (float[] vd : evaluate("tanh", z)) {
        assertEquals(z, vd[0], "tanh z = z for subnormal z");
        assertEquals(1f, vd[1]);
      }
      for (float[] vd : evaluate("sigmoid", z)) {
        assertEquals(0.5f, vd[0]);
        assertEquals(0.25f, vd[1]);
      }
    }
  }
}
