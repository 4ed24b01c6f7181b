package gradkernel.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * The machine's roofs, measured in the same run as everything else: streaming read and read+write
 * (in-place scale) over 256 MiB; the fused backward's own access pattern, two 16M-float arrays
 * read and a third written (out = u·z: the write to a fresh line also reads it first, so this
 * moves 16 bytes per element for the 12 a kernel counts, and in-place scale moves exactly its 8);
 * and a peak-FMA loop of 12 independent vector accumulators (2·lanes·12 flops per iteration). ms
 * per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class LimitsBench {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** 64M floats = 256 MiB, far beyond the L3. */
  public static final int N = 1 << 26;
  /** Iterations of the peak-FMA loop. */
  public static final int FMA_ITERATIONS = 1 << 16;
  /** 16M floats per array for {@link #streamProduct}, the activation benchmarks' memory size. */
  public static final int N3 = 1 << 24;
  private float[] x;
  private float[] u;
  private float[] z;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    x = Data.uniform(N, 1, 9);
    u = Data.uniform(N3, 1, 10);
    z = Data.uniform(N3, 1, 11);
    out = new float[N3];
  }

  @Benchmark
  public float streamRead() {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    int l = F.length();
    for (int i = 0; i < N; i += 2 * l) {
      s0 = s0.add(FloatVector.fromArray(F, x, i));
      s1 = s1.add(FloatVector.fromArray(F, x, i + l));
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  @Benchmark
  public float[] streamScale() {
    int l = F.length();
    for (int i = 0; i < N; i += l) {
      FloatVector.fromArray(F, x, i).mul(1.0000001f).intoArray(x, i);
    }
    return x;
  }

  /** out = u·z over three 16M-float arrays: two streams read, one written (12 bytes counted). */
  @Benchmark
  public float[] streamProduct() {
    int l = F.length();
    for (int i = 0; i < N3; i += l) {
      FloatVector.fromArray(F, u, i).mul(FloatVector.fromArray(F, z, i)).intoArray(out, i);
    }
    return out;
  }

  @Benchmark
  public float peakFma() {
    FloatVector m = FloatVector.broadcast(F, 0.9999999f);
    FloatVector a = FloatVector.broadcast(F, 1e-7f);
    FloatVector c0 = FloatVector.broadcast(F, 1f);
    FloatVector c1 = c0.add(1);
    FloatVector c2 = c0.add(2);
    FloatVector c3 = c0.add(3);
    FloatVector c4 = c0.add(4);
    FloatVector c5 = c0.add(5);
    FloatVector c6 = c0.add(6);
    FloatVector c7 = c0.add(7);
    FloatVector c8 = c0.add(8);
    FloatVector c9 = c0.add(9);
    FloatVector c10 = c0.add(10);
    FloatVector c11 = c0.add(11);
    for (int i = 0; i < FMA_ITERATIONS; i++) {
      c0 = c0.fma(m, a);
      c1 = c1.fma(m, a);
      c2 = c2.fma(m, a);
      c3 = c3.fma(m, a);
      c4 = c4.fma(m, a);
      c5 = c5.fma(m, a);
      c6 = c6.fma(m, a);
      c7 = c7.fma(m, a);
      c8 = c8.fma(m, a);
      c9 = c9.fma(m, a);
      c10 = c10.fma(m, a);
      c11 = c11.fma(m, a);
    }
    return c0.add(c1).add(c2.add(c3)).add(c4.add(c5)).add(c6.add(c7)).add(c8.add(c9))
        .add(c10.add(c11)).reduceLanes(VectorOperators.ADD);
  }
}
