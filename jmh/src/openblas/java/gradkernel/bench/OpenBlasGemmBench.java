package gradkernel.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

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
 * sgemm, gradkernel against OpenBLAS in the same JVM and JMH run (one thread each), on squares and
 * on the shapes a Dense layer's training step runs (weights W [out, in] row-major, batch b):
 * forward x·Wᵀ (m = b, n = out, k = in), backward d·W (m = b, n = in, k = out) and the weight
 * gradient dᵀ·x (m = out, n = in, k = b). β = 0, α = 1. ms per call; flops = 2mnk.
 *
 * <p>shape names: {@code sq_N} (N³, no transpose), {@code xWt_B_OUTxIN}, {@code dW_B_OUTxIN},
 * {@code dTx_B_OUTxIN}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "--enable-native-access=ALL-UNNAMED", "-Djavacpp.platform=linux-x86_64",
    "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class OpenBlasGemmBench {
  @Param({"sq_256", "sq_1024",
      "xWt_32_1024x1024", "dW_32_1024x1024", "dTx_32_1024x1024",
      "xWt_256_1024x1024", "dW_256_1024x1024", "dTx_256_1024x1024",
      "xWt_32_4096x1024", "dW_32_4096x1024", "dTx_32_4096x1024",
      "xWt_256_4096x1024", "dW_256_4096x1024", "dTx_256_4096x1024"})
  public String shape;

  @Param({"gradkernel", "openblas"})
  public String impl;

  GemmCase g;

  @Setup(Level.Trial)
  public void setup() {
    g = new GemmCase(shape, impl, 1);
  }

  @TearDown(Level.Trial)
  public void verify() {
    g.verify();
  }

  @Benchmark
  public Object gemm() {
    return g.run();
  }

  /** One gemm problem, its operands on the heap (gradkernel) or off-heap (OpenBLAS). */
  static final class GemmCase {
    final boolean ta;
    final boolean tb;
    final int m;
    final int n;
    final int k;
    final int threads;
    final boolean openblas;
    final Kernels kern = Kernels.active();
    final float[] a;
    final float[] b;
    final float[] c;
    final FloatPointer pa;
    final FloatPointer pb;
    final FloatPointer pc;

    GemmCase(String shape, String impl, int threads) {
      String[] p = shape.split("_");
      if (p[0].equals("sq")) {
        m = n = k = Integer.parseInt(p[1]);
        ta = tb = false;
      } else {
        int batch = Integer.parseInt(p[1]);
        String[] w = p[2].split("x");
        int out = Integer.parseInt(w[0]);
        int in = Integer.parseInt(w[1]);
        switch (p[0]) {
          case "xWt" -> { m = batch; n = out; k = in; ta = false; tb = true; }
          case "dW" -> { m = batch; n = in; k = out; ta = false; tb = false; }
          case "dTx" -> { m = out; n = in; k = batch; ta = true; tb = false; }
          default -> throw new IllegalArgumentException("shape " + shape);
        }
      }
      this.threads = threads;
      openblas = impl.equals("openblas");
      a = Data.uniform(m * k, 1, 1);
      b = Data.uniform(k * n, 1, 2);
      c = new float[m * n];
      if (openblas) {
        OpenBlas.init(threads);
        pa = OpenBlas.offHeap(a);
        pb = OpenBlas.offHeap(b);
        pc = OpenBlas.offHeap(c);
      } else {
        pa = pb = pc = null;
      }
    }

    int lda() {
      return ta ? m : k;
    }

    int ldb() {
      return tb ? k : n;
    }

    Object run() {
      if (openblas) {
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
            m, n, k, 1f, pa, lda(), pb, ldb(), 0f, pc, n);
        return pc;
      }
      if (threads == 1) {
        kern.gemm(ta, tb, m, n, k, 1f, a, 0, lda(), b, 0, ldb(), 0f, c, 0, n);
      } else {
        kern.gemmParallel(threads, ta, tb, m, n, k, 1f, a, 0, lda(), b, 0, ldb(), 0f, c, 0, n);
      }
      return c;
    }

    /** Both implementations agree with the scalar twin (a broken kernel cannot look fast). */
    void verify() {
      run();
      float[] got = openblas ? OpenBlas.toArray(pc, m * n) : c;
      float[] ref = new float[m * n];
      Kernels.scalar().gemm(ta, tb, m, n, k, 1f, a, 0, lda(), b, 0, ldb(), 0f, ref, 0, n);
      Data.checkSums("gemm " + m + "x" + n + "x" + k, ref, got, k);
    }
  }
}
