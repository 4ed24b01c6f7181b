package gradkernel.bench;

import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GRUImpl;
import org.bytedeco.pytorch.GRUOptions;
import org.bytedeco.pytorch.LSTMImpl;
import org.bytedeco.pytorch.LSTMOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LSTM and GRU forward + backward (loss = sum of every hidden state, so the upstream gradient is
 * all ones), batch 32, T 100, input 64, hidden 256, one thread: gradkernel's {@link Lstm} /
 * {@link Gru} against PyTorch 2.10's {@code nn::LSTM} / {@code nn::GRU} ({@code batch_first}) in
 * the same JVM through JavaCPP, and against the same sequence of gemms issued directly (the
 * layer's gemm roof: {@code lstmGemms} / {@code gruGemms} run exactly the gemm shapes the layer
 * runs). LSTM gemm work: 4n·(m+n)·2 flops per example-step forward, twice that backward (hidden
 * and weight gradients) plus the input gradient: 6.29 GFLOP per call (GRU: 4.72). gradkernel also
 * forms the input gradient, PyTorch does not (its input does not require grad). ms per call.
 *
 * <p>PyTorch's natives are extracted to target/javacpp in {@link #setup} by a warm-up call before
 * anything is timed (the first extraction once crashed the JVM; rerun if the fork dies).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class RecurrentBench {
  /** Batch, sequence length, input width, hidden width. */
  public static final int B = 32;
  public static final int T = 100;
  public static final int M = 64;
  public static final int N = 256;
  /** LSTM gemm flops per forward + backward (see the class comment). */
  public static final double LSTM_FLOPS = gemmFlops(4);
  /** GRU gemm flops per forward + backward. */
  public static final double GRU_FLOPS = gemmFlops(3);

  private RecurrentLayers layers;
  private LSTMImpl torchLstm;
  private GRUImpl torchGru;
  private Tensor torchX;

  /** Forward input projection + T recurrent gemms, then T hidden-gradient gemms, 2 weight gemms, dx. */
  static double gemmFlops(int gates) {
    double gn = gates * (double) N;
    double fwd = 2.0 * B * T * gn * (M + N);
    return fwd + 2.0 * B * T * gn * N + 2.0 * B * T * gn * (M + N) + 2.0 * B * T * gn * M;
  }

  @Setup(Level.Trial)
  public void setup() {
    layers = new RecurrentLayers(B, T, M, N);

    // Extract and load the natives, then one untimed call of each PyTorch layer.
    torch.set_num_threads(1);
    LSTMOptions lo = new LSTMOptions(M, N);
    lo.batch_first().put(true);
    torchLstm = new LSTMImpl(lo);
    GRUOptions go = new GRUOptions(M, N);
    go.batch_first().put(true);
    torchGru = new GRUImpl(go);
    torchX = torch.randn(B, T, M);
    lstmTorch();
    gruTorch();
    lstmGradkernel();
    gruGradkernel();
  }

  @TearDown(Level.Trial)
  public void verify() {
    if (torch.get_num_threads() != 1) {
      throw new IllegalStateException("torch threads " + torch.get_num_threads() + ", expected 1");
    }
  }

  @Benchmark
  public Object lstmGradkernel() {
    return layers.lstmPass();
  }

  @Benchmark
  public Object gruGradkernel() {
    return layers.gruPass();
  }

  @Benchmark
  public float lstmTorch() {
    return torchLoss(torchLstm, () -> torchLstm.forward(torchX).get0());
  }

  @Benchmark
  public float gruTorch() {
    return torchLoss(torchGru, () -> torchGru.forward(torchX).get0());
  }

  /** zero_grad, output = forward, sum().backward(), freeing the call's tensors. */
  private static float torchLoss(Module module, Supplier<Tensor> forward) {
    try (PointerScope scope = new PointerScope()) {
      module.zero_grad(true);
      Tensor loss = forward.get().sum();
      loss.backward();
      return loss.item_float();
    }
  }

  @Benchmark
  public float[] lstmGemms() {
    return layers.lstmGemms();
  }

  @Benchmark
  public float[] gruGemms() {
    return layers.gruGemms();
  }
}
