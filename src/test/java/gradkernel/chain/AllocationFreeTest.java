package gradkernel.chain;

import static gradkernel.TestChains.dense;
import static gradkernel.TestChains.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.ChildJvm;
import gradkernel.WorkerAllocations;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Vec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Repeated forward/backward/JVP passes of the same shapes allocate nothing once compiled: the tape,
 * gradients and profile are reused. The measurement runs in a child JVM with
 * {@code -XX:-BackgroundCompilation}: each compilation finishes before the thread goes on, so after
 * a fixed number of passes the code is compiled whatever the machine's load (with background
 * compilation a busy machine left C2 unfinished and the test flaky). A round allocating under
 * 4 KiB for 400 passes (less than the smallest activation buffer here, 1 KiB, once per pass)
 * proves no per-pass buffer is allocated. The counter is read reflectively because this module
 * does not read java.management.
 */
class AllocationFreeTest {
  /** Rounds of 100 × 4 passes; compiled code is reached within about 20 (synchronous JIT). */
  private static final int ROUNDS = 60;

  private static Chain chain(String kind) {
    SplittableRandom r = new SplittableRandom(7);
    return switch (kind) {
      case "dense" -> Chain.of(dense(r, 64, 48, "tanh"), dense(r, 64, 64, "relu"),
          dense(r, 16, 64, "identity"));
      case "residual" -> Chain.of(dense(r, 64, 48, "gelu"),
          Residual.of(dense(r, 32, 64, "silu"), dense(r, 64, 32, "identity")),
          new LayerNorm(Vec.of(random(r, 64, 1)), Vec.of(random(r, 64, 1)), 1e-5),
          dense(r, 16, 64, "sigmoid"));
      // at batch 96 the first layer's 96×544 activation backward and its 544 bias columns split
      // into blocks, and the second layer's 192×544 + 192 gradient spans two chunks of the
      // chunked sum of squares
      case "dense-parallel" -> Chain.of(dense(r, 544, 128, "tanh"), dense(r, 192, 544, "gelu"),
          Residual.of(dense(r, 128, 192, "relu"), dense(r, 192, 128, "identity")),
          dense(r, 16, 192, "identity"));
      case "batchnorm" -> Chain.of(dense(r, 64, 48, "tanh"), BatchNorm.of(64),
          dense(r, 16, 64, "identity"));
      case "recurrent" -> Chain.of(new Recurrent(Matrix.of(random(r, 48 * 48, 0.1), 48, 48),
          Matrix.of(new float[0], 48, 0), Vec.of(random(r, 48, 0.1)), Activations.TANH, 20),
          dense(r, 16, 48, "identity"));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"dense", "residual", "batchnorm", "recurrent", "dense-parallel"})
  void repeatedPassesAllocateNothing(String kind) {
    assertCompiledPassesAllocateNothing(kind, "");
  }

  /**
   * The same with 128-bit vectors (-XX:MaxVectorSize=16), where the half-width species of the
   * norm, softmax and BatchNorm kernels would be 64 bits, which C2 boxes: those paths fall back
   * to scalar code.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dense", "residual", "batchnorm"})
  void repeatedPassesAllocateNothingWith128BitVectors(String kind) {
    assertCompiledPassesAllocateNothing(kind, "-XX:MaxVectorSize=16");
  }

  private static void assertCompiledPassesAllocateNothing(String kind, String flag) {
    List<String> flags = flag.isEmpty() ? List.of("-XX:-BackgroundCompilation")
        : List.of("-XX:-BackgroundCompilation", flag);
    ChildJvm.Result r = ChildJvm.run(kind + flag, ChildJvm.parentHasVectorModule(), flags,
        AllocationFreeTest.class, kind).requireSuccess();
    long bytes = Long.parseLong(r.out().strip());
    assertTrue(bytes <= 4096, () -> kind + " " + flag + ": " + bytes + " bytes allocated by 400"
        + " compiled passes (best of " + ROUNDS + " rounds)");
  }

  /** Child main: prints the fewest bytes one round of 400 passes of chain {@code args[0]} took. */
  public static void main(String[] args) throws ReflectiveOperationException {
    System.out.println(bestRound(args[0]));
  }

  private static long bestRound(String kind) throws ReflectiveOperationException {
    Chain net = chain(kind);
    SplittableRandom r = new SplittableRandom(11);
    int batch = kind.endsWith("-parallel") ? 96 : 4;
    float[] x = random(r, batch * net.inputSize(), 1);
    float[] up = random(r, batch * net.outputSize(), 1);
    float[] dir = random(r, net.inputSize(), 1);
    float[] dOut = new float[net.outputSize()];
    Tape batchTape = net.newTape();
    if (kind.endsWith("-parallel")) {
      batchTape.parallelism(Parallelism.threads(2)); // row-split gemms on the shared workers
    }
    Tape single = net.newTape();
    Gradients grads = new Gradients(net);
    GradientProfile profile = new GradientProfile(net);
    long[] workers = {};
    long best = Long.MAX_VALUE;
    for (int round = 0; best > 4096 && round < ROUNDS; round++) {
      if (round == 1) { // the workers exist after the first round; they are counted too
        workers = WorkerAllocations.workerIds();
      }
      long before = WorkerAllocations.allocatedBytes(workers);
      for (int p = 0; p < 100; p++) {
        net.forward(batchTape, x, 0, batch);
        net.backward(batchTape, up, 0, grads, profile);
        if (!kind.equals("batchnorm")) { // BatchNorm in TRAIN mode needs a batch of 2 or more
          net.forward(single, x, 0, 1);
          net.backward(single, up, 0, grads, profile);
          net.jvp(single, dir, 0, dOut, 0);
        }
      }
      best = Math.min(best, WorkerAllocations.allocatedBytes(workers) - before);
    }
    if (kind.endsWith("-parallel") && workers.length == 0) {
      throw new IllegalStateException("no worker thread took part: the test measured nothing");
    }
    return best;
  }
}
