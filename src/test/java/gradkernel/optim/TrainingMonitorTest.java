package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Decay;
import gradkernel.chain.Parameter;
import gradkernel.optim.MonitorEvent.Type;
import gradkernel.optim.TrainingMonitor.Source;
import gradkernel.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each event rule, no false events on a smooth run, the running median, and the JSON lines. */
class TrainingMonitorTest {

  private static TrainingMonitor.Builder builder(List<MonitorEvent> seen) {
    return TrainingMonitor.builder(List.of("w", "b")).listener(seen::add);
  }

  /** A smooth, noisy, decreasing loss and a slowly varying norm for n steps. */
  private static void smooth(TrainingMonitor m, int n, SplittableRandom r) {
    for (int i = 0; i < n; i++) {
      double t = m.nextStep();
      double loss = 2 * Math.exp(-t / 300) + 0.05 + 0.02 * r.nextDouble();
      double norm = (1 + 0.3 * Math.sin(t / 10)) * (0.8 + 0.4 * r.nextDouble());
      m.step(loss, norm, Math.min(1, 1.5 / norm));
    }
  }

  @Test
  void smoothDecreasingRunRaisesNothing() {
    List<MonitorEvent> seen = new ArrayList<>();
    TrainingMonitor m = builder(seen).explosionThreshold(10).build();
    smooth(m, 2000, new SplittableRandom(1));
    assertEquals(List.of(), seen);
    assertEquals(2000, m.steps());
    for (Type t : Type.values()) {
      assertEquals(0, m.count(t), t.name());
    }
  }

  @Test
  void lossSpikeAboveKTimesRunningMedian() {
    List<MonitorEvent> seen = new ArrayList<>();
    TrainingMonitor m = builder(seen).window(16).spikeFactor(3).build();
    for (int i = 0; i < 16; i++) {
      assertEquals(0, m.step(1.0 + 0.01 * i, 1, 1));
    }
    double median = m.lossMedian();
    assertEquals(1.075, median, 1e-12);
    assertEquals(0, m.step(3 * median - 1e-9, 1, 1), "just below k × median");
    int ev = m.step(3 * median + 1, 1, 1);
    assertEquals(Type.LOSS_SPIKE.bit(), ev);
    assertEquals(1, seen.size());
    MonitorEvent e = seen.get(0);
    assertEquals(Type.LOSS_SPIKE, e.type());
    assertEquals(17, e.step());
    assertEquals(3 * median + 1, e.value());
    // the window then held 1.01 .. 1.15 and the previous step's loss: median (1.08 + 1.09) / 2
    assertEquals(3 * 1.085, e.reference(), 1e-12);
  }

  @Test
  void noMedianRuleDuringWarmup() {
    TrainingMonitor m = TrainingMonitor.builder(List.of()).warmup(5).build();
    m.step(1, 1, 1);
    assertEquals(0, m.step(100, 100, 1), "one value in the window, warm-up 5");
    for (int i = 0; i < 3; i++) {
      m.step(1, 1, 1);
    }
    assertEquals(Type.LOSS_SPIKE.bit() | Type.GRADIENT_EXPLOSION.bit(), m.step(100, 100, 1));
  }

  @Test
  void gradientExplosionAbsoluteAndRelative() {
    List<MonitorEvent> seen = new ArrayList<>();
    TrainingMonitor m = builder(seen).explosionThreshold(50).explosionFactor(8).build();
    assertEquals(Type.GRADIENT_EXPLOSION.bit(), m.step(1, 51, 50.0 / 51), "absolute, at once");
    assertEquals(50, seen.get(0).reference());
    for (int i = 0; i < 20; i++) {
      m.step(1, 2, 1);
    }
    assertEquals(0, m.step(1, 15.9, 1), "below 8 × median 2");
    assertEquals(Type.GRADIENT_EXPLOSION.bit(), m.step(1, 16.5, 1));
    MonitorEvent e = seen.get(1);
    assertEquals(22, e.step());
    assertEquals(16, e.reference(), "8 × median");
    assertEquals(0, m.step(1, Double.POSITIVE_INFINITY, 0) & Type.GRADIENT_EXPLOSION.bit(),
        "∞ is a skipped step, not an explosion");
  }

