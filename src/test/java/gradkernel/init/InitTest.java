package gradkernel.init;

import static org.junit.jupiter.api.Assertions.*;

import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import org.junit.jupiter.api.Test;

class InitTest {

  private static double variance(Matrix w) {
    double s = 0;
    double ss = 0;
    int n = w.rows() * w.cols();
    for (int i = 0; i < w.rows(); i++) {
      for (int j = 0; j < w.cols(); j++) {
        s += w.get(i, j);
        ss += (double) w.get(i, j) * w.get(i, j);
      }
    }
    return ss / n - (s / n) * (s / n);
  }

  /**
   * With N = 256·512 = 131072 samples the sample variance has relative standard deviation
   * √(2/N) ≈ 0.0039 (normal) or less (uniform: √(0.8/N)); a 5-sigma band (2%) has a false-failure
   * probability below 1e-6 per check, and the seeds are fixed so the outcome is deterministic.
   */
  @Test
  void variancesMatchFormulas() {
    int out = 256;
    int in = 512;
    Matrix w = Matrix.zeros(out, in);
    double tol = 0.02;
    Init.xavierUniform(w, 1.0, 1);
    assertEquals(2.0 / (in + out), variance(w), tol * 2.0 / (in + out));
    Init.xavierNormal(w, 2.0, 2);
    assertEquals(4 * 2.0 / (in + out), variance(w), tol * 8.0 / (in + out));
    Init.heNormal(w, Math.sqrt(2), Init.Mode.FAN_IN, 3);
    assertEquals(2.0 / in, variance(w), tol * 2.0 / in);
    Init.heUniform(w, Math.sqrt(2), Init.Mode.FAN_OUT, 4);
    assertEquals(2.0 / out, variance(w), tol * 2.0 / out);
    Init.lecunNormal(w, 5);
    assertEquals(1.0 / in, variance(w), tol / in);
    Init.lecunUniform(w, 6);
    assertEquals(1.0 / in, variance(w), tol / in);
  }

  @Test
  void truncatedNormalStaysInBounds() {
    Matrix w = Matrix.zeros(100, 100);
    Init.truncatedNormal(w, 1.0, -2, 2, 9);
    double max = 0;
    for (int i = 0; i < 100; i++) {
      for (int j = 0; j < 100; j++) {
        max = Math.max(max, Math.abs(w.get(i, j)));
      }
    }
    assertTrue(max <= 2 && max > 1.5, "max " + max);
    // variance of N(0,1) truncated to [-2,2] is 0.7737; N = 1e4 → rel. sd ≈ 1.3%, 5σ band.
    assertEquals(0.7737, variance(w), 0.7737 * 0.065);
  }

