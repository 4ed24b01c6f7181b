package gradkernel.train;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceLayer;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.init.Init;
import gradkernel.loss.CrossEntropyLoss;
import gradkernel.loss.MseLoss;
import gradkernel.loss.Reduction;
import gradkernel.optim.Adam;
import gradkernel.optim.AdamW;
import gradkernel.optim.MonitorEvent;
import gradkernel.optim.Optimizer;
import gradkernel.optim.ParameterSet;
import gradkernel.optim.RmsProp;
import gradkernel.optim.Sgd;
import gradkernel.optim.TrainingMonitor;
import gradkernel.tensor.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;

/**
 * The training loop of {@code bin/gradkernel train} and {@code experiment pascanu}, on the
 * library's own pieces: one recurrent layer ({@link Rnn} tanh, {@link Lstm} with forget bias 1, or
 * {@link Gru}; LAST_STEP, or ALL_STEPS for the per-step copy task) followed by a {@link Dense}
 * head applied to every output row, the {@link MseLoss} or {@link CrossEntropyLoss}, a
 * {@link ParameterSet} per chain, and the optimizer's fused step with the clip coefficient from the
 * global norm, which a {@link NormAccumulator} takes from both {@link GradientProfile}s' weight
 * gradient sums of squares (no extra pass). A {@link TrainingMonitor} raises the events.
 *
 * <p>One step: batch k of the task → recurrent chain forward [batch, T, m] → head forward
 * ([batch, n] or [batch·T, n] rows) → loss value and ∂L/∂logits → head backward → recurrent
 * backward (BPTT, filling the per-step profile ‖∂L/∂h_j‖) → global norm → one fused step per
 * parameter set with the same clip coefficient (both skip on a non-finite norm) → monitor.
 * After the first step nothing here allocates per step (buffers, tapes, profiles, report and
 * history are reused); TrainerAllocationTest measures 100 compiled steps under 4 KiB for the
 * adding and copy shapes (the Panama kernels still box for the temporal-order shapes).
 *
 * <p>Deterministic: the same config gives the same bits, for any {@code threads}.
 */
public final class Trainer {
  /** Receives what happens during {@link #run}; every method has an empty default. */
  public interface Listener {
    /** After every step, with a reusable report (valid during the call only). */
    default void step(StepReport report) {}

    /** For every monitor event, as it is raised. */
    default void event(MonitorEvent event) {}
  }

  /**
   * A step's numbers (one mutable object reused every step).
   */
  public static final class StepReport {
    int step;
    int total;
    double loss;
    double testLoss = Double.NaN;
    boolean evaluated;
    double gradNorm;
    float clip;
    boolean skipped;
    int events;
    long eventTotal;
    int clipped;
    double seconds;
    final double[] hiddenGrad;

    StepReport(int steps) {
      hiddenGrad = new double[steps];
    }

    /** Step index (0-based). */
    public int step() {
      return step;
    }

    /** Total steps of the run. */
    public int total() {
      return total;
    }

    /** Training loss of this batch (before the update). */
    public double loss() {
      return loss;
    }

    /** The latest held-out loss (NaN before the first evaluation). */
    public double testLoss() {
      return testLoss;
    }

    /** Whether the held-out loss was evaluated after this step. */
    public boolean evaluated() {
      return evaluated;
    }

    /** Global L2 norm of all parameter gradients before clipping. */
    public double gradNorm() {
      return gradNorm;
    }

    /** The clip coefficient applied (1: none; NaN when skipped). */
    public float clip() {
      return clip;
    }

    /** Whether the step was skipped (non-finite norm). */
    public boolean skipped() {
      return skipped;
    }

    /** This step's monitor events as a mask of {@link MonitorEvent.Type#bit()}. */
    public int events() {
      return events;
    }

    /** Events so far (all types). */
    public long eventTotal() {
      return eventTotal;
    }

    /** Steps clipped so far (coefficient &lt; 1). */
    public int clippedSteps() {
      return clipped;
    }

