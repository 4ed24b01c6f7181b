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
import org.junit.jupiter.api.function.Executable;

/** Issue 13's hostile input to the chain: aliasing of caller buffers and size overflow. */
class HostileChainTest {
  private final Random rnd = new Random(21);

  private static void rejects(String what, float[] buf, Executable call) {
    float[] before = buf.clone();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(what), e.getMessage());
    assertArrayEquals(before, buf, "written before the throw");
  }

  private Chain square() {
    return Chain.of(Reference.dense(rnd, 5, 5, Activations.TANH),
        Reference.dense(rnd, 5, 5, Activations.SIGMOID));
  }

  @Test
  void jvpWithDOutAliasingDirectionIsRejected() {
    Chain c = square();
    Tape t = c.newTape();
    c.forward(t, Reference.gaussian(rnd, 5, 1));
    float[] buf = Reference.gaussian(rnd, 12, 1);
    rejects("overlap", buf, () -> c.jvp(t, buf, 0, buf, 0)); // exactly aliased
    rejects("overlap", buf, () -> c.jvp(t, buf, 0, buf, 3)); // partially
    float[] want = new float[5];
    c.jvp(t, Arrays.copyOfRange(buf, 0, 5), 0, want, 0);
    c.jvp(t, buf, 0, buf, 5); // disjoint halves of one array: fine
    assertArrayEquals(want, Arrays.copyOfRange(buf, 5, 10));
  }

  @Test
  void buffersInsideTheTapeAreRejected() {
    Chain c = square();
    Tape t = c.newTape(Tape.Keep.INPUT_GRADIENTS);
    Matrix out = c.forward(t, Reference.gaussian(rnd, 5, 1));
    float[] up = Reference.gaussian(rnd, 5, 1);
    Matrix dIn = c.backward(t, up, null, null);
    float[] record = out.data();
    float[] work = dIn.data();
    float[] dOut = new float[5];
    // dOut written into the tape's record would corrupt it
    rejects("tape's record", record, () -> c.jvp(t, up, 0, record, out.offset()));
    // a view returned by backward lives in the work buffer jvp overwrites
    rejects("work buffer", work, () -> c.jvp(t, work, dIn.offset(), dOut, 0));
    assertArrayEquals(new float[5], dOut);
    // the forward's output may be read as a direction/upstream (only read)
    float[] want = new float[5];
    c.jvp(t, Arrays.copyOfRange(record, out.offset(), out.offset() + 5), 0, want, 0);
    c.jvp(t, record, out.offset(), dOut, 0);
    assertArrayEquals(want, dOut);
    // grads overlapping upstream, or living in the tape
    float[] flat = new float[c.parameterCount() + 5];
    Gradients g = Gradients.wrap(c, flat, 0);
    float[] flatUp = flat; // upstream at the end of the gradient block: overlaps its last 5
    rejects("overlap", flat, () -> c.backward(t, flatUp, c.parameterCount() - 2, g, null));
    c.backward(t, flatUp, c.parameterCount(), g, null); // adjacent, disjoint: fine
    Chain one = Chain.of(Reference.dense(rnd, 5, 5, Activations.TANH));
    Tape big = one.newTape();
    one.forward(big, Reference.gaussian(rnd, 5 * 40, 1), 0, 40);
    Matrix bigOut = one.forward(big, Reference.gaussian(rnd, 5 * 40, 1), 0, 40);
    Gradients inTape = Gradients.wrap(one, bigOut.data(), 0);
    rejects("tape's record", bigOut.data(),
        () -> one.backward(big, Reference.gaussian(rnd, 200, 1), 0, inTape, null));
    // upstream inside the work buffer (an earlier backward's result)
    Matrix prev = c.backward(t, up, null, null);
    rejects("work buffer", prev.data(),
        () -> c.backward(t, prev.data(), prev.offset(), null, null));
  }

  @Test
  void recurrentWithHugeStepCountDoesNotWrap() {
    Matrix w = Matrix.zeros(3, 3);
    Matrix u = Matrix.zeros(3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Recurrent(w, u, Vec.zeros(3), Activations.TANH, 1 << 30));
    assertTrue(e.getMessage().contains("steps 1073741824"), e.getMessage());
    assertTrue(e.getMessage().contains("3x4"), e.getMessage());
    // m = 0: input width n, but the tape floats 2·T·n still overflow
    e = assertThrows(IllegalArgumentException.class, () -> new Recurrent(w, Matrix.zeros(3, 0),
        Vec.zeros(3), Activations.TANH, 1 << 30));
    assertTrue(e.getMessage().contains("steps 1073741824"), e.getMessage());
    Recurrent ok = new Recurrent(w, u, Vec.zeros(3), Activations.TANH, 300_000_000);
    assertEquals(1_200_000_003, ok.inputSize()); // the largest sizes that fit still work
    // m = 0 and Recurrent.weightIh().copy() (Matrix.copy of a 3×0 matrix)
    Recurrent r = new Recurrent(w, Matrix.zeros(3, 0), Vec.zeros(3), Activations.TANH, 2);
    assertEquals("3x0", r.weightIh().copy().shape());
  }

  @Test
  void batchTimesWidthOverflowIsAnIllegalArgument() {
    Chain c = Chain.of(Reference.dense(rnd, 3, 1 << 12, Activations.TANH));
    Tape t = c.newTape();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(t, new float[8], 0, 1 << 20));
    assertTrue(e.getMessage().contains("batch 1048576"), e.getMessage());
    assertTrue(e.getMessage().contains("4096"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(t, new float[1 << 12], 0, 1 << 18)); // fits x's int, not the tape
    assertTrue(e.getMessage().contains("x") || e.getMessage().contains("batch"), e.getMessage());
  }

  @Test
  void chainSizesThatOverflowNameTheLayer() {
    // 1100 recurrent layers of 2·T·n = 2·2²⁰·1 tape floats: Σ exceeds int.
    Recurrent big = new Recurrent(Matrix.zeros(1, 1), Matrix.zeros(1, 0), Vec.zeros(1),
        Activations.TANH, 1 << 20);
    Recurrent[] layers = new Recurrent[1100];
    Arrays.fill(layers, big);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Chain.of(layers));
    assertTrue(e.getMessage().contains("through layer"), e.getMessage());
  }
}
