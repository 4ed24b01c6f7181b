package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.clip.Clip;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Vec;
import java.util.Random;
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
      double read = Clip.globalNorm(Vec.of(g.data()));
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
}
