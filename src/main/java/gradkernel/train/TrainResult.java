package gradkernel.train;

import gradkernel.optim.MonitorEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one {@link Trainer#run}.
 *
 * @param config         the run's settings
 * @param trainLoss      mean training loss over the last max(1, min(50, steps/5)) steps
 * @param testLoss       held-out loss at the end (MSE, or mean cross-entropy per target)
 * @param trivialLoss    held-out loss of the best constant predictor (target variance, or the
 *                       entropy of the label frequencies)
 * @param testAccuracy   held-out accuracy (classification; NaN for regression)
 * @param solved         held-out MSE &lt; 0.01 (regression) or accuracy ≥ 0.99 (classification)
 * @param maxGradNorm    largest finite global gradient norm (before clipping)
 * @param clippedSteps   steps whose clip coefficient was &lt; 1
 * @param skippedSteps   steps skipped on a non-finite norm
 * @param eventCounts    monitor events per {@link MonitorEvent.Type} ordinal
 * @param events         the first {@link #MAX_EVENTS} events
 * @param seconds        wall time of the training loop
 * @param stepsPerSecond training steps per second (including held-out evaluations)
 */
public record TrainResult(TrainConfig config, double trainLoss, double testLoss,
    double trivialLoss, double testAccuracy, boolean solved, double maxGradNorm, int clippedSteps,
    int skippedSteps, long[] eventCounts, List<MonitorEvent> events, double seconds,
    double stepsPerSecond) {

  /** Most events kept in {@link #events}. */
  public static final int MAX_EVENTS = 100;

  /** Number of events of one type. */
  public long count(MonitorEvent.Type type) {
    return eventCounts[type.ordinal()];
  }

  /** Events of every type. */
  public long eventTotal() {
    long s = 0;
    for (long c : eventCounts) {
      s += c;
    }
    return s;
  }

  /**
   * The result as a JSON-ready map (key order fixed): task, cell, T, hidden, batch, steps,
   * optimizer, lr, clipNorm (null: none), seed, trainLoss, testLoss, trivialLoss, testAccuracy
   * (null for regression), solved, maxGradNorm, clippedSteps, skippedSteps, eventCounts,
   * events (list of {step, type, value, reference, detail}), seconds, stepsPerSecond.
   */
  public Map<String, Object> toMap() {
    TrainConfig c = config;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", c.task());
    if (c.task().equals("temporal-order")) {
      m.put("classes", c.classes());
    }
    m.put("cell", c.cell());
    m.put("T", c.steps());
    m.put("hidden", c.hidden());
    m.put("batch", c.batch());
    m.put("steps", c.iterations());
    m.put("optimizer", c.optimizer());
    m.put("lr", c.lr());
    m.put("clipNorm", c.clips() ? c.clipNorm() : null);
    m.put("init", c.init());
    m.put("gain", c.gain());
    m.put("seed", c.seed());
    m.put("trainLoss", trainLoss);
    m.put("testLoss", testLoss);
    m.put("trivialLoss", trivialLoss);
    m.put("testAccuracy", Double.isNaN(testAccuracy) ? null : testAccuracy);
    m.put("solved", solved);
    m.put("maxGradNorm", maxGradNorm);
    m.put("clippedSteps", clippedSteps);
    m.put("skippedSteps", skippedSteps);
    Map<String, Object> counts = new LinkedHashMap<>();
    for (MonitorEvent.Type t : MonitorEvent.Type.values()) {
      counts.put(t.name(), eventCounts[t.ordinal()]);
    }
    m.put("eventCounts", counts);
    m.put("events", events.stream().map(TrainResult::eventMap).toList());
    m.put("seconds", seconds);
    m.put("stepsPerSecond", stepsPerSecond);
    return m;
  }

  /** One event as a JSON-ready map: step, type, value, reference, detail. */
  static Map<String, Object> eventMap(MonitorEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", e.step());
    m.put("type", e.type().name());
    m.put("value", e.value());
    m.put("reference", e.reference());
    m.put("detail", e.detail());
    return m;
  }
}
