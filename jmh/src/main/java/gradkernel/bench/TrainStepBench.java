package gradkernel.bench;

import gradkernel.tensor.Parallelism;
import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.Lstm;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.train.Task;
import gradkernel.train.TrainConfig;
import gradkernel.train.TrainResult;
import gradkernel.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.LSTMImpl;
import org.bytedeco.pytorch.LSTMOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 16's training speed: steps of the adding task (T 100, batch 32) on an LSTM of 128 hidden
 * units with a Dense head on the last step, MSE, global-norm clipping at 1.0 and Adam (lr 1e-2,
 * PyTorch's defaults otherwise), on {@code threads} threads, ms per training step:
 * <ul>
 *   <li>{@code gradkernel}: {@link Trainer#run()} of {@value #STEPS} steps — exactly what
 *       {@code bin/gradkernel train adding --hidden 128 --T 100} runs: data generation, forward,
 *       loss, BPTT with the per-step gradient profile, the norm, the fused clip + Adam step, the
 *       monitor. Each invocation also builds the Trainer and ends with one held-out forward of 32
 *       sequences (≈ 1/3 of a step's work, so ≈ 2 % of the figure). {@code threads} is
 *       {@link TrainConfig#parallelism()}: whatever the Trainer parallelizes on main at the time of the
 *       run (on 2026-12-02 only the optimizer step).</li>
 *   <li>{@code torch}: PyTorch 2.10 in this JVM through JavaCPP ({@code torch.set_num_threads(
 *       threads)}), {@code nn::LSTM(2, 128, batch_first)} + {@code nn::Linear(128, 1)} on the
 *       last step's output, {@code mse_loss}, {@code backward}, {@code clip_grad_norm_(params,
 *       1.0)}, {@code optim::Adam(lr 1e-2)}; the batches are gradkernel's {@link Task} batches
 *       (same data generator and seed), copied into the input tensors each step.</li>
 *   <li>{@code lstmLayer}: only the LSTM's forward + backward (BPTT with a GradientProfile, as
 *       the Trainer runs it) on one batch, one thread: the share of a gradkernel step spent in the
 *       layer; the rest is data, head, loss, norm, optimizer and monitor.</li>
 * </ul>
 * Model, data, loss, clipping and optimizer match; initial weights differ (each library's default
 * initialization; the LSTM's forget bias is 1 in gradkernel), which changes no work done.
 * Steps/s = 1000 / (ms per step).
 *
 * <p>PyTorch's natives are extracted to target/javacpp by an untimed step in {@link #setup}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@OperationsPerInvocation(TrainStepBench.STEPS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g",
    "--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class TrainStepBench {
  /** Hidden units, sequence length, batch, training steps per invocation. */
  public static final int H = 128;
  public static final int T = 100;
  public static final int B = 32;
  public static final int STEPS = 20;
  private static final double LR = 1e-2;
  private static final double CLIP = 1.0;
  private static final long SEED = 1;

  /** Threads for both libraries. */
  @Param({"1", "2"})
  public int threads;

  private TrainConfig config;
  private Task task;
  private float[] x;
  private float[] y;
  private FloatPointer xData;
  private FloatPointer yData;
  private Tensor xTensor;
  private Tensor yTensor;
  private LSTMImpl lstm;
  private LinearImpl head;
  private List<Tensor> paramList;
  private TensorVector params;
  private Adam adam;
  private long batch;
  private double torchLoss;
  private Chain layer;
  private Tape layerTape;
  private Gradients layerGrads;
  private GradientProfile layerProfile;
  private float[] layerUp;

  @Setup(Level.Trial)
  public void setup() {
    config = TrainConfig.builder("adding").classes(4).cell("lstm").hidden(H).steps(T).batch(B)
        .iterations(STEPS).optimizer("adam").lr(LR).clipNorm(CLIP).init("default").gain(1.0)
        .seed(SEED).parallelism(Parallelism.threads(threads)).testSize(B).evalEvery(STEPS).build();
    task = Task.of("adding", T, 4, SEED);
    int m = task.inputSize();
    x = new float[B * T * m];
    y = new float[B];

    torch.set_num_threads(threads);
    xData = new FloatPointer(x.length);
    yData = new FloatPointer(y.length);
    xTensor = torch.from_blob(xData, B, T, m); // float32, shares xData
    yTensor = torch.from_blob(yData, B);
    LSTMOptions lo = new LSTMOptions(m, H);
    lo.batch_first().put(true);
    lstm = new LSTMImpl(lo);
    head = new LinearImpl(H, 1);
    paramList = new ArrayList<>(List.of(lstm.parameters().get()));
    paramList.addAll(List.of(head.parameters().get()));
    params = new TensorVector(paramList.toArray(new Tensor[0]));
    adam = new Adam(params, new AdamOptions(LR));
    layer = Chain.of(Lstm.create(m, H, T, SequenceOutput.LAST_STEP, SEED));
    layerTape = layer.newTape();
    layerGrads = new Gradients(layer);
    layerProfile = new GradientProfile(layer);
    layerUp = Data.uniform(B * H, 1e-2, 3);
    task.trainBatch(0, B, x, y, null);
    torch();
    gradkernel();
  }

  @TearDown(Level.Trial)
  public void verify() {
    if (torch.get_num_threads() != threads) {
      throw new IllegalStateException("torch threads " + torch.get_num_threads() + ", expected "
          + threads);
    }
    if (!Double.isFinite(torchLoss)) {
      throw new IllegalStateException("PyTorch loss " + torchLoss);
    }
  }

  @Benchmark
  public double gradkernel() {
    TrainResult r = new Trainer(config).run();
    if (r.skippedSteps() != 0 || !Double.isFinite(r.trainLoss())) {
      throw new IllegalStateException("gradkernel run went non-finite: " + r.trainLoss());
    }
    return r.trainLoss();
  }

  @Benchmark
  public double torch() {
    for (int k = 0; k < STEPS; k++) {
      torchLoss = torchStep(batch++);
    }
    return torchLoss;
  }

  /** One PyTorch training step on gradkernel's batch {@code index}, freeing its temporaries. */
  private double torchStep(long index) {
    task.trainBatch(index, B, x, y, null);
    xData.put(x);
    yData.put(y);
    try (PointerScope scope = new PointerScope()) {
      adam.zero_grad();
      Tensor out = lstm.forward(xTensor).get0(); // [B, T, H]
      Tensor pred = head.forward(out.select(1, T - 1)).view(B);
      Tensor loss = torch.mse_loss(pred, yTensor);
      loss.backward();
      torch.clip_grad_norm_(params, CLIP);
      adam.step();
      return loss.item_float();
    }
  }

  /** The LSTM alone: forward over [B, T, 2] and backward from a fixed ∂L/∂h_T (per step). */
  @Benchmark
  @OperationsPerInvocation(1)
  public Object lstmLayer() {
    layer.forward(layerTape, x, 0, B, T);
    return layer.backward(layerTape, layerUp, 0, layerGrads, layerProfile);
  }
}
