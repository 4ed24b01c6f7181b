package gradkernel.bench;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.init.Init;
import gradkernel.loss.MseLoss;
import gradkernel.loss.Reduction;
import gradkernel.optim.AdamW;
import gradkernel.optim.ParameterSet;
import gradkernel.optim.TrainingMonitor;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.io.Writer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14's "training monitor cheap enough to leave on (≤ 3 % of a step)": one training step of
 * an MLP (input {@code width}, three tanh Dense layers of {@code width}, an identity Dense head of
 * 16; batch 32; MSE; backward with the GradientProfile; the global norm from the profile through
 * a NormAccumulator; AdamW's fused clip (1.0) + decay + update step), one thread, with and without
 * the {@link TrainingMonitor}, in the same run:
 * <ul>
 *   <li>{@code step}: no monitor (the baseline).</li>
 *   <li>{@code stepEvents}: + {@code monitor.step(loss, norm, clip, skipped)} — the four event
 *       rules over the running medians; what {@code gradkernel.train.Trainer} runs every step.</li>
 *   <li>{@code stepRatios}: + per-tensor update-to-weight ratios ({@code measureUpdates}, which
 *       needs the weights before the step: one copy of the parameter block) and the JSON line
 *       (formatted and written to a {@code Writer.nullWriter()}: formatting counted, no I/O).</li>
 *   <li>{@code stepFull}: {@code stepRatios} + {@code scanNonFinite} of every gradient.</li>
 * </ul>
 * The monitor's own cost is O(1) (events) or O(parameters) (ratios, scan), the step's is
 * O(batch · parameters): the small width is the hard case. A few per cent is below the noise of
 * a difference of two step timings on a shared machine, so the monitor's work is also timed
 * alone ({@code eventsAlone}, {@code ratiosAlone}, {@code fullAlone}: the same calls on the same
 * parameter block, with a loss and norm that vary like a run's) and read as a fraction of
 * {@code step}. µs per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class MonitorBench {
  /** Examples per step. */
  public static final int BATCH = 32;
  /** Output width (the head). */
  public static final int OUT = 16;
  private static final double MAX_NORM = 1.0;

  /** Width of the input and of the three hidden layers. */
  @Param({"64", "512"})
  public int width;

  private ParameterSet params;
  private Chain net;
  private AdamW opt;
  private Tape tape;
  private GradientProfile profile;
  private final NormAccumulator acc = NormAccumulator.l2();
  private final MseLoss mse = MseLoss.of(Reduction.MEAN);
  private float[] x;
  private float[] y;
  private float[] dOut;
  private Matrix yView;
  private Matrix dOutView;
  private float[] before;
  private TrainingMonitor events;
  private TrainingMonitor ratios;
  private TrainingMonitor full;
  private TrainingMonitor eventsOnly;
  private TrainingMonitor ratiosOnly;
  private TrainingMonitor fullOnly;
  private float[] after;
  private long calls;

  @Setup(Level.Trial)
  public void setup() {
    int w = width;
    Chain model = Chain.of(dense(w, w, Activations.TANH, 1), dense(w, w, Activations.TANH, 2),
        dense(w, w, Activations.TANH, 3), dense(OUT, w, Activations.IDENTITY, 4));
    params = ParameterSet.of(model);
    net = params.chain();
    opt = new AdamW(params, 1e-4).weightDecay(0.01);
    tape = net.newTape();
    profile = new GradientProfile(net);
    x = Data.uniform(BATCH * w, 1, 5);
    y = Data.uniform(BATCH * OUT, 1, 6);
    dOut = new float[BATCH * OUT];
    yView = Matrix.of(y, BATCH, OUT);
    dOutView = Matrix.of(dOut, BATCH, OUT);
    before = new float[params.size()];
    events = TrainingMonitor.builderFor(params.tensors()).build();
    ratios = TrainingMonitor.builderFor(params.tensors()).jsonLines(Writer.nullWriter()).build();
    full = TrainingMonitor.builderFor(params.tensors()).jsonLines(Writer.nullWriter()).build();
    eventsOnly = TrainingMonitor.builderFor(params.tensors()).build();
    ratiosOnly = TrainingMonitor.builderFor(params.tensors()).jsonLines(Writer.nullWriter())
        .build();
    fullOnly = TrainingMonitor.builderFor(params.tensors()).jsonLines(Writer.nullWriter()).build();
    after = params.values().clone();
    for (int i = 0; i < after.length; i++) {
      after[i] *= 1 + 1e-4f * ((i % 7) - 3); // an update of ~1e-4 relative, like a small lr
    }
  }

  private static Dense dense(int out, int in, gradkernel.activation.Activation g, long seed) {
    Matrix w = Matrix.zeros(out, in);
    Init.xavierUniform(w, 1.0, seed);
    return new Dense(w, Vec.of(new float[out]), g);
  }

  @TearDown(Level.Trial)
  public void verify() {
    for (TrainingMonitor m : new TrainingMonitor[] {events, ratios, full}) {
      if (m.steps() > 0 && !Double.isFinite(m.lossMedian())) {
        throw new IllegalStateException("non-finite loss median " + m.lossMedian());
      }
    }
    if (ratios.steps() > 0 && !(ratios.updateRatio(0) > 0)) {
      throw new IllegalStateException("no update ratio recorded: " + ratios.updateRatio(0));
    }
  }

  /** Forward, loss, backward with the profile; leaves the global norm in {@link #acc}. */
  private double forwardBackward() {
    Matrix out = net.forward(tape, x, 0, BATCH);
    double loss = mse.apply(out, yView, dOutView);
    net.backward(tape, dOut, 0, params.grads(), profile);
    acc.reset().addSumOfSquares(profile.weightGradientSumOfSquares());
    return loss;
  }

  @Benchmark
  public double step() {
    double loss = forwardBackward();
    opt.step(acc.norm(), MAX_NORM);
    return loss;
  }

  @Benchmark
  public int stepEvents() {
    double loss = forwardBackward();
    double norm = acc.norm();
    boolean applied = opt.step(norm, MAX_NORM);
    return events.step(loss, norm, applied ? opt.lastClipCoefficient() : Double.NaN, !applied);
  }

  @Benchmark
  public int stepRatios() {
    return monitored(ratios, false);
  }

  @Benchmark
  public int stepFull() {
    return monitored(full, true);
  }

  private int monitored(TrainingMonitor m, boolean scan) {
    double loss = forwardBackward();
    double norm = acc.norm();
    float[] w = params.values();
    System.arraycopy(w, 0, before, 0, w.length);
    boolean applied = opt.step(norm, MAX_NORM);
    return observe(m, scan, w, loss, norm, applied ? opt.lastClipCoefficient() : Double.NaN,
        !applied);
  }

  /** The monitor's calls of a monitored step: ratios from before → updated, scan, step. */
  private int observe(TrainingMonitor m, boolean scan, float[] updated, double loss, double norm,
      double clip, boolean skipped) {
    m.measureUpdates(before, 0, updated, 0);
    if (scan) {
      m.scanNonFinite(TrainingMonitor.Source.GRADIENT, params.gradients(), 0);
    }
    return m.step(loss, norm, clip, skipped);
  }

  @Benchmark
  public int eventsAlone() {
    long k = calls++;
    return eventsOnly.step(0.5 + 1e-3 * (k % 13), 1.5 + 1e-2 * (k % 11), 1.0, false);
  }

  @Benchmark
  public int ratiosAlone() {
    return alone(ratiosOnly, false);
  }

  @Benchmark
  public int fullAlone() {
    return alone(fullOnly, true);
  }

  /** The monitored step's extra calls on fixed weights before/after an update. */
  private int alone(TrainingMonitor m, boolean scan) {
    long k = calls++;
    float[] w = params.values();
    System.arraycopy(w, 0, before, 0, w.length);
    return observe(m, scan, after, 0.5 + 1e-3 * (k % 13), 1.5 + 1e-2 * (k % 11), 1.0, false);
  }
}
