package gradkernel.chain;

import static gradkernel.chain.GradientCheckTest.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.tensor.Vec;
import org.junit.jupiter.api.Test;

class BatchNormTest {

  @Test
  void trainModeMatchesPyTorchsBatchNorm1d() {
    // torch.nn.BatchNorm1d(2) on [[1, 2], [3, 6]]: batch mean (2, 4), biased var (1, 4),
    // running_mean = 0.1·mean = (0.2, 0.4), running_var = 0.9 + 0.1·unbiased (2, 8) = (1.1, 1.7).
    BatchNorm bn = BatchNorm.of(2);
    Chain c = Chain.of(bn);
    float[] y = c.forward(c.newTape(), new float[] {1, 2, 3, 6}, 0, 2).copy().data();
    double s0 = 1 / Math.sqrt(1 + 1e-5);
    double s1 = 2 / Math.sqrt(4 + 1e-5);
    assertArrayEquals(new float[] {(float) -s0, (float) -s1, (float) s0, (float) s1}, y, 1e-6f);
    assertArrayEquals(new float[] {0.2f, 0.4f}, bn.runningMean().toArray(), 1e-7f);
    assertArrayEquals(new float[] {1.1f, 1.7f}, bn.runningVar().toArray(), 1e-6f);
    assertEquals(1, bn.batchesTracked());
  }

  @Test
  void evalModeUsesRunningStatisticsAndIsAffine() {
    float[] gamma = {2f, -1f};
    float[] beta = {0.5f, 0f};
    BatchNorm bn = new BatchNorm(Vec.of(gamma), Vec.of(beta), Vec.of(new float[] {1f, -2f}),
        Vec.of(new float[] {4f, 0.25f}), 1e-5, 0.1);
    Chain c = Chain.of(bn).mode(Mode.EVAL);
    assertEquals(Mode.EVAL, bn.mode());
    float[] x = {3f, -1f};
    float[] y = c.forward(c.newTape(), x, 0, 1).copy().data();
    assertEquals(2 * (3 - 1) / Math.sqrt(4 + 1e-5) + 0.5, y[0], 1e-6);
    assertEquals(-1 * (-1 + 2) / Math.sqrt(0.25 + 1e-5), y[1], 1e-6);
    assertArrayEquals(new float[] {1f, -2f}, bn.runningMean().toArray());
    assertEquals(0, bn.batchesTracked());
    GradientCheck.of(c, x, 1, 3).assertPassed();
  }

  @Test
  void trainBackwardPassesTheGradientCheckInsideAChain() {
    Chain c = Chain.of(GradientCheckTest.dense(4, 3, Activations.TANH, 1),
        new BatchNorm(Vec.of(rand(4, 1, 2)), Vec.of(rand(4, 1, 3)), Vec.zeros(4),
            Vec.of(new float[] {1, 1, 1, 1}), 1e-5, 0.1),
        GradientCheckTest.dense(2, 4, Activations.SIGMOID, 4));
    GradientCheck.Report r = GradientCheck.of(c, rand(5 * 3, 1, 5), 5, 6);
    r.assertPassed();
    assertFalse(r.adjointChecked(), "TRAIN mode has no single-example JVP");
  }

  @Test
  void inputGradientSumsToZeroPerFeatureAndIsOrthogonalToTheCentredInput() {
    BatchNorm bn = new BatchNorm(Vec.of(rand(3, 2, 7)), Vec.of(rand(3, 1, 8)), Vec.zeros(3),
        Vec.of(new float[] {1, 1, 1}), 1e-5, 0.1);
    Chain c = Chain.of(bn);
    int b = 16;
    float[] x = rand(b * 3, 3, 9);
    Tape t = c.newTape();
    c.forward(t, x, 0, b);
    float[] dx = c.backward(t, rand(b * 3, 1, 10), 0, null, null).copy().data();
    for (int j = 0; j < 3; j++) {
      double mean = 0;
      for (int r = 0; r < b; r++) {
        mean += x[r * 3 + j];
      }
      mean /= b;
      double sum = 0;
      double dot = 0;
      double mag = 0;
      for (int r = 0; r < b; r++) {
        sum += dx[r * 3 + j];
        dot += dx[r * 3 + j] * (x[r * 3 + j] - mean);
        mag += Math.abs(dx[r * 3 + j]) * (1 + Math.abs(x[r * 3 + j] - mean));
      }
      assertEquals(0, sum, 8 * b * 0x1p-24 * mag, "feature " + j);
      assertEquals(0, dot, 8 * b * 0x1p-24 * mag, "feature " + j);
    }
  }

  @Test
  void withoutAffineThereAreNoParameters() {
    BatchNorm bn = new BatchNorm(null, null, Vec.zeros(2), Vec.of(new float[] {1, 1}), 1e-5, 0.1);
    assertEquals(0, bn.parameterCount());
    assertTrue(bn.parameters().isEmpty());
    GradientCheck.of(bn, rand(8, 1, 1), 4, 2).assertPassed();
  }

  @Test
  void parametersAreNamedLikePyTorchAndExemptFromDecay() {
    Chain c = Chain.of(GradientCheckTest.dense(2, 2, Activations.TANH, 1), BatchNorm.of(2));
    assertEquals(java.util.List.of("0.weight", "0.bias", "1.weight", "1.bias"),
        c.parameters().stream().map(Parameter::name).toList());
    assertEquals(Decay.EXEMPT, c.parameters().get(2).decay());
  }

  @Test
  void badInputIsRejected() {
    Chain c = Chain.of(BatchNorm.of(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(c.newTape(), new float[3], 0, 1));
    assertTrue(e.getMessage().contains("batch of at least 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(null, null, Vec.zeros(2),
        Vec.zeros(3), 1e-5, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(null, null, Vec.zeros(2),
        Vec.zeros(2), 0, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(null, null, Vec.zeros(2),
        Vec.zeros(2), 1e-5, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new BatchNorm(Vec.zeros(2), null,
        Vec.zeros(2), Vec.zeros(2), 1e-5, 0.1));
  }

  @Test
  void trainStatisticsStayAccurateWhenTheMeanDwarfsTheSpread() {
    // mean 1e4, σ ≈ 1e-2: the shifted sums keep the variance (Σx² − (Σx)²/b would cancel it away)
    int b = 64;
    int n = 5;
    java.util.SplittableRandom r = new java.util.SplittableRandom(1504);
    float[] x = new float[b * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (1e4 + r.nextGaussian() * 1e-2);
    }
    BatchNorm bn = BatchNorm.of(n);
    Chain c = Chain.of(bn);
    float[] y = c.forward(c.newTape(), x, 0, b).copy().data();
    for (int j = 0; j < n; j++) {
      double mean = 0;
      for (int i = 0; i < b; i++) {
        mean += x[i * n + j];
      }
      mean /= b;
      double var = 0;
      for (int i = 0; i < b; i++) {
        var += (x[i * n + j] - mean) * (x[i * n + j] - mean);
      }
      var /= b;
      double is = 1 / Math.sqrt(var + 1e-5);
      for (int i = 0; i < b; i++) {
        double ref = (x[i * n + j] - mean) * is;
        assertEquals(ref, y[i * n + j], 2 * 0x1p-24 * Math.abs(ref) + 1e-12, "row " + i);
      }
      assertEquals(0.1 * mean, bn.runningMean().get(j), 0x1p-24 * 1e3);
    }
  }
}
