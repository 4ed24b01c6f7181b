package gradkernel.bench;

import gradkernel.chain.BatchNorm;
import gradkernel.chain.Chain;
import gradkernel.chain.Gradients;
import gradkernel.chain.Tape;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * BatchNorm (TRAIN mode, affine) forward + backward on [256, 4096] inside a {@link Chain}, against
 * its memory roof at the same sizes: the compulsory traffic of one forward + backward, done by two
 * streaming vector passes (read x, write x̂ and y; read dy and x̂, write dx): 3 reads + 3 writes of
 * 4 MiB = 24 MiB per call. ms per call; the roof's time over BatchNorm's is the fraction of roof.
 * {@link #legacyForwardBackward} is the implementation before the vector kernels (scalar double
 * loops, x̂ stored; commit 3252ca5), on the same arrays plus the chain's input copy, so the
 * before/after ratio comes from one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class BatchNormBench {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Batch and features. */
  public static final int B = 256;
  public static final int N = 4096;
  /** Bytes moved per forward + backward at the roof. */
  public static final long BYTES = 6L * B * N * Float.BYTES;
  private Chain chain;
  private Tape tape;
  private Gradients grads;
  private float[] x;
  private float[] up;
  private float[] xh;
  private float[] y;
  private float[] dx;

  @Setup(Level.Trial)
  public void setup() {
    chain = Chain.of(BatchNorm.of(N));
    tape = chain.newTape();
    grads = new Gradients(chain);
    x = Data.uniform(B * N, 1, 1);
    up = Data.uniform(B * N, 1, 2);
    xh = new float[B * N];
    y = new float[B * N];
    dx = new float[B * N];
  }

  @Benchmark
  public Object forwardBackward() {
    chain.forward(tape, x, 0, B);
    return chain.backward(tape, up, 0, grads, null);
  }

  private float[] tapeX;
  private final double[] d = new double[4 * N];
  private final float[] inv = new float[N];
  private final float[] gamma = ones();
  private final float[] beta = new float[N];
  private final float[] grad = new float[2 * N];

  private static float[] ones() {
    float[] o = new float[N];
    java.util.Arrays.fill(o, 1f);
    return o;
  }

  @Setup(Level.Trial)
  public void setupLegacy() {
    tapeX = new float[B * N];
  }

  /** The pre-kernel BatchNorm TRAIN forward + backward (running statistics left out: O(n)). */
  @Benchmark
  public float[] legacyForwardBackward() {
    int b = B;
    int n = N;
    float[] a = tapeX;
    System.arraycopy(x, 0, a, 0, b * n); // the chain copies its input into the tape
    java.util.Arrays.fill(d, 0, 2 * n, 0.0);
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < n; j++) {
        d[j] += a[r * n + j];
      }
    }
    for (int j = 0; j < n; j++) {
      d[j] = d[j] / b;
    }
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < n; j++) {
        double e = a[r * n + j] - d[j];
        d[n + j] += e * e;
      }
    }
    for (int j = 0; j < n; j++) {
      d[2 * n + j] = 1 / Math.sqrt(d[n + j] / b + 1e-5);
      inv[j] = (float) d[2 * n + j];
      d[n + j] = gamma[j];
      d[3 * n + j] = beta[j];
    }
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < n; j++) {
        float v = (float) ((a[r * n + j] - d[j]) * d[2 * n + j]);
        xh[r * n + j] = v;
        y[r * n + j] = Math.fma((float) d[n + j], v, (float) d[3 * n + j]);
      }
    }
    java.util.Arrays.fill(d, 0, 2 * n, 0.0);
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < n; j++) {
        double u = up[r * n + j];
        d[j] += u;
        d[n + j] += u * xh[r * n + j];
      }
    }
    for (int j = 0; j < n; j++) {
      grad[j] = (float) d[n + j];
      grad[n + j] = (float) d[j];
      float gj = gamma[j];
      d[j] = gj * d[j] / b;
      d[n + j] = gj * d[n + j] / b;
      d[2 * n + j] = gj;
    }
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < n; j++) {
        int e = r * n + j;
        double is = inv[j];
        dx[e] = (float) ((d[2 * n + j] * up[e] - d[j] - xh[e] * d[n + j]) * is);
      }
    }
    return dx;
  }

  @Benchmark
  public float[] memoryRoof() {
    int l = F.length();
    int len = B * N;
    for (int i = 0; i < len; i += l) {
      FloatVector v = FloatVector.fromArray(F, x, i).mul(0.5f);
      v.intoArray(xh, i);
      v.add(0.25f).intoArray(y, i);
    }
    for (int i = 0; i < len; i += l) {
      FloatVector.fromArray(F, up, i).mul(0.5f).sub(FloatVector.fromArray(F, xh, i))
          .intoArray(dx, i);
    }
    return dx;
  }
}
