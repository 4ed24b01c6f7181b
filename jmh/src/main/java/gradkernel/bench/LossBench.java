package gradkernel.bench;

import gradkernel.loss.CrossEntropyLoss;
import gradkernel.loss.Reduction;
import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Softmax cross-entropy (mean, class-index targets) on GPT-2 logits [256, 50257] (12.9M floats,
 * 51 MB), single thread, the shapes of jmh/peers/torch_loss_peer.py (F.cross_entropy forward +
 * backward). {@code forwardBackward} writes the gradient into a separate buffer: the minimum
 * traffic is one read of the logits and one write of the gradient (103 MB); compare with
 * LimitsBench.streamScale (512 MiB moved per call) in the same run. ms per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class LossBench {
  /** Batch rows. */
  public static final int BATCH = 256;
  /** GPT-2's vocabulary. */
  public static final int CLASSES = 50257;

  private final CrossEntropyLoss loss = CrossEntropyLoss.of(Reduction.MEAN);
  private Matrix x;
  private Matrix g;
  private int[] y;

  @Setup(Level.Trial)
  public void setup() {
    x = Matrix.of(Data.uniform(BATCH * CLASSES, 4, 11), BATCH, CLASSES);
    g = Matrix.zeros(BATCH, CLASSES);
    y = new int[BATCH];
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < BATCH; i++) {
      y[i] = r.nextInt(CLASSES);
    }
  }

  @Benchmark
  public double forwardBackward() {
    return loss.apply(x, y, 0, g);
  }

  @Benchmark
  public double forwardOnly() {
    return loss.apply(x, y, 0, null);
  }
}
