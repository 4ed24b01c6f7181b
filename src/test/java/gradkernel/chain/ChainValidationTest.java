package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with messages naming layer and shapes, before anything is written. */
class ChainValidationTest {
  private final Random rnd = new Random(9);

  @Test
  void mismatchedLayersNameIndexAndWidths() {
    Dense a = Reference.dense(rnd, 5, 3, Activations.TANH);
    Dense b = Reference.dense(rnd, 2, 4, Activations.TANH);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Chain.of(a, a.outputSize() == 5 ? Reference.dense(rnd, 5, 5, Activations.TANH) : a,
            b));
    assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
    assertTrue(e.getMessage().contains("Dense[4 -> 2, tanh]"), e.getMessage());
    assertTrue(e.getMessage().contains("outputs width 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Chain.of());
    assertThrows(NullPointerException.class, () -> Chain.of(a, null));
  }

  @Test
  void layerConstructorsCheckShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Dense(Matrix.zeros(3, 2), Vec.zeros(2), Activations.TANH));
    assertTrue(e.getMessage().contains("3x2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Residual.of(Reference.dense(rnd, 3, 4, Activations.TANH)));
    assertTrue(e.getMessage().contains("4 -> 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Recurrent(Matrix.zeros(3, 2),
        Matrix.zeros(3, 1), Vec.zeros(3), Activations.TANH, 2));
    assertThrows(IllegalArgumentException.class, () -> new Recurrent(Matrix.zeros(3, 3),
        Matrix.zeros(3, 1), Vec.zeros(3), Activations.TANH, 0));
  }

  @Test
  void wrongUpstreamForeignTapeAndForeignBuffersLeaveEverythingUntouched() {
    Chain c = Chain.of(Reference.dense(rnd, 6, 4, Activations.TANH),
        Reference.dense(rnd, 3, 6, Activations.TANH));
    Chain other = Chain.of(Reference.dense(rnd, 6, 4, Activations.TANH),
        Reference.dense(rnd, 3, 6, Activations.TANH));
    Tape t = c.newTape();
    c.forward(t, Reference.gaussian(rnd, 8, 1), 0, 2);
    Gradients g = new Gradients(c);
    Arrays.fill(g.data(), 7f);
    GradientProfile p = new GradientProfile(c);
    float[] tapeBefore = t.data.clone();
    float[] workBefore = t.work.clone();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.backward(t, new float[5], 0, g, p));
    assertTrue(e.getMessage().contains("batch 2") && e.getMessage().contains("out 3")
        && e.getMessage().contains("layer 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.backward(other.newTape(), new float[6], 0, g, p));
    assertTrue(e.getMessage().contains("another chain"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> c.forward(other.newTape(), new float[4]));
    assertThrows(IllegalArgumentException.class,
        () -> c.backward(t, new float[6], 0, new Gradients(other), p));
    assertThrows(IllegalArgumentException.class,
        () -> c.backward(t, new float[6], 0, g, new GradientProfile(other)));
    assertThrows(IllegalArgumentException.class, () -> c.forward(t, new float[7], 0, 2));
    assertThrows(IllegalArgumentException.class, () -> c.jvp(t, new float[4], 0,
        new float[3], 0)); // batch 2 recorded
    assertThrows(IllegalStateException.class, () -> c.backward(c.newTape(), new float[3], g, p));
    assertThrows(IllegalStateException.class, () -> c.inputGradient(t, 0));

    float[] filled = new float[g.data().length];
    Arrays.fill(filled, 7f);
    assertArrayEquals(filled, g.data(), "gradient buffer untouched");
    assertArrayEquals(tapeBefore, t.data, "tape untouched");
    assertArrayEquals(workBefore, t.work, "work untouched");
    // The tape is still usable after the rejected calls.
    assertEquals(2, c.backward(t, new float[6], 0, g, p).rows());
  }

  @Test
  void jvpAndJacobianCheckTheirArguments() {
    Chain c = Chain.of(Reference.dense(rnd, 3, 2, Activations.TANH));
    Tape t = c.newTape();
    c.forward(t, new float[] {1, 2});
    float[] out = {9, 9, 9};
    assertThrows(IllegalArgumentException.class, () -> c.jvp(t, new float[1], 0, out, 0));
    assertThrows(IllegalArgumentException.class, () -> c.jvp(t, new float[2], 0, out, 1));
    assertArrayEquals(new float[] {9, 9, 9}, out);
    assertThrows(IllegalArgumentException.class, () -> c.jacobian(t, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> c.jacobian(t, 0, 2));
  }
}
