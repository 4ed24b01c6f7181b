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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * gemm on n³ (compute-bound): gradkernel's Panama kernel against EJML's float kernel in the same
 * run, and on both cores (gemmParallel, bit-identical to one thread). ms per call; flops = 2n³.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class GemmBench {
  @Param({"256", "1024"})
  public int n;

  private final Kernels k = Kernels.active();
  private float[] a;
  private float[] b;
  private float[] c;
  private FMatrixRMaj ea;
  private FMatrixRMaj eb;
  private FMatrixRMaj ec;

  @Setup(Level.Trial)
  public void setup() {
    a = Data.uniform(n * n, 1, 1);
    b = Data.uniform(n * n, 1, 2);
    c = new float[n * n];
    ea = FMatrixRMaj.wrap(n, n, a.clone());
    eb = FMatrixRMaj.wrap(n, n, b.clone());
    ec = new FMatrixRMaj(n, n);
  }

  @TearDown(Level.Trial)
  public void verify() {
    k.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    CommonOps_FDRM.mult(ea, eb, ec);
    // Absolute bound: at 1024 some of the 1M sums cancel to near 0, where a relative check fails
    // on rounding alone (EJML sums in another order).
    Data.checkSums("gemm " + n + "³ against EJML", ec.data, c, n);
  }

  @Benchmark
  public float[] gemm() {
    k.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    return c;
  }

  @Benchmark
  public float[] gemmTwoThreads() {
    k.gemmParallel(2, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    return c;
  }

  @Benchmark
  public FMatrixRMaj gemmEjml() {
    CommonOps_FDRM.mult(ea, eb, ec);
    return ec;
  }
}
