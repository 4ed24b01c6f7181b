package gradkernel.bench;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.kernel.ActivationKernels;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fused backward out = upstream ⊙ g'(z) on size floats: gradkernel's vector kernel (fused), against
 * its scalar twin (ActivationKernels.scalar(), the same float lane formulas, bit-identical), a
 * plain Java loop with Math.tanh / Math.exp (the scalar peer) and a copy of the same size (the bandwidth roof for ReLU).
 * Sizes 7, 33, 100 and 1000 exercise the tail paths (since issue 18 the vector kernel hands the
 * last n mod lanes elements to the scalar twin, so size 7 is the twin's own loop behind one
 * dispatch); 16K is cache-resident; 16M is memory.
 * ms per call; 12 bytes per element.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class ActivationBench {
  @Param({"tanh", "sigmoid", "gelu", "silu", "relu"})
  public String g;

  @Param({"7", "33", "100", "1000", "16384", "16777216"})
  public int size;

  private int N;
  private ActivationKernels.Fn fn;

  private Activation act;
  private float[] z;
  private float[] u;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    act = Activations.of(g);
    N = size;
    fn = ActivationKernels.Fn.valueOf(g.toUpperCase(java.util.Locale.ROOT));
    z = Data.uniform(N, 6, 5);
    u = Data.uniform(N, 1, 6);
    out = new float[N];
  }

  @TearDown(Level.Trial)
  public void verify() {
    act.backward(u, 0, z, 0, out, 0, N);
    float[] ref = new float[N];
    javaLoop(ref);
    double d = 0;
    for (int i = 0; i < N; i += N > 1000 ? 97 : 1) {
      d = Math.max(d, Math.abs(out[i] - ref[i]));
    }
    // The Java GELU loop takes Φ from the tanh form (Java has no erf): 1e-3 apart from exact GELU.
    double tol = g.equals("gelu") ? 2e-3 : 1e-5;
    if (d > tol) {
      throw new IllegalStateException(g + " backward differs from the Java loop by " + d);
    }
  }

  @Benchmark
  public float[] fused() {
    act.backward(u, 0, z, 0, out, 0, N);
    return out;
  }

  /**
   * The active (vector) kernel called as scalarTwin calls the twin, without the public API's
   * range and overlap checks that {@link #fused} pays: the kernel-against-twin comparison.
   */
  @Benchmark
  public float[] activeKernel() {
    ActivationKernels.active().backward(fn, 0f, 0f, u, 0, z, 0, out, 0, N);
    return out;
  }

  @Benchmark
  public float[] scalarTwin() {
    ActivationKernels.scalar().backward(fn, 0f, 0f, u, 0, z, 0, out, 0, N);
    return out;
  }

  @Benchmark
  public float[] javaLoop() {
    javaLoop(out);
    return out;
  }

  private void javaLoop(float[] o) {
    switch (g) {
      case "tanh" -> {
        for (int i = 0; i < N; i++) {
          double t = Math.tanh(z[i]);
          o[i] = (float) (u[i] * (1 - t * t));
        }
      }
      case "sigmoid" -> {
        for (int i = 0; i < N; i++) {
          double s = 1 / (1 + Math.exp(-z[i]));
          o[i] = (float) (u[i] * s * (1 - s));
        }
      }
      case "silu" -> {
        for (int i = 0; i < N; i++) {
          double s = 1 / (1 + Math.exp(-z[i]));
          o[i] = (float) (u[i] * s * (1 + z[i] * (1 - s)));
        }
      }
      case "gelu" -> {
        for (int i = 0; i < N; i++) {
          // Exact GELU' = Φ(z) + zφ(z); Φ from the tanh form is the usual fast Java stand-in.
          double x = z[i];
          double phi = Math.exp(-0.5 * x * x) * 0.3989422804014327;
          double cdf = 0.5 * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
          o[i] = (float) (u[i] * (cdf + x * phi));
        }
      }
      default -> {
        for (int i = 0; i < N; i++) {
          o[i] = z[i] > 0 ? u[i] : 0f;
        }
      }
    }
  }

  @Benchmark
  public float[] copy() {
    System.arraycopy(z, 0, out, 0, N);
    return out;
  }
}
