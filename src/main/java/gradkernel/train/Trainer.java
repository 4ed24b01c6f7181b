package gradkernel.train;

import gradkernel.activation.Activations;
import gradkernel.chain.BatchBlocks;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceLayer;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.init.Init;
import gradkernel.kernel.Workers;
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
import gradkernel.optim.Snapshot;
import gradkernel.optim.TrainingMonitor;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The training loop of {@code bin/gradkernel train} and {@code experiment pascanu}, on the
 * library's own pieces: one recurrent layer ({@link Rnn} tanh, {@link Lstm} with forget bias 1, or
 * {@link Gru}; LAST_STEP, or ALL_STEPS for the per-step copy task) followed by a {@link Dense}
 * head applied to every output row, the {@link MseLoss} or {@link CrossEntropyLoss}, a
 * {@link ParameterSet} per chain, and the optimizer's fused step with the clip coefficient from the
 * global norm, which a {@link NormAccumulator} takes over the summed gradients tensor by tensor
 * (one read pass). A {@link TrainingMonitor} raises the events.
 *
 * <p>One step: batch k of the task, cut into the fixed {@link BatchBlocks} (blocks of
 * max(16, ⌈batch/8⌉) examples) → per block, on {@code threads} threads: recurrent chain forward
 * [block, T, m] → head forward ([block, n] or [block·T, n] rows) → summed loss and ∂L/∂logits
 * scaled by 1/N (N the batch's targets, so the blocks add up to the batch mean) → head backward →
 * recurrent backward (BPTT, filling the block's profile ‖∂L/∂h_j‖) into the block's own
 * gradient buffers → the block gradients summed in block order ({@link BatchBlocks#sum}) → global
 * norm of the sum → one fused step per parameter set with the same clip coefficient (both skip on
 * a non-finite norm; sequential) → monitor. The held-out evaluation runs its blocks in parallel
 * the same way. After the first step nothing here allocates per step (buffers, tapes, profiles
 * per block, report, history and the worker threads are reused); TrainerAllocationTest measures
 * 100 compiled steps under 4 KiB for the adding and copy shapes, on one and two threads (the
 * Panama kernels still box for the temporal-order shapes).
 *
 * <p>Deterministic: the same config gives the same bits — losses, norms, events, weights — for
 * any {@code threads}, because the partition into blocks depends on the batch size only, each
 * block's gradient is computed by one thread in a fixed order, and the blocks are combined in
 * block order. Threads beyond the number of blocks (batch ≤ 16: one block) are not used.
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
  // summed per block; the mean over the whole batch is taken by scaling with 1/N (see Work)
  private final MseLoss mseSum = MseLoss.of(Reduction.SUM);
  private final CrossEntropyLoss ceSum = CrossEntropyLoss.of(Reduction.SUM)
      .withIgnoreIndex(Task.IGNORE);
  private final BatchBlocks blocks;
  private final Vec[] seqGrads; // one view per tensor, made once: the step loop allocates nothing
  private final Vec[] headGrads;
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
    blocks = BatchBlocks.of(cfg.batch());
    seqGrads = seqParams.gradientViews();
    headGrads = headParams.gradientViews();
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

  /** The recurrent layer's parameters (values, gradients, optimizer state). */
  ParameterSet recurrentParameters() {
    return seqParams;
  }

  /** The dense head's parameters. */
  ParameterSet headParameters() {
    return headParams;
  }

  /** The fixed partition of a training batch into blocks. */
  BatchBlocks blocks() {
    return blocks;
  }

  /** The recorded curves of the last {@link #run} (for plots). */
  public History history() {
    return history;
  }

  /**
   * The model as one snapshot, named as if the recurrent layer and the readout were one
   * {@code Chain}: the sequence layer's tensors under {@code 0.*} ({@code 0.weight_ih},
   * {@code 0.weight_hh}, …), the readout's under {@code 1.*} ({@code 1.weight [out, hidden]},
   * {@code 1.bias}), each optimizer state buffer under {@code optim.<slot>.<name>}; metadata: the
   * optimizer's kind and counters, and the run's task, cell, hidden and T. Copies (safe to keep).
   */
  public Snapshot snapshot() {
    Snapshot a = seqOpt.snapshot();
    Snapshot b = headOpt.snapshot();
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, List<Integer>> s = new LinkedHashMap<>();
    List<String> slots = new ArrayList<>(seqParams.stateSlots());
    slots.add(0, null); // null: the values
    for (String slot : slots) {
      for (gradkernel.chain.Parameter p : seqParams.tensors()) {
        String k = slot == null ? p.name() : Snapshot.stateKey(slot, p.name());
        t.put(k, a.tensors().get(k));
        s.put(k, p.shape());
      }
      for (gradkernel.chain.Parameter p : headParams.tensors()) {
        String k = slot == null ? p.name() : Snapshot.stateKey(slot, p.name());
        String renamed = "1" + p.name().substring(1); // the readout is layer 1: "0.weight" → "1.weight"
        String key = slot == null ? renamed : Snapshot.stateKey(slot, renamed);
        t.put(key, b.tensors().get(k));
        s.put(key, p.shape());
      }
    }
    Map<String, String> m = new LinkedHashMap<>(a.metadata());
    m.put("task", cfg.task());
    m.put("cell", cfg.cell());
    m.put("hidden", Integer.toString(cfg.hidden()));
    m.put("T", Integer.toString(cfg.steps()));
    return new Snapshot(t, s, m);
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
    int total = cfg.iterations();
    Work work = new Work();
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
    int evalEvery = cfg.evalEvery() > 0 ? cfg.evalEvery() : Math.max(1, total / 20);
    int slot0 = seq.firstSlot(0) + ((SequenceLayer) seq.layer(0)).capacity() - t;
    long start = System.nanoTime();
    double maxNorm = 0;
    int clipped = 0;
    double[] eval = new double[2];
    int threads = cfg.parallelism().threads();
    for (int k = 0; k < total; k++) {
      task.trainBatch(k, b, work.x, task.classification() ? null : work.y,
          task.classification() ? work.labels : null);
      double loss = work.trainStep(threads);
      double norm = globalNorm(acc);
      float clip = !Double.isFinite(norm) ? Float.NaN
          : cfg.clips() ? Optimizer.clipCoefficient(norm, cfg.clipNorm()) : 1f;
      boolean applied = seqOpt.step(clip);
      applied &= headOpt.step(clip);
      if (Double.isFinite(norm)) {
        maxNorm = Math.max(maxNorm, norm);
      }
      if (applied && clip < 1f) {
        clipped++;
      }
      int ev = monitor.step(loss, norm, applied ? clip : Double.NaN, !applied);
      work.hiddenGradientNorms(slot0, rep.hiddenGrad);
      boolean evaluate = (k + 1) % evalEvery == 0 || k == total - 1;
      if (evaluate) {
        work.evaluate(threads, eval);
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
    double seconds = (System.nanoTime() - start) / 1e9;
    double trivial = trivialLoss(work.x, work.y, work.labels);
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

  /** The global L2 norm of the summed gradients of both parameter sets, tensor by tensor. */
  private double globalNorm(NormAccumulator acc) {
    return acc.reset().addAll(seqGrads).addAll(headGrads).norm();
  }

  private static long totalEvents(TrainingMonitor monitor) {
    long s = 0;
    for (MonitorEvent.Type ty : TYPES) {
      s += monitor.count(ty);
    }
    return s;
  }

  /**
   * The buffers of one run: the batch (x [batch, T, m], y [batch], labels [batch·rows]) and, per
   * block of {@link #blocks}, tapes, ∂L/∂logits, gradients (block 0 writes straight into the
   * parameter sets' buffers, which then receive the sum), a profile and the block's loss. Built
   * once per run; the jobs are fields so a step creates no lambda.
   */
  private final class Work {
    final float[] x;
    final float[] y;
    final int[] labels;
    final Tape[] seqTape;
    final Tape[] headTape;
    final float[] dOut;
    /** Per block: its rows of y (regression targets [rows, 1]; null when classifying), of dOut. */
    final Matrix[] yBlock;
    final Matrix[] dOutBlock;
    final Gradients[] seqGrads;
    final Gradients[] headGrads;
    final GradientProfile[] prof;
    final double[] loss;
    final long[] targets;
    final long[] correct;
    /** The factor 1/N of the mean loss over the whole batch (N its targets), as a float. */
    float scale;
    final IntConsumer trainJob = this::trainBlock;
    final IntConsumer evalJob = this::evalBlock;

    Work() {
      int b = cfg.batch();
      int c = blocks.count();
      x = new float[b * cfg.steps() * task.inputSize()];
      y = new float[b];
      labels = new int[b * rowsPerExample];
      dOut = new float[b * rowsPerExample * out];
      seqTape = new Tape[c];
      headTape = new Tape[c];
      seqGrads = new Gradients[c];
      headGrads = new Gradients[c];
      prof = new GradientProfile[c];
      yBlock = new Matrix[c];
      dOutBlock = new Matrix[c];
      loss = new double[c];
      targets = new long[c];
      correct = new long[c];
      for (int k = 0; k < c; k++) {
        seqTape[k] = seq.newTape();
        headTape[k] = head.newTape();
        seqGrads[k] = k == 0 ? seqParams.grads() : new Gradients(seq);
        headGrads[k] = k == 0 ? headParams.grads() : new Gradients(head);
        prof[k] = new GradientProfile(seq);
        int rows = blocks.size(k) * rowsPerExample;
        yBlock[k] = task.classification() ? null : new Matrix(y, blocks.start(k), rows, 1, 1);
        dOutBlock[k] = new Matrix(dOut, blocks.start(k) * rowsPerExample * out, rows, out, out);
      }
    }

    /**
     * Forward and backward of every block of the batch in x/y/labels on up to {@code threads} threads,
     * then the block gradients summed in block order into the parameter sets' buffers. Returns
     * the batch's mean loss (block sums added in block order).
     */
    double trainStep(int threads) {
      long n = targetCount();
      scale = (float) (n == 0 ? 1.0 : 1.0 / n);
      Workers.run(threads, blocks.count(), trainJob);
      BatchBlocks.sum(seqGrads, blocks.count(), seqParams.grads());
      BatchBlocks.sum(headGrads, blocks.count(), headParams.grads());
      double sum = 0;
      for (int k = 0; k < blocks.count(); k++) {
        sum += loss[k];
      }
      return n == 0 ? 0 : sum / n;
    }

    /** Targets of the batch: its rows (regression), or its non-ignored labels. */
    private long targetCount() {
      int rows = cfg.batch() * rowsPerExample;
      if (!task.classification()) {
        return rows;
      }
      long n = 0;
      for (int r = 0; r < rows; r++) {
        if (labels[r] != Task.IGNORE) {
          n++;
        }
      }
      return n;
    }

    /**
     * Block k: forward, the summed loss and its gradient scaled by 1/N (so each block
     * back-propagates its share of the batch mean, and the profile sees the mean's gradients),
     * head and recurrent backward into the block's own buffers.
     */
    private void trainBlock(int k) {
      int rows = blocks.size(k) * rowsPerExample;
      int d = blocks.start(k) * rowsPerExample * out;
      loss[k] = blockLoss(k, dOutBlock[k]);
      float s = scale;
      for (int i = d; i < d + rows * out; i++) {
        dOut[i] *= s;
      }
      Matrix dh = head.backward(headTape[k], dOut, d, headGrads[k], null);
      seq.backward(seqTape[k], dh.data(), dh.offset(), seqGrads[k], prof[k]);
    }

    /**
     * Forward of block k and its summed loss (Reduction.SUM); writes ∂(sum)/∂logits into grad
     * unless it is null. Classification also counts the block's targets and
     * correct argmax predictions into targets[k] and correct[k].
     */
    private double blockLoss(int k, Matrix grad) {
      int first = blocks.start(k);
      int size = blocks.size(k);
      int rows = size * rowsPerExample;
      Matrix h = seq.forward(seqTape[k], x, first * cfg.steps() * task.inputSize(), size,
          cfg.steps());
      Matrix logits = head.forward(headTape[k], h.data(), h.offset(), rows);
      if (!task.classification()) {
        targets[k] = rows;
        return mseSum.apply(logits, yBlock[k], grad);
      }
      int r0 = first * rowsPerExample;
      long counted = 0;
      long right = 0;
      for (int r = 0; r < rows; r++) {
        int label = labels[r0 + r];
        if (label == Task.IGNORE) {
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
        if (best == label) {
          right++;
        }
      }
      targets[k] = counted;
      correct[k] = right;
      return ceSum.apply(logits, labels, r0, grad);
    }

    private void evalBlock(int k) {
      loss[k] = blockLoss(k, null);
    }

    /** ‖∂L/∂h_j‖ over the whole batch: √(Σ_k ‖·‖_k²) over the blocks, in block order. */
    void hiddenGradientNorms(int slot0, double[] into) {
      for (int j = 0; j < into.length; j++) {
        if (blocks.count() == 1) {
          into[j] = prof[0].gradientNorm(slot0 + j);
          continue;
        }
        double ss = 0;
        for (int k = 0; k < blocks.count(); k++) {
          double v = prof[k].gradientNorm(slot0 + j);
          ss += v * v;
        }
        into[j] = Math.sqrt(ss);
      }
    }

    /**
     * Held-out loss (eval[0]: MSE or mean cross-entropy over targets) and accuracy (eval[1],
     * argmax over the targeted rows; NaN for regression), in chunks of one training batch, each
     * chunk's blocks on up to {@code threads} threads and added in block order.
     */
    void evaluate(int threads, double[] eval) {
      int b = cfg.batch();
      double lossSum = 0;
      long n = 0;
      long right = 0;
      for (int first = 0; first < testSize; first += b) {
        task.testBatch(first, b, x, task.classification() ? null : y,
            task.classification() ? labels : null);
        Workers.run(threads, blocks.count(), evalJob);
        for (int k = 0; k < blocks.count(); k++) {
          lossSum += loss[k];
          n += targets[k];
          right += correct[k];
        }
      }
      eval[0] = lossSum / n;
      eval[1] = task.classification() ? (double) right / n : Double.NaN;
    }
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
