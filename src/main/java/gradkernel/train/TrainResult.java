package gradkernel.train;

import gradkernel.optim.MonitorEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one {@link Trainer#run}: its settings, the held-out evaluation, what the
 * optimizer steps saw, and the time taken. The flat accessors ({@link #testLoss()}, ...) read the
 * parts.
 *
 * @param config         the run's settings
 * @param evaluation     training, held-out and trivial losses, accuracy, solved
 * @param stepStats      gradient norms, clipped and skipped steps, monitor events
 * @param seconds        wall time of the training loop
 * @param stepsPerSecond training steps per second (including held-out evaluations)
 */
public record TrainResult(TrainConfig config, Evaluation evaluation, StepStats stepStats,
    double seconds, double stepsPerSecond) {

  /**
   * The losses at the end of a run.
   *
   * @param trainLoss    mean training loss over the last max(1, min(50, steps/5)) steps
   * @param testLoss     held-out loss at the end (MSE, or mean cross-entropy per target)
   * @param trivialLoss  held-out loss of the best constant predictor (target variance, or the
   *                     entropy of the label frequencies)
   * @param testAccuracy held-out accuracy (classification; NaN for regression)
   * @param solved       held-out MSE &lt; 0.01 (regression) or accuracy ≥ 0.99 (classification)
   */
  public record Evaluation(double trainLoss, double testLoss, double trivialLoss,
      double testAccuracy, boolean solved) {}

  /**
   * What the optimizer steps of a run saw.
   *
   * @param maxGradNorm  largest finite global gradient norm (before clipping)
   * @param clippedSteps steps whose clip coefficient was &lt; 1
   * @param skippedSteps steps skipped on a non-finite norm
   * @param eventCounts  monitor events per {@link MonitorEvent.Type} ordinal (copied)
   * @param events       the first {@link TrainResult#MAX_EVENTS} events
   */
  public record StepStats(double maxGradNorm, int clippedSteps, int skippedSteps,
      List<Long> eventCounts, List<MonitorEvent> events) {
    /** Freezes the lists. */
    public StepStats {
      eventCounts = List.copyOf(eventCounts);
      events = List.copyOf(events);
    }
  }

  /** Validates the parts. */
  public TrainResult {
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(evaluation, "evaluation");
    java.util.Objects.requireNonNull(stepStats, "stepStats");
  }

  // Flat accessors delegating to the parts, so readers of the former flat record are unchanged.

  /** {@link Evaluation#trainLoss()}. */
  public double trainLoss() {
    return evaluation.trainLoss();
  }

  /** {@link Evaluation#testLoss()}. */
  public double testLoss() {
    return evaluation.testLoss();
  }

  /** {@link Evaluation#trivialLoss()}. */
  public double trivialLoss() {
    return evaluation.trivialLoss();
  }

  /** {@link Evaluation#testAccuracy()}. */
  public double testAccuracy() {
    return evaluation.testAccuracy();
  }

  /** {@link Evaluation#solved()}. */
  public boolean solved() {
    return evaluation.solved();
  }

  /** {@link StepStats#maxGradNorm()}. */
  public double maxGradNorm() {
    return stepStats.maxGradNorm();
  }

  /** {@link StepStats#clippedSteps()}. */
  public int clippedSteps() {
    return stepStats.clippedSteps();
  }

  /** {@link StepStats#skippedSteps()}. */
  public int skippedSteps() {
    return stepStats.skippedSteps();
  }

  /** {@link StepStats#events()}. */
  public List<MonitorEvent> events() {
    return stepStats.events();
  }

  /** Most events kept in {@link #events}. */
  public static final int MAX_EVENTS = 100;

  /** Number of events of one type. */
  public long count(MonitorEvent.Type type) {
    return stepStats.eventCounts().get(type.ordinal());
  }

  /** Events of every type. */
  public long eventTotal() {
    long s = 0;
    for (long c : stepStats.eventCounts()) {
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
    m.put("trainLoss", trainLoss());
    m.put("testLoss", testLoss());
    m.put("trivialLoss", trivialLoss());
    m.put("testAccuracy", Double.isNaN(testAccuracy()) ? null : testAccuracy());
    m.put("solved", solved());
    m.put("maxGradNorm", maxGradNorm());
    m.put("clippedSteps", clippedSteps());
    m.put("skippedSteps", skippedSteps());
    Map<String, Object> counts = new LinkedHashMap<>();
    for (MonitorEvent.Type t : MonitorEvent.Type.values()) {
      counts.put(t.name(), count(t));
    }
    m.put("eventCounts", counts);
    m.put("events", events().stream().map(TrainResult::eventMap).toList());
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