    /** Seconds since the run started. */
    public double seconds() {
      return seconds;
    }

    /** ‖∂L/∂h_j‖ (Frobenius over the batch) for j = 0 … T−1, this step (live array). */
    public double[] hiddenGradientNorms() {
      return hiddenGrad;
    }
  }

  private static final MonitorEvent.Type[] TYPES = MonitorEvent.Type.values();
  private final TrainConfig cfg;
  private final Task task;
  private final int n;
  private final int out;
  private final int rowsPerExample;
  private final ParameterSet seqParams;
  private final ParameterSet headParams;
  private final Chain seq;
  private final Chain head;
  private final Optimizer<?> seqOpt;
  private final Optimizer<?> headOpt;
  private final MseLoss mse = MseLoss.of(Reduction.MEAN);
  private final CrossEntropyLoss ce = CrossEntropyLoss.of(Reduction.MEAN)
      .withIgnoreIndex(Task.IGNORE);
  private final int testSize;
  private final History history;

  /** A trainer for {@code config}: builds the task, the model and the optimizers. */
  public Trainer(TrainConfig config) {
    this.cfg = Objects.requireNonNull(config, "config");
    task = Task.of(cfg.task(), cfg.steps(), cfg.classes(), cfg.seed());
    n = cfg.hidden();
    out = task.outputSize();
    int m = task.inputSize();
    int t = cfg.steps();
    SequenceOutput mode = task.perStep() ? SequenceOutput.ALL_STEPS : SequenceOutput.LAST_STEP;
    long s = cfg.seed();
    SequenceLayer layer = switch (cfg.cell()) {
      case "rnn" -> Rnn.create(m, n, t, mode, s * 31 + 1);
      case "lstm" -> Lstm.create(m, n, t, mode, s * 31 + 1).setForgetBias(1f);
      default -> Gru.create(m, n, t, mode, s * 31 + 1);
    };
    initRecurrent(layer.weightHh(), cfg.init(), cfg.gain(), s * 31 + 2);
    rowsPerExample = task.perStep() ? t : 1;
    Matrix w = Matrix.zeros(out, n);
    Init.xavierUniform(w, 1.0, s * 31 + 3);
    Dense dense = new Dense(w, gradkernel.tensor.Vec.of(new float[out]), Activations.IDENTITY);
    seqParams = ParameterSet.of(Chain.of(layer));
    headParams = ParameterSet.of(Chain.of(dense));
    seq = seqParams.chain();
    head = headParams.chain();
    seqOpt = optimizer(seqParams);
    headOpt = optimizer(headParams);
    testSize = (cfg.testSize() + cfg.batch() - 1) / cfg.batch() * cfg.batch();
    history = new History(cfg.iterations(), t);
  }

  private Optimizer<?> optimizer(ParameterSet p) {
    double lr = cfg.lr();
    return switch (cfg.optimizer()) {
      case "sgd" -> new Sgd(p, lr);
      case "momentum" -> new Sgd(p, lr).momentum(0.9);
      case "rmsprop" -> new RmsProp(p, lr);
      case "adam" -> new Adam(p, lr);
      default -> new AdamW(p, lr);
    };
  }

  /** Re-initializes W_hh [G·n, n] by name, then multiplies it by gain. */
  static void initRecurrent(Matrix whh, String init, double gain, long seed) {
    switch (init) {
      case "default" -> {
        if (gain != 1) {
          for (int i = 0; i < whh.rows(); i++) {
            for (int j = 0; j < whh.cols(); j++) {
              whh.set(i, j, (float) (whh.get(i, j) * gain));
            }
          }
        }
      }
      case "xavier" -> Init.xavierUniform(whh, gain, seed);
      case "orthogonal" -> Init.orthogonal(whh, gain, seed);
      case "he" -> Init.heNormal(whh, gain * Math.sqrt(2), Init.Mode.FAN_IN, seed);
      case "lecun" -> Init.heNormal(whh, gain, Init.Mode.FAN_IN, seed);
      default -> throw new IllegalArgumentException("init: unknown initializer '" + init + "'");
    }
  }

