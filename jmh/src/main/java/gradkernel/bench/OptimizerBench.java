package gradkernel.bench;

import gradkernel.clip.Clip;
import gradkernel.kernel.OptimizerKernels;
import gradkernel.optim.Optimizer;
import gradkernel.tensor.Vec;
import java.util.concurrent.TimeUnit;
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
 * Clip + AdamW (lr 1e-4, weight decay 0.1 on every tensor, betas 0.9/0.999, eps 1e-8) over GPT-2
 * small's 148 tensors (124.4M floats per buffer, 498 MB), single thread, the shapes of
 * jmh/peers/torch_optim_peer.py (clip_grad_norm_ + AdamW(foreach=True).step()).
 *
 * <ul>
 *   <li>{@code clipAdamW}: the global norm from the gradients (one read pass of g, 498 MB), then
 *       the fused clip + decay + AdamW kernel (read w, g, m, v; write w, m, v: 3.48 GB).</li>
 *   <li>{@code adamWGivenNorm}: the fused kernel alone, with the norm already accumulated during
 *       backward (NormAccumulator): clipping costs no extra pass.</li>
 * </ul>
 * Compare with LimitsBench.streamScale in the same run (2 × 256 MiB moved per call) for the
 * read+write roof. Clipping is active on every call (max norm = half the norm). ms per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx5g"})
public class OptimizerBench {
  /** Bytes the fused step moves: 4 floats read, 3 written per element. */
  public static final long STEP_BYTES = 7L * 4 * floats();

  private static final double LR = 1e-4;
  private static final double WD = 0.1;
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final int T = 10;

  private final OptimizerKernels k = OptimizerKernels.active();
  private float[][] w;
  private float[][] g;
  private Vec[] gViews; // g as Clip takes it, made once
  private float[][] m;
  private float[][] v;
  private double maxNorm;
  private float clip;

  static long floats() {
    long n = 0;
    for (int s : Gpt2Shapes.sizes()) {
      n += s;
    }
    return n;
  }

  @Setup(Level.Trial)
  public void setup() {
    g = Gpt2Shapes.gradients(7);
    w = new float[g.length][];
    m = new float[g.length][];
    v = new float[g.length][];
    for (int i = 0; i < g.length; i++) {
      w[i] = Data.uniform(g[i].length, 0.02, 1000 + i);
      m[i] = new float[g[i].length];
      v[i] = new float[g[i].length];
    }
    gViews = Data.views(g);
    double norm = Clip.globalNorm(gViews);
    maxNorm = norm / 2;
    clip = Optimizer.clipCoefficient(norm, maxNorm);
  }

  @TearDown(Level.Trial)
  public void verify() {
    for (float[] t : w) {
      for (int i = 0; i < t.length; i += 4099) {
        if (!Float.isFinite(t[i])) {
          throw new IllegalStateException("non-finite weight after the AdamW steps");
        }
      }
    }
  }

  private void step(float c) {
    float decay = (float) (1 - LR * WD);
    float stepSize = (float) (LR / (1 - StrictMath.pow(B1, T)));
    float bc2Sqrt = (float) Math.sqrt(1 - StrictMath.pow(B2, T));
    for (int i = 0; i < w.length; i++) {
      k.adam(w[i].length, w[i], 0, g[i], 0, m[i], 0, v[i], 0, null, 0, c, 0f, 0f, decay,
          (float) B1, (float) (1 - B1), (float) B2, (float) (1 - B2), stepSize, bc2Sqrt, 1e-8f);
    }
  }

  @Benchmark
  public float clipAdamW() {
    float c = Optimizer.clipCoefficient(Clip.globalNorm(gViews), maxNorm);
    step(c);
    return c;
  }

  @Benchmark
  public float adamWGivenNorm() {
    step(clip);
    return clip;
  }
}
