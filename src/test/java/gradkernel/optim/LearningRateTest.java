package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedules against torch.optim.lr_scheduler's closed forms, computed here independently. */
class LearningRateTest {

  @Test
  void closedFormsMatchTorch() {
    assertEquals(0.1, LearningRate.constant(0.1).at(12345));
    LearningRate step = LearningRate.step(0.1, 30, 0.1); // StepLR(step_size=30, gamma=0.1)
    assertEquals(0.1, step.at(29), 1e-17);
    assertEquals(0.01, step.at(30), 1e-17);
    assertEquals(0.001, step.at(60), 1e-17);
    assertEquals(0.1 * Math.pow(0.95, 7), LearningRate.exponential(0.1, 0.95).at(7), 1e-17);
    // LinearLR(start_factor=1/3, end_factor=1, total_iters=5): lr·(1/3 + 2/3·t/5) up to t = 5.
    LearningRate lin = LearningRate.linear(0.3, 1.0 / 3, 1, 5);
    assertEquals(0.1, lin.at(0), 1e-16);
    assertEquals(0.3 * (1.0 / 3 + 2.0 / 3 * 2 / 5), lin.at(2), 1e-16);
    assertEquals(0.3, lin.at(5), 1e-16);
    assertEquals(0.3, lin.at(500), 1e-16);
  }

  @Test
  void cosineFollowsTheClosedFormIncludingItsPeriod() {
    LearningRate cos = LearningRate.cosine(1.0, 7, 0.1);
    for (int t = 0; t <= 40; t++) {
      double expected = 0.1 + 0.9 * (1 + Math.cos(Math.PI * t / 7)) / 2;
      assertEquals(expected, cos.at(t), 1e-15, "t = " + t);
    }
    for (int n : new int[] {1, 2, 3, 4, 1000, 999_999}) {
      LearningRate c = LearningRate.cosine(1.0, n, 0);
      for (int t : new int[] {0, 1, n / 4, n / 3, n / 2, n - 1, n, n + 1, 3 * n / 2, 2 * n,
          7 * n + 3}) {
        double expected = (1 + Math.cos(Math.PI * ((long) t % (2L * n)) / n)) / 2;
        assertEquals(expected, c.at(t), 1e-15, "n = " + n + ", t = " + t);
      }
    }
    assertEquals(1.0, LearningRate.cosine(1, 10, 0).at(0));
    assertEquals(0.0, LearningRate.cosine(1, 10, 0).at(10), 1e-16);
  }

  @Test
  void warmupThenCosineComposesLikeSequentialLr() {
    LearningRate lr = LearningRate.warmup(1e-3, 100, 0.01)
        .then(100, LearningRate.cosine(1e-3, 900, 1e-5));
    assertEquals(1e-5, lr.at(0), 1e-20);
    assertEquals(1e-3 * (0.01 + 0.99 * 50 / 100), lr.at(50), 1e-18);
    assertEquals(1e-3, lr.at(100), 1e-18);
    assertEquals(1e-5, lr.at(1000), 1e-18);
    assertEquals(2 * lr.at(500), lr.times(2).at(500));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(-1));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.step(0.1, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.cosine(0.1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> LearningRate.linear(0.1, 1.5, 1, 3));
    assertThrows(IllegalArgumentException.class,
        () -> LearningRate.constant(1).then(-1, LearningRate.constant(2)));
  }
}
