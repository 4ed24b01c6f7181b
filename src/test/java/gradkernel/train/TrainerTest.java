package gradkernel.train;

import gradkernel.tensor.Parallelism;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Chain;
import gradkernel.chain.Tape;
import gradkernel.loss.CrossEntropyLoss;
import gradkernel.loss.MseLoss;
import gradkernel.loss.Reduction;
import gradkernel.optim.MonitorEvent;
import gradkernel.tensor.Matrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /** c on {@code threads} threads. */
  static TrainConfig withThreads(TrainConfig c, int threads) {
    return c.toBuilder().parallelism(Parallelism.threads(threads)).build();
  }

  /** Every setting positionally, in the order of {@code bin/gradkernel train}'s options. */
  static TrainConfig of(String task, int classes, String cell, int hidden, int t, int batch,
      int steps, String optimizer, double lr, double clip, String init, double gain, long seed,
      int threads, int testSize, int evalEvery) {
    return TrainConfig.builder(task).classes(classes).cell(cell).hidden(hidden).steps(t)
        .batch(batch).iterations(steps).optimizer(optimizer).lr(lr).clipNorm(clip).init(init)
        .gain(gain).seed(seed).parallelism(Parallelism.threads(threads)).testSize(testSize).evalEvery(evalEvery).build();
  }

  /** Everything a run produces, as raw bits: per-step numbers, then the final weights. */
  static List<Long> trace(TrainConfig c) {
    List<Long> bits = new ArrayList<>();
    Trainer tr = new Trainer(c);
    TrainResult r = tr.run(new Trainer.Listener() {
      @Override public void step(Trainer.StepReport s) {
        bits.add(Double.doubleToRawLongBits(s.loss()));
        bits.add(Double.doubleToRawLongBits(s.gradNorm()));
        bits.add((long) Float.floatToRawIntBits(s.clip()));
        bits.add((long) s.events());
        if (s.evaluated()) {
          bits.add(Double.doubleToRawLongBits(s.testLoss()));
        }
        for (double h : s.hiddenGradientNorms()) {
          bits.add(Double.doubleToRawLongBits(h));
        }
      }
    });
    bits.add(Double.doubleToRawLongBits(r.testLoss()));
    bits.add(Double.doubleToRawLongBits(r.testAccuracy()));
    bits.add(Double.doubleToRawLongBits(r.trainLoss()));
    for (float v : tr.recurrentParameters().values()) {
      bits.add((long) Float.floatToRawIntBits(v));
    }
    for (float v : tr.headParameters().values()) {
      bits.add((long) Float.floatToRawIntBits(v));
    }
    return bits;
  }

  @ParameterizedTest
  @CsvSource({"adding, rnn", "copy, lstm", "temporal-order, gru"})
  void sameBitsForOneTwoThreeAndFourThreads(String task, String cell) {
    // batch 50: blocks of 16, 16, 16 and 2 examples, so 1–4 threads all split differently
    TrainConfig c = of(task, 4, cell, 8, 10, 50, 6, "adamw", 1e-2, 0.5, "orthogonal",
        1.5, 3, 1, 100, 3);
    assertEquals(4, new Trainer(c).blocks().count());
    List<Long> one = trace(c);
    for (int threads = 2; threads <= 4; threads++) {
      assertEquals(one, trace(withThreads(c, threads)), task + " " + cell + ", " + threads
          + " threads vs 1");
    }
    int headSize = new Trainer(c).headParameters().size();
    List<Long> w0 = floatBits(new Trainer(c).recurrentParameters().values());
    assertNotEquals(w0, one.subList(one.size() - headSize - w0.size(), one.size() - headSize),
        "the steps moved the recurrent weights");
  }

  static List<Long> floatBits(float[] a) {
    List<Long> bits = new ArrayList<>();
    for (float v : a) {
      bits.add((long) Float.floatToRawIntBits(v));
    }
    return bits;
  }

  /**
   * The blocks add up to the batch mean: step 0's loss and summed gradient (left in the parameter
   * sets' gradient buffers by a one-step run) equal one forward/backward of the whole batch with
   * the MEAN loss, to rounding.
   */
  @ParameterizedTest
  @CsvSource({"adding, rnn", "copy, lstm"})
  void blockGradientsAddUpToTheWholeBatchMean(String task, String cell) {
    TrainConfig c = of(task, 4, cell, 8, 6, 50, 1, "sgd", 1e-2, Double.POSITIVE_INFINITY,
        "default", 1, 5, 2, 50, 0);
    Trainer tr = new Trainer(c);
    Trainer ref = new Trainer(c);
    double[] loss = new double[1];
    tr.run(new Trainer.Listener() {
      @Override public void step(Trainer.StepReport s) {
        loss[0] = s.loss();
      }
    });
    Chain seq = ref.recurrentParameters().chain();
    Chain head = ref.headParameters().chain();
    Task t = ref.task();
    int rows = t.perStep() ? 50 * 6 : 50;
    float[] x = new float[50 * 6 * t.inputSize()];
    float[] y = new float[50];
    int[] labels = new int[rows];
    t.trainBatch(0, 50, x, y, labels);
    Tape st = seq.newTape();
    Tape ht = head.newTape();
    Matrix h = seq.forward(st, x, 0, 50, 6);
    Matrix logits = head.forward(ht, h.data(), h.offset(), rows);
    float[] d = new float[rows * t.outputSize()];
    double want = t.classification()
        ? CrossEntropyLoss.of(Reduction.MEAN).withIgnoreIndex(Task.IGNORE).apply(logits, labels,
            0, Matrix.of(d, rows, t.outputSize()))
        : MseLoss.of(Reduction.MEAN).apply(logits, Matrix.of(y, rows, 1), Matrix.of(d, rows, 1));
    Matrix dh = head.backward(ht, d, 0, ref.headParameters().grads(), null);
    seq.backward(st, dh.data(), dh.offset(), ref.recurrentParameters().grads(), null);
    assertEquals(want, loss[0], 1e-6 * want, "mean loss of the batch");
    assertClose(ref.recurrentParameters().gradients(), tr.recurrentParameters().gradients());
    assertClose(ref.headParameters().gradients(), tr.headParameters().gradients());
  }

  static void assertClose(float[] want, float[] got) {
    float max = 0;
    for (float v : want) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max > 0);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 * max, "element " + i);
    }
  }

  @Test
  void sameConfigGivesTheSameBitsForAnyThreadCount() {
    TrainConfig c = config("copy", "lstm", 8, 9, 4, 15, "adamw", 1e-2, 1, "orthogonal", 1, 4);
    TrainResult a = new Trainer(c).run();
    TrainResult b = new Trainer(withThreads(c, 2)).run();
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
