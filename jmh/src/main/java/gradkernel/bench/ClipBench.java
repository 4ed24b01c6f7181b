package gradkernel.bench;

import gradkernel.clip.Clip;
import gradkernel.kernel.Kernels;
import gradkernel.tensor.Parallelism;
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
 * Global-norm clipping of GPT-2 small's gradients (148 tensors, 124.4M floats = 498 MB), the shapes
 * of the PyTorch peer run by jmh/peers/torch_peers.py. "active": every call clips (the limit
 * shrinks by 0.1% per call so the norm always exceeds it); "inactive": the limit is above the
 * norm, one read pass. scaleToNorm is the path where backward already produced the norm: one
 * scaling pass, to compare with an in-place scal over the same floats. ms per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ClipBench {
  private float[][] g;
  private Vec[] views; // the same tensors as Clip takes them, made once
  private double limit;
  private double norm;

  @Setup(Level.Trial)
  public void setup() {
    g = Gpt2Shapes.gradients(7);
    views = Data.views(g);
    norm = Clip.globalNorm(views);
    limit = norm;
  }

  @TearDown(Level.Trial)
  public void verify() {
    double now = Clip.globalNorm(views);
    if (!(now <= norm * (1 + 1e-6)) || !Double.isFinite(now) || now == 0) {
      throw new IllegalStateException("clipping left norm " + now + " (started at " + norm + ")");
    }
  }

  @Benchmark
  public double byGlobalNormActive() {
    limit *= 0.999;
    return Clip.byGlobalNorm(limit, views);
  }

  @Benchmark
  public double byGlobalNormActiveTwoThreads() {
    limit *= 0.999;
    return Clip.byGlobalNorm(Parallelism.allCores(), limit, views);
  }

  @Benchmark
  public double byGlobalNormInactive() {
    return Clip.byGlobalNorm(Double.MAX_VALUE, views);
  }

  @Benchmark
  public double scaleToNormGivenNorm() {
    limit *= 0.999;
    return Clip.scaleToNorm(limit / 0.999, limit, views);
  }

  @Benchmark
  public float[][] scalInPlace() {
    Kernels k = Kernels.active();
    for (float[] t : g) {
      k.scal(t.length, 0.999f, t, 0);
    }
    return g;
  }
}
