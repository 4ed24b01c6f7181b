package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
  static float[] rand(int n, double scale, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  static Dense dense(int out, int in, Activation g, long seed) {
    return Dense.of(rand(out * in, 1 / Math.sqrt(in), seed), out, in, rand(out, 0.1, seed + 1), g);
  }

  static List<Activation> smooth() {
    return List.of(Activations.TANH, Activations.SIGMOID, Activations.GELU, Activations.SILU,
        Activations.GELU_TANH, Activations.softplus(2f), Activations.IDENTITY, Activations.SELU);
  }

  @ParameterizedTest
  @MethodSource("smooth")
  void denseLayersPassWithEverySmoothActivation(Activation g) {
    Chain c = Chain.of(dense(5, 4, g, 1), dense(3, 5, g, 3));
    GradientCheck.Report r = GradientCheck.of(c, rand(3 * 4, 1, 9), 3, 42);
    r.assertPassed();
    assertEquals(3 * 4 + 5 * 4 + 5 + 3 * 5 + 3, r.checked());
    assertTrue(r.adjointChecked());
  }

  @Test
  void residualLayerNormAndRecurrentPass() {
    Chain c = Chain.of(dense(4, 3, Activations.TANH, 1),
        Residual.of(dense(2, 4, Activations.TANH, 5), dense(4, 2, Activations.IDENTITY, 7)),
        new LayerNorm(Vec.of(rand(4, 1, 11)), Vec.of(rand(4, 1, 12)), 1e-5),
        new Recurrent(Matrix.of(rand(9, 0.5, 13), 3, 3), Matrix.of(rand(3, 0.5, 14), 3, 1),
            Vec.of(rand(3, 0.1, 15)), Activations.TANH, 1));
    // Recurrent input is [h_0 (3); x_1 (1)]: the LayerNorm's 4 outputs.
    GradientCheck.of(c, rand(2 * 3, 1, 16), 2, 7).assertPassed();
  }

  @Test
  void aWrongInputGradientIsFoundAndNamed() {
    Chain c = Chain.of(dense(4, 3, Activations.TANH, 1), dense(2, 4, Activations.SIGMOID, 2));
    float[] x = rand(2 * 3, 1, 3);
    float[] theta = new float[c.parameterCount()];
    c.copyParametersTo(theta, 0);
    Chain net = c.withParameters(theta, 0);
    float[] u = rand(2 * 2, 1, 4);
    Tape t = net.newTape();
    Gradients g = new Gradients(net);
    net.forward(t, x, 0, 2);
    float[] dx = net.backward(t, u, 0, g, null).copy().data();
    float[] dTheta = g.data().clone();
    SplittableRandom rnd = new SplittableRandom(5);
    assertTrue(GradientCheck.against(net, theta, x, 2, u, dx, dTheta, rnd).passed());

    float[] badX = dx.clone();
    badX[4] += 1e-3f * (1 + Math.abs(badX[4]));
    GradientCheck.Report r = GradientCheck.against(net, theta, x, 2, u, badX, dTheta, rnd);
    assertFalse(r.passed(), r::toString);
    assertEquals("input", r.worstTensor());
    assertEquals(4, r.worstIndex());

    float[] badW = dTheta.clone();
    badW[net.parameters().get(2).offset() + 5] *= 1.01f;
    r = GradientCheck.against(net, theta, x, 2, u, dx, badW, rnd);
    assertFalse(r.passed(), r::toString);
    assertEquals("1.weight", r.worstTensor());
    assertEquals(5, r.worstIndex());
    AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
    assertTrue(e.getMessage().contains("1.weight[5]"), e.getMessage());
  }

  @Test
  void theCallersWeightsAreNotChanged() {
    Dense d = dense(3, 2, Activations.TANH, 1);
    float[] before = d.weight().copy().data();
    GradientCheck.of(d, rand(4, 1, 2), 2, 3).assertPassed();
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, d.weight().copy().data());
  }

  @Test
  void badArgumentsAreNamed() {
    Dense d = dense(3, 2, Activations.TANH, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradientCheck.of(d, new float[3], 2, 1));
    assertTrue(e.getMessage().startsWith("x:"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GradientCheck.of(d, new float[4], 0, 1));
  }
}
