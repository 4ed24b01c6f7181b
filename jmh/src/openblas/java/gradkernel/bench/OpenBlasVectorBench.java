package gradkernel.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sdot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_snrm2;

import gradkernel.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
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
 * BLAS-1, gradkernel against OpenBLAS in the same JVM and run, one thread: sdot and snrm2 at the
 * tail lengths, in cache and in memory (size floats; 64M = 256 MiB). µs per call. gradkernel's
 * nrm2 accumulates in double (overflow-free); OpenBLAS's snrm2 is its own float kernel.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "--enable-native-access=ALL-UNNAMED", "-Djavacpp.platform=linux-x86_64",
    "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class OpenBlasVectorBench {
  @Param({"7", "33", "100", "1000", "16384", "67108864"})
  public int size;

  @Param({"gradkernel", "openblas"})
  public String impl;

  private final Kernels k = Kernels.active();
  private boolean openblas;
  private float[] x;
  private float[] y;
  private FloatPointer px;
  private FloatPointer py;

  @Setup(Level.Trial)
  public void setup() {
    openblas = impl.equals("openblas");
    x = Data.uniform(size, 1, 1);
    y = Data.uniform(size, 1, 2);
    if (openblas) {
      OpenBlas.init(1);
      px = OpenBlas.offHeap(x);
      py = OpenBlas.offHeap(y);
    }
  }

  @TearDown(Level.Trial)
  public void verify() {
    Data.check("dot", Kernels.scalar().dot(size, x, 0, y, 0), dot(), 1e-3);
    Data.check("nrm2", Kernels.scalar().nrm2(size, x, 0), nrm2(), 1e-5);
  }

  @Benchmark
  public float dot() {
    return openblas ? cblas_sdot(size, px, 1, py, 1) : k.dot(size, x, 0, y, 0);
  }

  @Benchmark
  public double nrm2() {
    return openblas ? cblas_snrm2(size, px, 1) : k.nrm2(size, x, 0);
  }
}
