package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.clip.Clip;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Vec;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The profile's weight-gradient sum of squares, filled during backward, is the global norm that
 * clipping needs: fed to a {@link NormAccumulator} it matches a fresh read of the gradients within
 * the accumulators' bounds (1e-6 relative is far above them), so clipping after backward is one
 * scaling pass and no norm pass.
 */
class ClipAfterBackwardTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 7})
  void profileNormFeedsClippingWithoutAReadPass(int batch) {
    for (long seed = 1; seed <= 12; seed++) {
      Random rnd = new Random(seed);
      Chain c = Reference.randomChain(rnd, Activations.TANH);
      Tape tape = c.newTape();
      c.forward(tape, Reference.gaussian(rnd, batch * c.inputSize(), 1), 0, batch);
      Gradients g = new Gradients(c);
      GradientProfile p = new GradientProfile(c);
      c.backward(tape, Reference.gaussian(rnd, batch * c.outputSize(), 100), 0, g, p);

      double fromProfile = NormAccumulator.l2().addSumOfSquares(p.weightGradientSumOfSquares())
          .norm();
      double read = Clip.globalNorm(g.values());
      assertEquals(read, fromProfile, 1e-6 * read, "seed " + seed);

      double max = read / 3;
      float[] viaProfile = g.data().clone();
      float[] fused = g.data().clone();
      Clip.scaleToNorm(fromProfile, max, Vec.of(viaProfile));
      Clip.byGlobalNorm(max, Vec.of(fused));
      double after = Clip.globalNorm(Vec.of(viaProfile));
      assertTrue(after <= max * (1 + 1e-6), "seed " + seed + ": " + after + " > " + max);
      for (int i = 0; i < fused.length; i++) {
        assertEquals(fused[i], viaProfile[i], 1e-6 * Math.abs(fused[i]) + Float.MIN_NORMAL,
            "seed " + seed + " element " + i);
      }
    }
  }

  /**
   * Two chains' gradients as adjacent slices of one shared buffer (Gradients.wrap): clipping one
   * chain's values() touches exactly its slice, both slices clip together like separate arrays,
   * and a wrap overlapping another is rejected before anything is written.
   */
  @Test
  void clipsExactlyAChainsSliceOfASharedBuffer() {
    Random rnd = new Random(21);
    Chain c = Reference.randomChain(rnd, Activations.TANH);
    int n = c.parameterCount();
    float[] shared = Reference.gaussian(rnd, 2 * n + 1, 10);
    Gradients first = Gradients.wrap(c, shared, 0);
    Gradients second = Gradients.wrap(c, shared, n);
    float[] before = shared.clone();
    float[] a = java.util.Arrays.copyOfRange(shared, 0, n);
    float[] b = java.util.Arrays.copyOfRange(shared, n, 2 * n);
    double norm = Clip.byGlobalNorm(1.0, second.values());
    assertEquals(Clip.byGlobalNorm(1.0, Vec.of(b)), norm);
    assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, n),
        java.util.Arrays.copyOfRange(shared, 0, n), "the other chain's slice was written");
    assertEquals(before[2 * n], shared[2 * n], "the element after the slice was written");
    assertArrayEquals(b, second.values().toArray());

    float[] together = shared.clone();
    Clip.byGlobalNorm(0.5, Vec.of(a), Vec.of(b));
    Clip.byGlobalNorm(0.5, first.values(), second.values()); // adjacent: separate tensors
    assertArrayEquals(a, first.values().toArray());
    assertArrayEquals(b, second.values().toArray());

    System.arraycopy(shared, 0, together, 0, shared.length);
    Gradients shifted = Gradients.wrap(c, shared, 1); // overlaps both
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Clip.byGlobalNorm(1e-3, first.values(), shifted.values()));
    assertTrue(e.getMessage().contains("grads[0] [0, " + n + ") and grads[1] [1, " + (n + 1)
        + ") overlap"), e.getMessage());
    assertArrayEquals(together, shared, "written before the throw");
  }
}
