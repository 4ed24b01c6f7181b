package gradkernel.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

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
 * sgemv and sgemvᵀ on 4096² floats (64 MiB: memory-bound), gradkernel against OpenBLAS in the same
 * JVM and run, one thread, OpenBLAS on off-heap buffers. µs per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "--enable-native-access=ALL-UNNAMED", "-Djavacpp.platform=linux-x86_64",
    "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class OpenBlasGemvBench {
  static final int M = 4096;

  @Param({"gradkernel", "openblas"})
  public String impl;

  private final Kernels k = Kernels.active();
  private boolean openblas;
  private float[] a;
  private float[] v;
  private float[] out;
  private FloatPointer pa;
  private FloatPointer pv;
  private FloatPointer pout;

  @Setup(Level.Trial)
  public void setup() {
    openblas = impl.equals("openblas");
    a = Data.uniform(M * M, 1, 3);
    v = Data.uniform(M, 1, 4);
    out = new float[M];
    if (openblas) {
      OpenBlas.init(1);
      pa = OpenBlas.offHeap(a);
      pv = OpenBlas.offHeap(v);
      pout = OpenBlas.offHeap(out);
    }
  }

  @TearDown(Level.Trial)
  public void verify() {
    float[] ref = new float[M];
    for (boolean t : new boolean[] {false, true}) {
      if (t) {
        gemvT();
        Kernels.scalar().gemvT(M, M, 1f, a, 0, M, v, 0, 0f, ref, 0);
      } else {
        gemv();
        Kernels.scalar().gemv(M, M, 1f, a, 0, M, v, 0, 0f, ref, 0);
      }
      Data.checkSums(t ? "gemvT" : "gemv", ref, openblas ? OpenBlas.toArray(pout, M) : out, M);
    }
  }

  @Benchmark
  public Object gemv() {
    if (openblas) {
      cblas_sgemv(CblasRowMajor, CblasNoTrans, M, M, 1f, pa, M, pv, 1, 0f, pout, 1);
      return pout;
    }
    k.gemv(M, M, 1f, a, 0, M, v, 0, 0f, out, 0);
    return out;
  }

  @Benchmark
  public Object gemvT() {
    if (openblas) {
      cblas_sgemv(CblasRowMajor, CblasTrans, M, M, 1f, pa, M, pv, 1, 0f, pout, 1);
      return pout;
    }
    k.gemvT(M, M, 1f, a, 0, M, v, 0, 0f, out, 0);
    return out;
  }
}
