package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParametersTest {
  private static float[] rand(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  private static Chain net() {
    Dense d0 = Dense.of(rand(12, 1), 4, 3, rand(4, 2), Activations.TANH);
    Residual res = Residual.of(Dense.of(rand(8, 3), 2, 4, rand(2, 4), Activations.TANH),
        Dense.of(rand(8, 5), 4, 2, rand(4, 6), Activations.IDENTITY));
    LayerNorm ln = new LayerNorm(Vec.of(rand(4, 7)), Vec.of(rand(4, 8)), 1e-5);
    Recurrent rnn = new Recurrent(gradkernel.tensor.Matrix.of(rand(16, 9), 4, 4),
        gradkernel.tensor.Matrix.of(rand(0, 10), 4, 0), Vec.of(rand(4, 11)), Activations.TANH, 3);
    return Chain.of(d0, res, ln, rnn);
  }

  @Test
  void namesOffsetsAndDecayTileTheBlock() {
    Chain c = net();
    List<Parameter> ps = c.parameters();
    assertEquals(List.of("0.weight", "0.bias", "1.f.0.weight", "1.f.0.bias", "1.f.1.weight",
        "1.f.1.bias", "2.weight", "2.bias", "3.weight_hh", "3.weight_ih", "3.bias"),
        ps.stream().map(Parameter::name).toList());
    int next = 0;
    for (Parameter p : ps) {
      assertEquals(next, p.offset(), p.name());
      next += p.size();
      assertEquals(p.name().endsWith("weight") && !p.name().startsWith("2.")
          || p.name().contains("weight_"), p.decay() == Decay.APPLY, p.name());
    }
    assertEquals(c.parameterCount(), next);
  }

  @Test
  void rebindingToAFlatBufferComputesTheSameAndSharesStorage() {
    Chain c = net();
    float[] flat = new float[c.parameterCount() + 5];
    c.copyParametersTo(flat, 5);
    Chain bound = c.withParameters(flat, 5);
    float[] x = rand(2 * c.inputSize(), 12);
    float[] y0 = c.forward(c.newTape(), x).copy().data();
    float[] y1 = bound.forward(bound.newTape(), x).copy().data();
    assertArrayEquals(y0, y1);
    float[] again = new float[c.parameterCount()];
    bound.copyParametersTo(again, 0);
    assertArrayEquals(java.util.Arrays.copyOfRange(flat, 5, flat.length), again);
    // A write into the flat buffer is seen by the bound chain's layer.
    flat[5] += 1f;
    assertEquals(flat[5], ((Dense) bound.layer(0)).weight().get(0, 0));
  }

  @Test
  void gradientsByNameMatchTheDenseViews() {
    Chain c = net();
    Gradients g = new Gradients(c);
    Vec bias = g.of("0.bias");
    assertEquals(g.bias(0).offset(), bias.offset());
    assertEquals(4, bias.length());
    assertThrows(IllegalArgumentException.class, () -> g.of("9.weight"));
    assertThrows(IllegalArgumentException.class, () -> c.withParameters(new float[3], 0));
  }

  @Test
  void gradientsByLayerAndNameWorkForEveryLayerKind() {
    Chain c = net();
    Gradients g = new Gradients(c);
    Tape tape = c.newTape();
    c.forward(tape, rand(2 * c.inputSize(), 13), 0, 2);
    c.backward(tape, rand(2 * c.outputSize(), 14), 0, g, null);
    for (int l = 0; l < c.size(); l++) {
      for (Parameter p : c.layer(l).parameters()) {
        Vec local = g.of(l, p.name());
        Vec global = g.of(l + "." + p.name());
        assertEquals(global.offset(), local.offset(), l + "." + p.name());
        assertEquals(global.length(), local.length(), l + "." + p.name());
        gradkernel.tensor.Matrix m = g.matrix(l, p.name());
        assertEquals(p.size(), m.rows() * m.cols(), l + "." + p.name());
        if (p.size() > 0) { // the Recurrent's U is [4, 0]
          assertEquals(global.get(p.size() - 1), m.get(m.rows() - 1, m.cols() - 1));
        }
      }
    }
    assertEquals(List.of(4, 3), List.of(g.weight(0).rows(), g.weight(0).cols()));
    assertEquals(List.of(1, 4), List.of(g.weight(2).rows(), g.weight(2).cols()), "LayerNorm γ");
    assertEquals(g.of("3.bias").offset(), g.bias(3).offset(), "Recurrent bias");
    assertEquals(4, g.matrix(3, "weight_hh").cols());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.weight(3));
    assertTrue(e.getMessage().contains("weight_hh"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> g.weight(1));
    assertTrue(e.getMessage().contains("f.0.weight"), e.getMessage());
    assertEquals("weight_ih", c.layer(3).parameter("weight_ih").name());
  }

  @Test
  void layersAnswerPreActivationAndSlotQueries() {
    Chain c = net();
    Tape tape = c.newTape(Tape.Keep.INPUT_GRADIENTS);
    int b = 2;
    c.forward(tape, rand(b * c.inputSize(), 15), 0, b);
    c.backward(tape, rand(b * c.outputSize(), 16), 0, null, null);
    assertEquals(List.of(b, 4), List.of(c.preActivations(tape, 0).rows(),
        c.preActivations(tape, 0).cols()));
    assertEquals(List.of(3 * b, 4), List.of(c.preActivations(tape, 3).rows(),
        c.preActivations(tape, 3).cols()), "Recurrent: z_1..z_T stacked");
    assertThrows(IllegalArgumentException.class, () -> c.preActivations(tape, 2));
    // Slots: Dense 0, Residual 1, LayerNorm 2, Recurrent 3..5 (T = 3), upstream 6.
    assertEquals(6, c.profileSlots());
    for (int l = 0; l <= 3; l++) {
      gradkernel.tensor.Matrix v = c.slotGradient(tape, c.firstSlot(l)).orElseThrow();
      gradkernel.tensor.Matrix in = c.inputGradient(tape, l);
      assertEquals(in.offset(), v.offset());
      assertEquals(b, v.rows());
    }
    assertTrue(c.slotGradient(tape, 4).isEmpty(), "inner recurrent steps are not kept");
    assertTrue(c.slotGradient(tape, 5).isEmpty());
    assertEquals(c.inputGradient(tape, 4).offset(), c.slotGradient(tape, 6).orElseThrow().offset());
    assertThrows(IndexOutOfBoundsException.class, () -> c.slotGradient(tape, 7));
  }

  @Test
  void clippingAWrappedSliceLeavesTheRestOfTheSharedBufferAlone() {
    Chain c = net();
    float[] shared = new float[c.parameterCount() + 6];
    java.util.Arrays.fill(shared, 3f);
    Gradients g = Gradients.wrap(c, shared, 3);
    assertEquals(3, g.values().offset());
    assertEquals(c.parameterCount(), g.values().length());
    double norm = gradkernel.tensor.Blas.nrm2(g.values());
    double coef = gradkernel.clip.Clip.scaleToNorm(norm, 1.0, g.values());
    assertTrue(coef < 1, "clipped: " + coef);
    for (int i : new int[] {0, 1, 2, shared.length - 3, shared.length - 2, shared.length - 1}) {
      assertEquals(3f, shared[i], "outside the slice at " + i);
    }
    assertEquals(3 * coef, shared[3], 3 * coef * 0x1p-22, "scaled by the coefficient");
    assertTrue(gradkernel.tensor.Blas.nrm2(g.values()) <= 1.0);
  }
}
