package gradkernel.bench;

import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Share of LSTM and GRU layer time spent in gemm (issue 15 expects ≥ 60 % at hidden 128, T 100,
 * batch 32): {@code lstmLayer} / {@code gruLayer} run one forward + backward of gradkernel's
 * {@link Lstm} / {@link Gru} (ALL_STEPS, all-ones upstream, weight gradients formed), and
 * {@code lstmGemms} / {@code gruGemms} issue exactly the gemm calls that one forward + backward
 * issues (same shapes, transposes, leading dimensions and order, through {@link Kernels#active()})
 * and nothing else. gemm share = time(gemms) / time(layer), from the same run. Input width m = 64
 * (RecurrentBench's). One thread, ms per call.
 *
 * <p>The gemm sequence, read off {@code SequenceLayer.forwardSteps / backward}, {@code Lstm} and
 * {@code Gru}: forward, one input-projection gemm [T·b, m]·W_ihᵀ, then per step [b, n]·W_hhᵀ
 * (the GRU splits it into the r,z blocks [b, n]·W_h{r,z}ᵀ written into the gate buffer and the n
 * block [b, n]·W_hnᵀ written into its own buffer, because r multiplies it); backward, per step the
 * hidden gradient [b, G·n]·W_hh, then the two weight gradients dGᵀ·X and dGᵀ·H over all T·b rows,
 * then the input gradient dG·W_ih.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class RecurrentGemmShareBench {
  /** Batch, sequence length, input width. */
  public static final int B = 32;
  public static final int T = 100;
  public static final int M = 64;

  /** Hidden width n. */
  @Param({"128"})
  public int hidden;

  private RecurrentLayers layers;

  @Setup(Level.Trial)
  public void setup() {
    layers = new RecurrentLayers(B, T, M, hidden);
  }

  @Benchmark
  public Object lstmLayer() {
    return layers.lstmPass();
  }

  @Benchmark
  public Object gruLayer() {
    return layers.gruPass();
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
