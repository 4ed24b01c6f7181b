package gradkernel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.optim.MonitorEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

  static TrainConfig config(String task, String cell, int hidden, int t, int batch, int steps,
      String optimizer, double lr, double clip, String init, double gain, long seed) {
    return TrainConfig.builder(task).cell(cell).hidden(hidden).steps(t).batch(batch)
        .iterations(steps).optimizer(optimizer).lr(lr).clipNorm(clip).init(init).gain(gain)
        .seed(seed).testSize(64).build();
  }

  @Test
  void shortLstmRunOnAddingLowersTheHeldOutLossWellBelowTheTrivialPredictor() {
    TrainConfig c = config("adding", "lstm", 16, 10, 16, 200, "adam", 1e-2, 1, "default", 1, 1);
    List<Double> losses = new ArrayList<>();
    TrainResult r = new Trainer(c).run(new Trainer.Listener() {
      @Override public void step(Trainer.StepReport s) {
        losses.add(s.loss());
        assertEquals(10, s.hiddenGradientNorms().length);
      }
    });
    assertEquals(200, losses.size());
    double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
    assertTrue(r.trainLoss() < first / 5, "train loss " + r.trainLoss() + " vs start " + first);
    assertTrue(r.testLoss() < r.trivialLoss() / 3,
        "held-out " + r.testLoss() + " vs trivial " + r.trivialLoss());
    assertTrue(r.trivialLoss() > 0.1 && r.trivialLoss() < 0.25, "variance of a sum of 2 U(0,1)");
    assertEquals(0, r.skippedSteps());
    assertTrue(Double.isNaN(r.testAccuracy()));
  }

  @Test
  void gruLearnsTemporalOrderAboveChance() {
    TrainConfig c = TrainConfig.builder("temporal-order").cell("gru").hidden(16).steps(12)
        .batch(32).iterations(150).lr(2e-2).seed(3).testSize(128).build();
    TrainResult r = new Trainer(c).run();
    assertTrue(r.testAccuracy() > 0.5, "accuracy " + r.testAccuracy() + " (chance 0.25)");
    assertEquals(Math.log(4), r.trivialLoss(), 0.05, "label entropy close to log 4");
    assertTrue(r.testLoss() < r.trivialLoss());
  }

  @Test
  void sgdWithAHugeRateAndNoClippingOnALargeGainTanhRnnReportsAnExplosion() {
    TrainConfig c = config("adding", "rnn", 16, 30, 8, 60, "sgd", 5.0, Double.POSITIVE_INFINITY,
        "orthogonal", 3.0, 1);
    List<MonitorEvent> seen = new ArrayList<>();
    TrainResult r = new Trainer(c).run(new Trainer.Listener() {
      @Override public void event(MonitorEvent e) {
        seen.add(e);
      }
    });
    assertTrue(r.count(MonitorEvent.Type.GRADIENT_EXPLOSION) > 0
        || r.count(MonitorEvent.Type.SKIPPED_STEP) > 0, "events " + seen);
    assertTrue(r.count(MonitorEvent.Type.GRADIENT_EXPLOSION) > 0, "explosion event: " + seen);
    assertEquals(r.eventTotal(), seen.size() <= TrainResult.MAX_EVENTS ? seen.size()
        : r.eventTotal());
    assertEquals(0, r.clippedSteps(), "no clipping");
    assertFalse(r.solved());
  }

  @Test
  void clippingBoundsEveryStepAndCountsClippedSteps() {
    TrainConfig c = config("adding", "rnn", 16, 30, 8, 40, "sgd", 0.5, 0.01, "orthogonal", 3.0, 1);
    List<Float> clips = new ArrayList<>();
    List<Double> norms = new ArrayList<>();
    TrainResult r = new Trainer(c).run(new Trainer.Listener() {
      @Override public void step(Trainer.StepReport s) {
        clips.add(s.clip());
        norms.add(s.gradNorm());
      }
    });
    int clipped = 0;
    for (int k = 0; k < clips.size(); k++) {
      if (norms.get(k) > 0.01) {
        clipped++;
        assertTrue(clips.get(k) * norms.get(k) <= 0.01 * (1 + 1e-6), "step " + k);
      } else {
        assertEquals(1f, clips.get(k));
      }
    }
    assertEquals(clipped, r.clippedSteps());
    assertTrue(clipped > 0);
  }

  @Test
  void sameConfigGivesTheSameBitsForAnyThreadCount() {
    TrainConfig c = config("copy", "lstm", 8, 9, 4, 15, "adamw", 1e-2, 1, "orthogonal", 1, 4);
    TrainResult a = new Trainer(c).run();
    TrainResult b = new Trainer(c.toBuilder().threads(2).build()).run();
    assertEquals(Double.doubleToLongBits(a.testLoss()), Double.doubleToLongBits(b.testLoss()));
    assertEquals(Double.doubleToLongBits(a.trainLoss()), Double.doubleToLongBits(b.trainLoss()));
    assertEquals(Double.doubleToLongBits(a.maxGradNorm()),
        Double.doubleToLongBits(b.maxGradNorm()));
    assertTrue(a.testAccuracy() >= 0 && a.testAccuracy() <= 1);
    assertEquals(Math.log(8), a.trivialLoss(), 0.05, "recall targets uniform over 8 symbols");
  }

  @Test
  void historyKeepsTheCurvesAndTheHeatMap() {
    TrainConfig c = config("multiplication", "gru", 8, 6, 4, 450, "momentum", 0.01, 1, "default",
        1, 2);
    Trainer tr = new Trainer(c);
    TrainResult r = tr.run();
    Trainer.History h = tr.history();
    assertEquals(450, h.steps());
    assertEquals(3, h.heatEvery(), "at most 200 columns");
    assertEquals(150, h.heatColumns());
    assertEquals(6, h.heatRows());
    assertEquals(21, h.tests(), "every 22 steps and the last");
    assertEquals(449, h.testStep(h.tests() - 1), "the last step is evaluated");
    assertEquals((float) r.testLoss(), h.testLoss(h.tests() - 1));
    for (int col = 0; col < h.heatColumns(); col++) {
      for (int j = 0; j < 6; j++) {
        assertTrue(Float.isFinite(h.heat(col, j)));
      }
    }
  }
}
