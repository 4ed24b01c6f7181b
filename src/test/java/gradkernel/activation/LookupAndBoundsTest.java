package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Lookup by spec and the sup / inf of |g'| that the growth bounds rely on. */
class LookupAndBoundsTest {

  static Iterable<String> specs() {
    return Reference.SPECS;
  }

  @ParameterizedTest @MethodSource("specs")
  void nameRoundTrips(String spec) {
    Activation a = Activations.of(spec);
    assertEquals(spec, a.name());
    assertEquals(a, Activations.of(a.name()));
    assertEquals(a, Activations.of("  " + spec.toUpperCase() + " "));
  }

  @Test void aliasesAndDefaults() {
    assertSame(Activations.TANH, Activations.of("TANH"));
    assertSame(Activations.IDENTITY, Activations.of("linear"));
    assertSame(Activations.SILU, Activations.of("Swish"));
    assertSame(Activations.GELU, Activations.of("gelu:none"));
    assertSame(Activations.GELU_TANH, Activations.of("gelu:tanh"));
    assertEquals("leaky_relu:0.01", Activations.of("leaky_relu").name());
    assertEquals("leaky_relu:0.2", Activations.of("Leaky_ReLU:0.2").name());
    assertEquals("elu:1.0", Activations.of("elu").name());
    assertEquals("softplus:2.0", Activations.of("softplus:2").name());
    assertEquals("hardtanh:-1.0:1.0", Activations.of("hard_tanh").name());
    assertEquals("hardtanh:-2.0:3.0", Activations.of("hardtanh:-2:3").name());
  }

  @Test void badSpecsAreRejectedWithTheValidNames() {
    assertThrows(NullPointerException.class, () -> Activations.of(null));
    for (String bad : new String[] {"", "foo", "tanh:1", "leaky_relu:x", "leaky_relu:0.1:2",
        "softplus:0", "softplus:-1", "elu:nan", "elu:inf", "hardtanh:1", "hardtanh:1:-1",
        "hardtanh:1:1", "gelu:fast", "relu:"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Activations.of(bad), bad);
      assertTrue(e.getMessage().contains(bad.isEmpty() ? "''" : bad) || e.getMessage().contains("must"),
          "message names the spec: " + e.getMessage());
    }
    String msg = assertThrows(IllegalArgumentException.class, () -> Activations.of("foo")).getMessage();
    for (String name : new String[] {"identity", "relu", "leaky_relu", "elu", "selu", "sigmoid",
        "tanh", "hardtanh", "softplus", "silu", "gelu", "gelu_tanh"}) {
      assertTrue(msg.contains(name), "error lists " + name + ": " + msg);
    }
  }

  @Test void supAndInfOverTheRealLine() {
    // sup values: 40-digit mpmath maxima of |g'| (SiLU at z = 2.39936, GELU at √2, tanh-GELU at 1.41850)
    double[][] expected = {{1, 1}, {1, 0}, {1, 0.01f}, {1, 0}, {(double) Activations.SELU_SCALE * Activations.SELU_ALPHA, 0},
        {0.25, 0}, {1, 0}, {1, 0}, {1, 0}, {1.0998393201288669, 0}, {1.1289041451851548, 0},
        {1.1289930686587718, 0}};
    String[] names = {"identity", "relu", "leaky_relu:0.01", "elu:1.0", "selu", "sigmoid", "tanh",
        "hardtanh", "softplus:1.0", "silu", "gelu", "gelu_tanh"};
    for (int i = 0; i < names.length; i++) {
      Activation a = Activations.of(names[i]);
      double sup = a.supDerivative();
      double inf = a.infDerivative();
      assertTrue(sup >= expected[i][0] * (1 - 1e-15) && sup <= expected[i][0] * (1 + 1e-12),
          names[i] + " sup " + sup + " vs " + expected[i][0]);
      assertTrue(inf <= expected[i][1] && inf >= expected[i][1] * (1 - 1e-12),
          names[i] + " inf " + inf + " vs " + expected[i][1]);
    }
  }

  @ParameterizedTest @MethodSource("specs")
  void intervalBoundsEncloseSampledDerivative(String spec) {
    Activation a = Activations.of(spec);
    Random rnd = new Random(spec.hashCode());
    for (int t = 0; t < 300; t++) {
      double x = rnd.nextGaussian() * 4;
      double y = t % 3 == 0 ? x : x + Math.abs(rnd.nextGaussian() * 3);
      double sup = a.supDerivative(x, y);
      double inf = a.infDerivative(x, y);
      double max = 0;
      double min = Double.POSITIVE_INFINITY;
      for (int k = 0; k <= 400; k++) {
        double z = k == 400 ? y : x + (y - x) * k / 400;
        double d = Math.abs(Reference.derivative(spec, z));
        max = Math.max(max, d);
        min = Math.min(min, d);
      }
      double mx = max;
      double mn = min;
      assertTrue(sup >= mx, () -> spec + " sup over [" + x + ", " + y + "] = " + sup + " < sampled " + mx);
      assertTrue(inf <= mn, () -> spec + " inf over [" + x + ", " + y + "] = " + inf + " > sampled " + mn);
      assertTrue(sup <= a.supDerivative() && inf >= a.infDerivative(), spec + " nests in the R bounds");
    }
  }

  @Test void intervalBoundsAreTightWhereKnown() {
    Activation tanh = Activations.TANH;
    assertEquals(1 / Math.pow(Math.cosh(1), 2), tanh.supDerivative(1, 2), 1e-13);
    assertEquals(1 / Math.pow(Math.cosh(2), 2), tanh.infDerivative(1, 2), 1e-13);
    assertEquals(1, tanh.supDerivative(-1, 2), 1e-13);
    assertEquals(0.0, tanh.infDerivative(Double.NEGATIVE_INFINITY, 0));
    assertEquals(0.0, Activations.RELU.supDerivative(-1, 0), "ReLU'(0) = 0");
    assertEquals(1.0, Activations.RELU.supDerivative(-1, 1e-9));
    assertEquals(0.0, Activations.HARD_TANH.supDerivative(1, 2), "hard-tanh saturated at 1");
    assertEquals(1.0, Activations.HARD_TANH.infDerivative(-0.5, 0.5));
    assertEquals(0.0, Activations.SILU.infDerivative(-2, -1), "contains the zero of SiLU'");
    assertEquals(0.0, Activations.GELU.infDerivative(-1, 0), "contains the zero of GELU'");
    assertEquals(1.0, Activations.softplus(1f).supDerivative(0, Double.POSITIVE_INFINITY), 1e-13);
    assertTrue(Activations.softplus(1f).supDerivative(0, Double.POSITIVE_INFINITY) >= 1);
    assertEquals((double) Activations.SELU_ALPHA * Activations.SELU_SCALE * Math.exp(-1),
        Activations.SELU.infDerivative(-1, -0.5), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> tanh.supDerivative(2, 1));
    assertThrows(IllegalArgumentException.class, () -> tanh.infDerivative(Double.NaN, 1));
  }
}