  /** The configuration. */
  public TrainConfig config() {
    return cfg;
  }

  /** The task (its data generator). */
  public Task task() {
    return task;
  }

  /** Held-out examples used (testSize rounded up to a multiple of batch). */
  public int testSize() {
    return testSize;
  }

  /** The recorded curves of the last {@link #run} (for plots). */
  public History history() {
    return history;
  }

  /** Runs the training with no listener. */
  public TrainResult run() {
    return run(new Listener() {});
  }

  /** Runs {@code config().iterations()} steps reporting to {@code listener}; returns the result. */
  public TrainResult run(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    int b = cfg.batch();
    int t = cfg.steps();
    int m = task.inputSize();
    int total = cfg.iterations();
    int rows = b * rowsPerExample;
    float[] x = new float[b * t * m];
    float[] y = new float[b];
    int[] labels = new int[rows];
    float[] dOut = new float[rows * out];
    Tape seqTape = seq.newTape();
    Tape headTape = head.newTape();
    GradientProfile seqProf = new GradientProfile(seq);
    GradientProfile headProf = new GradientProfile(head);
    NormAccumulator acc = NormAccumulator.l2();
    List<MonitorEvent> events = new ArrayList<>();
    StepReport rep = new StepReport(t);
    TrainingMonitor monitor = TrainingMonitor.builder(List.of())
        .listener(e -> {
          if (events.size() < TrainResult.MAX_EVENTS) {
            events.add(e);
          }
          listener.event(e);
        })
        .build();
    ForkJoinPool pool = cfg.threads() > 1 ? new ForkJoinPool(cfg.threads()) : null;
    int evalEvery = cfg.evalEvery() > 0 ? cfg.evalEvery() : Math.max(1, total / 20);
    int slot0 = seq.firstSlot(0) + ((SequenceLayer) seq.layer(0)).capacity() - t;
    long start = System.nanoTime();
    double maxNorm = 0;
    int clipped = 0;
    double[] eval = new double[2];
    try {
      for (int k = 0; k < total; k++) {
        task.trainBatch(k, b, x, task.classification() ? null : y,
            task.classification() ? labels : null);
        double loss = forward(seqTape, headTape, x, b, y, labels, dOut);
        Matrix dh = head.backward(headTape, dOut, 0, headParams.grads(), headProf);
        seq.backward(seqTape, dh.data(), dh.offset(), seqParams.grads(), seqProf);
        acc.reset().addSumOfSquares(seqProf.weightGradientSumOfSquares())
            .addSumOfSquares(headProf.weightGradientSumOfSquares());
        double norm = acc.norm();
        float clip = !Double.isFinite(norm) ? Float.NaN
            : cfg.clips() ? Optimizer.clipCoefficient(norm, cfg.clipNorm()) : 1f;
        boolean applied = step(seqOpt, pool, clip);
        applied &= step(headOpt, pool, clip);
        if (Double.isFinite(norm)) {
          maxNorm = Math.max(maxNorm, norm);
        }
        if (applied && clip < 1f) {
          clipped++;
        }
        int ev = monitor.step(loss, norm, applied ? clip : Double.NaN, !applied);
        for (int j = 0; j < t; j++) {
          rep.hiddenGrad[j] = seqProf.gradientNorm(slot0 + j);
        }
        boolean evaluate = (k + 1) % evalEvery == 0 || k == total - 1;
        if (evaluate) {
          evaluate(seqTape, headTape, x, y, labels, eval);
          history.test(k, eval[0]);
        }
        history.record(k, loss, norm, rep.hiddenGrad);
        rep.step = k;
        rep.total = total;
        rep.loss = loss;
        rep.evaluated = evaluate;
        if (evaluate) {
          rep.testLoss = eval[0];
        }
        rep.gradNorm = norm;
        rep.clip = applied ? clip : Float.NaN;
        rep.skipped = !applied;
        rep.events = ev;
        rep.eventTotal = totalEvents(monitor);
        rep.clipped = clipped;
        rep.seconds = (System.nanoTime() - start) / 1e9;
        listener.step(rep);
      }
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double trivial = trivialLoss(x, y, labels);
    double accuracy = task.classification() ? eval[1] : Double.NaN;
    boolean solved = task.classification() ? accuracy >= 0.99 : eval[0] < 0.01;
    List<Long> counts = new java.util.ArrayList<>();
    for (MonitorEvent.Type ty : MonitorEvent.Type.values()) {
      counts.add(monitor.count(ty));
    }
    return new TrainResult(cfg,
        new TrainResult.Evaluation(history.recentLoss(), eval[0], trivial, accuracy, solved),
        new TrainResult.StepStats(maxNorm, clipped, seqOpt.skipped(), counts, events), seconds,
        total / seconds);
  }

  private static boolean step(Optimizer<?> opt, ForkJoinPool pool, float clip) {
    return pool == null ? opt.step(clip) : opt.stepParallel(pool, clip);
  }

  private static long totalEvents(TrainingMonitor monitor) {
    long s = 0;
    for (MonitorEvent.Type ty : TYPES) {
      s += monitor.count(ty);
    }
    return s;
  }

  /** Forward and loss of the batch in x/y/labels; writes ∂L/∂logits into dOut (null: none). */
  private double forward(Tape seqTape, Tape headTape, float[] x, int b, float[] y, int[] labels,
      float[] dOut) {
    Matrix h = seq.forward(seqTape, x, 0, b, cfg.steps());
    int rows = b * rowsPerExample;
    Matrix logits = head.forward(headTape, h.data(), h.offset(), rows);
    if (task.classification()) {
      return ce.apply(logits.data(), logits.offset(), rows, out, labels, 0, dOut, 0);
    }
    return mse.apply(logits.data(), logits.offset(), y, 0, rows, 1, dOut, 0);
  }

  /**
   * Held-out loss (eval[0]: MSE or mean cross-entropy over targets) and accuracy (eval[1], argmax
   * over the targeted rows; NaN for regression), in chunks of one training batch.
   */
  private void evaluate(Tape seqTape, Tape headTape, float[] x, float[] y, int[] labels,
      double[] eval) {
    int b = cfg.batch();
    double lossSum = 0;
    long targets = 0;
    long correct = 0;
    for (int first = 0; first < testSize; first += b) {
      task.testBatch(first, b, x, task.classification() ? null : y,
          task.classification() ? labels : null);
      Matrix h = seq.forward(seqTape, x, 0, b, cfg.steps());
      int rows = b * rowsPerExample;
      Matrix logits = head.forward(headTape, h.data(), h.offset(), rows);
      if (task.classification()) {
        int counted = 0;
        for (int r = 0; r < rows; r++) {
          if (labels[r] == Task.IGNORE) {
            continue;
          }
          counted++;
          int off = logits.offset() + r * logits.ld();
          int best = 0;
          for (int c = 1; c < out; c++) {
            if (logits.data()[off + c] > logits.data()[off + best]) {
              best = c;
            }
          }
          if (best == labels[r]) {
            correct++;
          }
        }
        lossSum += ce.apply(logits.data(), logits.offset(), rows, out, labels, 0, null, 0)
            * counted;
        targets += counted;
      } else {
        lossSum += mse.apply(logits.data(), logits.offset(), y, 0, rows, 1, null, 0) * rows;
        targets += rows;
      }
    }
    eval[0] = lossSum / targets;
    eval[1] = task.classification() ? (double) correct / targets : Double.NaN;
  }

  /**
   * The held-out loss of the best constant predictor: the variance of the targets (regression,
   * predicting their mean) or the entropy of the label frequencies (classification).
   */
  private double trivialLoss(float[] x, float[] y, int[] labels) {
    int b = cfg.batch();
    double sum = 0;
    double sumSq = 0;
    long[] freq = new long[out];
    long count = 0;
    for (int first = 0; first < testSize; first += b) {
      task.testBatch(first, b, x, task.classification() ? null : y,
          task.classification() ? labels : null);
      if (task.classification()) {
        for (int r = 0; r < b * rowsPerExample; r++) {
          if (labels[r] != Task.IGNORE) {
            freq[labels[r]]++;
            count++;
          }
        }
      } else {
        for (int r = 0; r < b; r++) {
          sum += y[r];
          sumSq += (double) y[r] * y[r];
          count++;
        }
      }
    }
    if (!task.classification()) {
      double mean = sum / count;
      return Math.max(0, sumSq / count - mean * mean);
    }
    double h = 0;
    for (long f : freq) {
      if (f > 0) {
        double p = (double) f / count;
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  /**
   * Per-step curves of a run: training loss and global gradient norm per step, held-out loss at
   * each evaluation, and log10‖∂L/∂h_j‖ (j = 0 … T−1) sampled at up to {@link #COLUMNS} steps.
   */
  public static final class History {
    /** Most heat-map columns kept. */
    public static final int COLUMNS = 200;
    private final double[] loss;
    private final double[] norm;
    private final int[] testStep;
    private final float[] testLoss;
    private int tests;
    private final int every;
    private final float[][] heat;
    private int recorded;

    History(int steps, int t) {
      loss = new double[steps];
      norm = new double[steps];
      testStep = new int[steps];
      testLoss = new float[steps];
      every = Math.max(1, (steps + COLUMNS - 1) / COLUMNS);
      heat = new float[(steps + every - 1) / every][t];
    }

    void record(int k, double l, double g, double[] dh) {
      loss[k] = l;
      norm[k] = g;
      recorded = k + 1;
      if (k % every == 0) {
        float[] col = heat[k / every];
        for (int j = 0; j < dh.length; j++) {
          col[j] = (float) Math.log10(dh[j]);
        }
      }
    }

    void test(int k, double l) {
      testStep[tests] = k;
      testLoss[tests++] = (float) l;
    }

    /** Steps recorded. */
    public int steps() {
      return recorded;
    }

    /** Training loss of step k. */
    public double loss(int k) {
      return loss[Objects.checkIndex(k, recorded)];
    }

    /** Global gradient norm (before clipping) of step k. */
    public double gradNorm(int k) {
      return norm[Objects.checkIndex(k, recorded)];
    }

    /** Number of held-out evaluations. */
    public int tests() {
      return tests;
    }

    /** Step of evaluation i. */
    public int testStep(int i) {
      return testStep[Objects.checkIndex(i, tests)];
    }

    /** Held-out loss of evaluation i. */
    public float testLoss(int i) {
      return testLoss[Objects.checkIndex(i, tests)];
    }

    /** Training steps between heat-map columns. */
    public int heatEvery() {
      return every;
    }

    /** Heat-map rows: the time steps T. */
    public int heatRows() {
      return heat.length == 0 ? 0 : heat[0].length;
    }

    /** Heat-map columns filled. */
    public int heatColumns() {
      return recorded == 0 ? 0 : (recorded - 1) / every + 1;
    }

    /** log10‖∂L/∂h_j‖ at column c (training step c·heatEvery()), j = 0 … T−1 (−∞ for 0). */
    public float heat(int c, int j) {
      return heat[Objects.checkIndex(c, heatColumns())][j];
    }

    /** Mean of the finite training losses over the last max(1, min(50, steps/5)) steps. */
    double recentLoss() {
      int w = Math.max(1, Math.min(50, recorded / 5));
      double s = 0;
      int c = 0;
      for (int k = recorded - w; k < recorded; k++) {
        if (Double.isFinite(loss[k])) {
          s += loss[k];
          c++;
        }
      }
      return c == 0 ? Double.NaN : s / c;
    }
  }
}
