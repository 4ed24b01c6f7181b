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