  @Test
  void vanishingAfterNConsecutiveSteps() {
    List<MonitorEvent> seen = new ArrayList<>();
    TrainingMonitor m = builder(seen).vanishing(1e-6, 4).build();
    int[] masks = new int[12];
    double[] norms = {1e-7, 1e-7, 1e-7, 1e-7, 1e-7, 1e-7, 1, 1e-9, 1e-9, 1e-9, 1e-9, 0};
    for (int i = 0; i < norms.length; i++) {
      masks[i] = m.step(1, norms[i], 1);
    }
    int v = Type.VANISHING.bit();
    assertEquals(List.of(0, 0, 0, v, 0, 0, 0, 0, 0, 0, v, 0),
        Arrays.stream(masks).boxed().toList(), "once per run, at its 4th step");
    assertEquals(3, seen.get(0).step());
    assertEquals(10, seen.get(1).step());
    assertEquals(2, m.count(Type.VANISHING));
  }

  @Test
  void skippedStepsWithProvenance() {
    List<MonitorEvent> seen = new ArrayList<>();
    TrainingMonitor m = builder(seen).build();
    for (int i = 0; i < 10; i++) {
      m.step(1, 1, 1);
    }
    double lossMedian = m.lossMedian();
    int s = Type.SKIPPED_STEP.bit();
    assertEquals(s, m.step(Double.NaN, 1, 1));
    assertEquals(s, m.step(1, Double.POSITIVE_INFINITY, 1));
    float[] g = {1, 2, Float.NaN, 4, Float.NEGATIVE_INFINITY};
    assertEquals(2, m.scanNonFinite(Source.GRADIENT, 1, g, 0, 5));
    assertEquals(s, m.step(1, 1, 1));
    assertEquals(s, m.step(1, 1, 1, true));
    assertEquals(0, m.step(1, 1, 1), "reports are cleared per step");
    assertEquals(lossMedian, m.lossMedian(), "NaN never enters the window");
    assertEquals(4, m.count(Type.SKIPPED_STEP));
    assertEquals(List.of("loss NaN", "gradient norm Infinity",
        "gradient b[2] = NaN and 1 more non-finite", "skipped by the caller"),
        seen.stream().map(MonitorEvent::detail).toList());
    assertEquals(12, seen.get(2).step());
  }