  @Test
  void orthogonalSquareTallWide() {
    for (int[] s : new int[][] {{64, 64}, {100, 30}, {30, 100}}) {
      Matrix q = Matrix.zeros(s[0], s[1]);
      Init.orthogonal(q, 1.0, 17);
      boolean tall = s[0] >= s[1];
      int k = Math.min(s[0], s[1]);
      int len = Math.max(s[0], s[1]);
      double worst = 0;
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double d = 0;
          for (int i = 0; i < len; i++) {
            d += tall ? (double) q.get(i, a) * q.get(i, b) : (double) q.get(a, i) * q.get(b, i);
          }
          worst = Math.max(worst, Math.abs(d - (a == b ? 1 : 0)));
        }
      }
      assertTrue(worst <= 1e-5, s[0] + "x" + s[1] + ": " + worst);
    }
  }

  @Test
  void sameSeedSameBitsDifferentSeedDifferent() {
    Matrix a = Matrix.zeros(17, 9);
    Matrix b = Matrix.zeros(17, 9);
    Init.orthogonal(a, 1.5, 123);
    Init.orthogonal(b, 1.5, 123);
    assertArrayEquals(a.data(), b.data());
    Init.xavierNormal(a, 1, 5);
    Init.xavierNormal(b, 1, 5);
    assertArrayEquals(a.data(), b.data());
    Init.xavierNormal(b, 1, 6);
    assertFalse(java.util.Arrays.equals(a.data(), b.data()));
    // Pinned bits: SplitMix64 and StrictMath are specified, so this value holds on every machine.
    Matrix one = Matrix.zeros(1, 1);
    Init.xavierUniform(one, 1.0, 0);
    assertEquals(1068103233, Float.floatToIntBits(one.get(0, 0))); // 1.3278276f
  }

  @Test
  void gainsAndBadInput() {
    assertEquals(1.0, Gain.of("linear"));
    assertEquals(1.0, Gain.of("sigmoid"));
    assertEquals(5.0 / 3, Gain.of("tanh"), 1e-15);
    assertEquals(Math.sqrt(2), Gain.of("relu"), 1e-15);
    assertEquals(0.75, Gain.of("selu"));
    // The parsed activation's slope is a float (0.2f = 0.200000003), and the gain is that of the
    // activation the network runs: √(2/(1 + 0.2f²)), 8e-10 from the double-0.2 value.
    double a = 0.2f;
    assertEquals(Math.sqrt(2 / (1 + a * a)), Gain.of("leaky_relu:0.2"), 1e-15);
    double d = 0.01f;
    assertEquals(Math.sqrt(2 / (1 + d * d)), Gain.of("leaky_relu"), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Gain.of("swishy"));
    assertEquals(1.0, Gain.of("conv2d"));
    assertEquals(1.0, Gain.of("Conv_Transpose1d"));
    assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(Matrix.zeros(0, 4), 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Matrix.zeros(2, 2), Double.NaN, 1));
  }

  /** A gain whose weights would overflow float is rejected before anything is written. */
  @Test
  void gainsThatOverflowFloatAreRejectedBeforeWriting() {
    Matrix w = Matrix.zeros(8, 8);
    java.util.List<java.util.function.Consumer<Double>> inits = java.util.List.of(
        g -> Init.xavierNormal(w, g, 1), g -> Init.xavierUniform(w, g, 1),
        g -> Init.heNormal(w, g, Init.Mode.FAN_IN, 1), g -> Init.heUniform(w, g, Init.Mode.FAN_OUT, 1),
        g -> Init.orthogonal(w, g, 1));
    for (double gain : new double[] {1e308, 1e39}) {
      for (java.util.function.Consumer<Double> init : inits) {
        for (int i = 0; i < 8; i++) {
          for (int j = 0; j < 8; j++) {
            w.set(i, j, 7f);
          }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> init.accept(gain));
        assertTrue(e.getMessage().contains("gain " + gain) && e.getMessage().contains("scale"),
            e.getMessage());
        for (int i = 0; i < 8; i++) {
          for (int j = 0; j < 8; j++) {
            assertEquals(7f, w.get(i, j), "nothing written");
          }
        }
      }
    }
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
        () -> Init.truncatedNormal(w, 1e300, -1e300, 1e300, 1));
    assertTrue(t.getMessage().contains("float"), t.getMessage());
    // The largest legal gains still give finite weights.
    for (java.util.function.Consumer<Double> init : inits) {
      init.accept(1e36);
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
          assertTrue(Float.isFinite(w.get(i, j)));
        }
      }
    }
  }

  /** One parser: a typo is an error naming the valid specs, never a silent default slope. */
  @Test
  void gainRejectsUnknownNamesWithTheValidList() {
    for (String bad : new String[] {"leaky_relux", "leaky_relu:abc", "tanh:2", "mish", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gain.of(bad));
      assertTrue(e.getMessage().contains("valid: ") && e.getMessage().contains("gelu"),
          e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> Gain.of((String) null));
    assertThrows(NullPointerException.class, () -> Gain.of((gradkernel.activation.Activation) null));
  }

  /** Parsed like Activations.of: case, aliases and parameters. */
  @Test
  void gainFollowsTheActivationParser() {
    assertEquals(Gain.of("leaky_relu:0.2"), Gain.of(Activations.leakyRelu(0.2f)));
    assertEquals(Gain.of("LeakyReLU:0.2"), Gain.leakyRelu(0.2f), 1e-15);
    assertEquals(Gain.of("relu"), Gain.of(Activations.leakyRelu(0f)), 1e-15);
    assertEquals(Gain.of("logistic"), 1.0);
    assertEquals(Gain.of("swish"), Gain.of("silu"));
    assertEquals(Gain.of("gelu:tanh"), Gain.of("gelu_tanh"));
  }

  /**
   * Families outside PyTorch's table: 1/√E[g(Z)²]. The quadrature reproduces the closed forms
   * where they exist (ELU with α = 0 is ReLU: √2; a very wide hardtanh is the identity: 1), and
   * the other values match an independent double-precision Simpson integration (200000 steps on
   * [−14, 14], with erf, exp, tanh, log1p in double) to 1e-6.
   */
  @Test
  void gainsOfGeluSiluEluFromTheSecondMoment() {
    assertEquals(Math.sqrt(2), Gain.of(Activations.elu(0f)), 1e-6 * Math.sqrt(2));
    assertEquals(1.0, Gain.of(Activations.hardTanh(-1e4f, 1e4f)), 1e-6);
    assertEquals(1.533530441195588, Gain.of("gelu"), 1e-6 * 1.53);
    assertEquals(1.5335805216662022, Gain.of("gelu_tanh"), 1e-6 * 1.53);
    assertEquals(1.6765324703311244, Gain.of("silu"), 1e-6 * 1.68);
    assertEquals(1.2451983007007308, Gain.of("elu"), 1e-6 * 1.25);
    assertEquals(1.0418668355353393, Gain.of("softplus"), 1e-6 * 1.04);
    assertEquals(1.3920361383597675, Gain.of("hardtanh"), 1e-6 * 1.39);
    assertEquals(Gain.of("gelu"), Gain.of("gelu"), 0.0, "deterministic");
  }
}
