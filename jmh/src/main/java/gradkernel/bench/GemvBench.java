package gradkernel.bench;

import gradkernel.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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

/** gemv and gemvᵀ on 4096² floats (64 MiB: memory-bound), gradkernel against EJML. ms per call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class GemvBench {
  private static final int M = 4096;
  private final Kernels k = Kernels.active();
  private float[] a;
  private float[] x;
  private float[] y;
  private FMatrixRMaj ea;
  private FMatrixRMaj ex;
  private FMatrixRMaj ey;

  @Setup(Level.Trial)
  public void setup() {
    a = Data.uniform(M * M, 1, 3);
    x = Data.uniform(M, 1, 4);
    y = new float[M];
    ea = FMatrixRMaj.wrap(M, M, a);
    ex = FMatrixRMaj.wrap(M, 1, x);
    ey = new FMatrixRMaj(M, 1);
  }

  @TearDown(Level.Trial)
  public void verify() {
    k.gemv(M, M, 1f, a, 0, M, x, 0, 0f, y, 0);
    CommonOps_FDRM.mult(ea, ex, ey);
    Data.checkSums("gemv " + M + "² against EJML", ey.data, y, M); // absolute: sums near 0
  }

  @Benchmark
  public float[] gemv() {
    k.gemv(M, M, 1f, a, 0, M, x, 0, 0f, y, 0);
    return y;
  }

  @Benchmark
  public float[] gemvT() {
    k.gemvT(M, M, 1f, a, 0, M, x, 0, 0f, y, 0);
    return y;
  }

  @Benchmark
  public FMatrixRMaj gemvEjml() {
    CommonOps_FDRM.mult(ea, ex, ey);
    return ey;
  }

  @Benchmark
  public FMatrixRMaj gemvTEjml() {
    CommonOps_FDRM.multTransA(ea, ex, ey);
    return ey;
  }
}
