package gradkernel.chain;

import static gradkernel.TestChains.dense;
import static gradkernel.TestChains.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** forward/backward taking Matrix views: the same bits as the array forms, clear rejections. */
class ChainViewArgumentsTest {
  private final SplittableRandom r = new SplittableRandom(3);
  private final Chain net = Chain.of(dense(r, 12, 7, "tanh"), dense(r, 5, 12, "identity"));

  @Test
  void viewsGiveTheArrayFormsBits() {
    int batch = 4;
    float[] buf = random(r, 3 + batch * 7, 1); // x at offset 3
    float[] upBuf = random(r, 2 + batch * 5, 1);
    Tape a = net.newTape();
    Gradients ga = new Gradients(net);
    float[] outA = net.forward(a, buf, 3, batch).copy().data();
    float[] dxA = net.backward(a, upBuf, 2, ga, null).copy().data();
    Tape b = net.newTape();
    Gradients gb = new Gradients(net);
    float[] outB = net.forward(b, new Matrix(buf, 3, batch, 7, 7)).copy().data();
    float[] dxB = net.backward(b, new Matrix(upBuf, 2, batch, 5, 5), gb, null).copy().data();
    assertArrayEquals(outA, outB);
    assertArrayEquals(dxA, dxB);
    assertArrayEquals(ga.values().toArray(), gb.values().toArray());
  }

  @Test
  void stridedOrMisshapenViewsAreRejectedBeforeAnyWrite() {
    float[] buf = random(r, 64, 1);
    Tape t = net.newTape();
    String strided = assertThrows(IllegalArgumentException.class,
        () -> net.forward(t, new Matrix(buf, 0, 3, 7, 9))).getMessage();
    assertTrue(strided.contains("x") && strided.contains("ld 9"), strided);
    String width = assertThrows(IllegalArgumentException.class,
        () -> net.forward(t, new Matrix(buf, 0, 2, 8, 8))).getMessage();
    assertTrue(width.contains("2x8") && width.contains("7 columns"), width);
    net.forward(t, new Matrix(buf, 0, 1, 7, 30)); // one row: any ld
    Gradients g = new Gradients(net);
    float[] before = g.values().toArray();
    String batch = assertThrows(IllegalArgumentException.class,
        () -> net.backward(t, Matrix.of(new float[10], 2, 5), g, null)).getMessage();
    assertTrue(batch.contains("upstream") && batch.contains("batch of 1"), batch);
    assertArrayEquals(before, g.values().toArray(), "grads written before the rejection");
  }

  @Test
  void initialStatesFromViews() {
    Chain lstm = Chain.of(Lstm.create(3, 4, 5, SequenceOutput.LAST_STEP, 1));
    int batch = 2;
    float[] x = random(r, batch * 5 * 3, 1);
    float[] st = random(r, 1 + 2 * batch * 4, 0.5); // h0 at 1, c0 at 1 + 8
    Tape a = lstm.newTape().initialState(0, st, 1).initialCell(0, st, 1 + batch * 4);
    float[] outA = lstm.forward(a, x, 0, batch).copy().data();
    Tape b = lstm.newTape().initialState(0, new Matrix(st, 1, batch, 4, 4))
        .initialCell(0, new Matrix(st, 1 + batch * 4, batch, 4, 4));
    assertArrayEquals(outA, lstm.forward(b, x, 0, batch).copy().data());
    b.initialState(0, (Matrix) null).initialCell(0, (Matrix) null);
    assertArrayEquals(lstm.forward(lstm.newTape(), x, 0, batch).copy().data(),
        lstm.forward(b, x, 0, batch).copy().data(), "null restores zeros");
    String msg = assertThrows(IllegalArgumentException.class,
        () -> b.initialState(0, new Matrix(st, 0, batch, 3, 3))).getMessage();
    assertTrue(msg.contains("h0") && msg.contains("4]"), msg);
  }
}
