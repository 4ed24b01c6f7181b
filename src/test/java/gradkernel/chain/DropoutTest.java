package gradkernel.chain;

import static gradkernel.chain.GradientCheckTest.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutTest {

  private static float[] run(Chain c, float[] x, int b) {
    return c.forward(c.newTape(), x, 0, b).copy().data();
  }

  @Test
  void dropsAboutPAndScalesSurvivorsByOneOverOneMinusP() {
    int n = 1000;
    int b = 100;
    double p = 0.3;
    Chain c = Chain.of(new Dropout(n, p, 7));
    float[] x = new float[n * b];
    Arrays.fill(x, 2f);
    float[] y = run(c, x, b);
    int zeros = 0;
    float scaled = (float) (1 / (1 - p));
    for (float v : y) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(2f * scaled, v);
      }
    }
    double sd = Math.sqrt(n * b * p * (1 - p));
    assertEquals(n * b * p, zeros, 5 * sd);
  }

  @Test
  void sameSeedAndStepGiveTheSameMaskAndTheNextStepAnother() {
    float[] x = rand(64 * 4, 1, 1);
    Dropout d1 = new Dropout(64, 0.5, 11);
    Dropout d2 = new Dropout(64, 0.5, 11);
    assertArrayEquals(run(Chain.of(d1), x, 4), run(Chain.of(d2), x, 4));
    float[] first = run(Chain.of(d1), x, 4);
    assertArrayEquals(first, run(Chain.of(d1), x, 4), "repeated forwards within a step");
    d1.nextStep();
    assertFalse(Arrays.equals(first, run(Chain.of(d1), x, 4)));
    d1.step(0);
    assertArrayEquals(first, run(Chain.of(d1), x, 4));
    assertFalse(Arrays.equals(first, run(Chain.of(new Dropout(64, 0.5, 12)), x, 4)));
  }

  @Test
  void backwardUsesTheForwardMask() {
    Dropout d = new Dropout(8, 0.5, 3);
    Chain c = Chain.of(d);
    float[] x = rand(16, 1, 2);
    Tape t = c.newTape();
    float[] y = c.forward(t, x, 0, 2).copy().data();
    float[] up = new float[16];
    Arrays.fill(up, 1f);
    float[] dx = c.backward(t, up, 0, null, null).copy().data();
    for (int i = 0; i < 16; i++) {
      assertEquals(y[i] == 0f ? 0f : 2f, dx[i], "element " + i);
    }
    GradientCheck.of(Chain.of(GradientCheckTest.dense(8, 3, Activations.TANH, 1),
        new Dropout(8, 0.25, 5)), rand(6, 1, 4), 2, 9).assertPassed();
  }

  @Test
  void evalIsTheIdentityAndPZeroOrOneAreExact() {
    float[] x = rand(40, 1, 1);
    assertArrayEquals(x, run(Chain.of(new Dropout(10, 0.9, 1)).mode(Mode.EVAL), x, 4));
    assertArrayEquals(x, run(Chain.of(new Dropout(10, 0, 1)), x, 4));
    for (float v : run(Chain.of(new Dropout(10, 1, 1)), x, 4)) {
      assertEquals(0f, Math.abs(v));
    }
  }

  @Test
  void modeReachesLayersInsideResidualBranches() {
    Dropout d = new Dropout(4, 0.5, 1);
    Chain c = Chain.of(Residual.of(d));
    c.mode(Mode.EVAL);
    assertEquals(Mode.EVAL, d.mode());
    assertTrue(Chain.of(new Dropout(3, 0.1, 1)).parameters().isEmpty());
  }

  @Test
  void badProbabilityIsRejected() {
    for (double p : new double[] {-0.1, 1.1, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Dropout(3, p, 1));
      assertTrue(e.getMessage().startsWith("p must be in [0, 1]"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new Dropout(0, 0.5, 1));
  }
}
