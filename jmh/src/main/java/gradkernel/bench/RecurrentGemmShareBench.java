package gradkernel.bench;

import gradkernel.chain.Chain;
import gradkernel.chain.Gradients;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.kernel.Kernels;
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

  private Chain lstm;
  private Chain gru;
  private Tape lstmTape;
  private Tape gruTape;
  private Gradients lstmGrads;
  private Gradients gruGrads;
  private float[] x;
  private float[] up;
  private GemmReplay lstmReplay;
  private GemmReplay gruReplay;

  @Setup(Level.Trial)
  public void setup() {
    lstm = Chain.of(Lstm.create(M, hidden, T, SequenceOutput.ALL_STEPS, 1));
    gru = Chain.of(Gru.create(M, hidden, T, SequenceOutput.ALL_STEPS, 2));
    lstmTape = lstm.newTape();
    gruTape = gru.newTape();
    lstmGrads = new Gradients(lstm);
    gruGrads = new Gradients(gru);
    x = Data.uniform(B * T * M, 1, 3);
    up = new float[B * T * hidden];
    java.util.Arrays.fill(up, 1f);
    lstmReplay = new GemmReplay(4, false, B, T, M, hidden);
    gruReplay = new GemmReplay(3, true, B, T, M, hidden);
  }

  @Benchmark
  public Object lstmLayer() {
    lstm.forward(lstmTape, x, 0, B, T);
    return lstm.backward(lstmTape, up, 0, lstmGrads, null);
  }

  @Benchmark
  public Object gruLayer() {
    gru.forward(gruTape, x, 0, B, T);
    return gru.backward(gruTape, up, 0, gruGrads, null);
  }

  @Benchmark
  public float[] lstmGemms() {
    return lstmReplay.run();
  }

  @Benchmark
  public float[] gruGemms() {
    return gruReplay.run();
  }

  /**
   * The gemm calls of one sequence-layer forward + backward for G gate blocks, on buffers laid out
   * time-major like the layer's scratch. Parametrized by the sizes, so any benchmark can replay a
   * layer's gemms (RecurrentBench keeps its own copy fixed at hidden 256; it could call this).
   */
  static final class GemmReplay {
    private final int gates;
    private final boolean splitGru;
    private final int b;
    private final int t;
    private final int m;
    private final int n;
    private final float[] xs;
    private final float[] hs;
    private final float[] z;
    private final float[] q;
    private final float[] w;
    private final float[] wGrad;
    private final float[] dh;
    private final float[] dx;

    GemmReplay(int gates, boolean splitGru, int b, int t, int m, int n) {
      this.gates = gates;
      this.splitGru = splitGru;
      this.b = b;
      this.t = t;
      this.m = m;
      this.n = n;
      int gn = gates * n;
      xs = Data.uniform(b * t * m, 1, 4);
      hs = Data.uniform(b * (t + 1) * n, 1, 5);
      z = new float[b * t * gn];
      q = new float[b * t * n];
      w = Data.uniform(gn * (m + n), 1 / Math.sqrt(n), 6);
      wGrad = new float[gn * (m + n)];
      dh = new float[2 * b * n];
      dx = new float[b * t * m];
    }

    /** One forward + backward worth of gemms; returns the weight-gradient buffer. */
    float[] run() {
      Kernels k = Kernels.active();
      int gn = gates * n;
      int rows = b * t;
      int hh = gn * m;
      k.gemm(false, true, rows, gn, m, 1f, xs, 0, m, w, 0, m, 1f, z, 0, gn);
      for (int s = 0; s < t; s++) {
        int zt = s * b * gn;
        int hp = s * b * n;
        if (splitGru) {
          k.gemm(false, true, b, 2 * n, n, 1f, hs, hp, n, w, hh, n, 1f, z, zt, gn);
          k.gemm(false, true, b, n, n, 1f, hs, hp, n, w, hh + 2 * n * n, n, 1f, q, s * b * n, n);
        } else {
          k.gemm(false, true, b, gn, n, 1f, hs, hp, n, w, hh, n, 1f, z, zt, gn);
        }
      }
      // Scaled so repeated calls keep the buffers finite (the layer's gate gradients are small).
      for (int s = t; s >= 1; s--) {
        k.gemm(false, false, b, n, gn, 1e-3f, z, (s - 1) * b * gn, gn, w, hh, n,
            splitGru ? 1f : 0f, dh, (s % 2) * b * n, n);
      }
      k.gemm(true, false, gn, m, rows, 1f, z, 0, gn, xs, 0, m, 0f, wGrad, 0, m);
      k.gemm(true, false, gn, n, rows, 1f, z, 0, gn, hs, 0, n, 0f, wGrad, hh, n);
      k.gemm(false, false, rows, m, gn, 1f, z, 0, gn, w, 0, m, 0f, dx, 0, m);
      return wGrad;
    }
  }
}