  @Test
  void runningMedianMatchesSortingTheWindow() {
    SplittableRandom r = new SplittableRandom(3);
    for (int n : new int[] {1, 2, 7, 32}) {
      TrainingMonitor.RunningMedian rm = new TrainingMonitor.RunningMedian(n);
      List<Double> all = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        double v = r.nextInt(4) == 0 ? r.nextInt(5) : r.nextDouble() * 10 - 2; // duplicates too
        rm.add(v);
        all.add(v);
        double[] w = all.subList(Math.max(0, all.size() - n), all.size()).stream()
            .mapToDouble(Double::doubleValue).sorted().toArray();
        double expected = w.length % 2 == 1 ? w[w.length / 2]
            : 0.5 * (w[w.length / 2 - 1] + w[w.length / 2]);
        assertEquals(expected, rm.median(), "n " + n + " after " + (i + 1));
      }
    }
  }

  @Test
  void jsonLinesShapeAndEscaping() {
    StringBuilder out = new StringBuilder();
    TrainingMonitor m = TrainingMonitor.builder(List.of("0.weight", "we\"ird\\na\nme\u0001"))
        .jsonLines(out).warmup(1).firstStep(41).build();
    m.updateNorms(0, 0.5, 250);
    m.step(0.25, 1.5, 1);
    m.updateNorms(1, 1, 0);
    m.nonFinite(Source.PARAMETER, 1, 7, Float.NaN);
    m.step(Double.POSITIVE_INFINITY, Double.NaN, 0.5);
    m.step(1.0, 30.0, 0.125);
    String[] lines = out.toString().split("\n", -1);
    assertEquals(4, lines.length, "three lines, each ending in a newline");
    assertEquals("", lines[3]);
    assertEquals("{\"step\":41,\"loss\":0.25,\"grad_norm\":1.5,\"clip\":1.0,\"skipped\":false,"
        + "\"events\":[],\"loss_median\":null,\"grad_norm_median\":null,"
        + "\"update_ratio\":{\"0.weight\":0.002},\"non_finite_count\":0,\"non_finite\":[]}",
        lines[0]);
    assertEquals("{\"step\":42,\"loss\":\"Infinity\",\"grad_norm\":\"NaN\",\"clip\":0.5,"
        + "\"skipped\":true,\"events\":[\"SKIPPED_STEP\"],\"loss_median\":0.25,"
        + "\"grad_norm_median\":1.5,\"update_ratio\":{\"we\\\"ird\\\\na\\nme\\u0001\":"
        + "\"Infinity\"},\"non_finite_count\":1,\"non_finite\":[{\"source\":\"parameter\","
        + "\"tensor\":\"we\\\"ird\\\\na\\nme\\u0001\",\"index\":7,\"value\":\"NaN\"}]}",
        lines[1]);
    assertEquals("{\"step\":43,\"loss\":1.0,\"grad_norm\":30.0,\"clip\":0.125,\"skipped\":false,"
        + "\"events\":[\"LOSS_SPIKE\",\"GRADIENT_EXPLOSION\"],\"loss_median\":0.25,"
        + "\"grad_norm_median\":1.5,\"update_ratio\":{},\"non_finite_count\":0,"
        + "\"non_finite\":[]}", lines[2]);
    assertEquals(lines[2], m.lastLine().toString());
    for (int i = 0; i < 3; i++) {
      Object parsed = Json.parse(lines[i]);
      assertTrue(parsed instanceof Map<?, ?> map && map.get("tensor") == null
          && map.size() == 11, "line " + i + " parses as a JSON object of 11 fields: " + parsed);
    }
    assertEquals("we\"ird\\na\nme\u0001", ((Map<?, ?>) ((Map<?, ?>) Json.parse(lines[1]))
        .get("update_ratio")).keySet().iterator().next(), "the name round-trips");
  }

  @Test
  void parameterLayoutMeasuresRatiosAndFindsNonFinite() {
    List<Parameter> ps = List.of(Parameter.matrix("0.weight", 0, 2, 3, Decay.APPLY),
        Parameter.vector("0.bias", 6, 2, Decay.EXEMPT));
    StringBuilder out = new StringBuilder();
    TrainingMonitor m = TrainingMonitor.builderFor(ps).jsonLines(out).maxReports(2).build();
    float[] before = {3, 0, 4, 0, 0, 0, 0, 0};
    float[] after = {3, 0, 4.5f, 0, 0, 0, 0.5f, 0};
    m.measureUpdates(before, 0, after, 0);
    assertEquals(0.1, m.updateRatio(0), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, m.updateRatio(1));
    // block at offset 1: weight = grads[1..6], bias = grads[7..8]; the third report is only counted
    float[] grads = {0, Float.NaN, 0, 0, 0, 0, Float.POSITIVE_INFINITY, Float.NaN, 9};
    assertEquals(3, m.scanNonFinite(Source.GRADIENT, grads, 1));
    m.step(1, 1, 1);
    String line = out.toString();
    assertTrue(line.contains("\"non_finite_count\":3,\"non_finite\":[{\"source\":\"gradient\","
        + "\"tensor\":\"0.weight\",\"index\":0,\"value\":\"NaN\"},{\"source\":\"gradient\","
        + "\"tensor\":\"0.weight\",\"index\":5,\"value\":\"Infinity\"}]}"), line);
    assertTrue(line.contains("\"update_ratio\":{\"0.weight\":0.1,\"0.bias\":\"Infinity\"}"),
        line);
    assertThrows(IllegalArgumentException.class,
        () -> m.measureUpdates(before, 1, after, 0), "before too short at offset 1");
    assertThrows(IllegalStateException.class, () -> TrainingMonitor.builder(List.of("a")).build()
        .scanNonFinite(Source.GRADIENT, grads, 0));
  }

  @Test
  void settingsAreValidated() {
    TrainingMonitor.Builder b = TrainingMonitor.builder(List.of("a"));
    assertThrows(IllegalArgumentException.class, () -> b.window(0));
    assertThrows(IllegalArgumentException.class, () -> b.spikeFactor(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.explosionThreshold(0));
    assertThrows(IllegalArgumentException.class, () -> b.vanishing(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> b.vanishing(1e-8, 0));
    TrainingMonitor m = b.build();
    assertThrows(IllegalArgumentException.class, () -> m.updateNorms(0, -1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> m.updateNorms(1, 1, 1));
  }
}
