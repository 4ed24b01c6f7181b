package gradkernel.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.ChildJvm;
import gradkernel.WorkerAllocations;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training steps allocate nothing once compiled: data generation, both forward passes, the loss,
 * BPTT with the profile, the global norm, the fused optimizer steps, the monitor and the history.
 * Measured as in {@code AllocationFreeTest}: in a child JVM with {@code -XX:-BackgroundCompilation}
 * (compiled code within a bounded number of steps whatever the load), the fewest bytes one round
 * of 100 steps allocates; under 4 KiB (less than one step's smallest buffer, the input batch)
 * proves that no step allocates a buffer. With two threads (batch 32: two blocks of 16) the
 * bytes of the block worker thread are counted too.
 *
 * <p>Not covered: temporal-order (8 input channels, 4 classes). There the Panama kernels
 * themselves allocate in steady state (Vector API boxing in
 * {@code PanamaActivationKernels.forwardSigmoid} and {@code PanamaGemm.block}, about 30 KB per
 * LSTM step, 1.3 KB per RNN step by JFR allocation samples; no sample in gradkernel.train).
 */
class TrainerAllocationTest {
  private static final int ROUNDS = 40;

  @ParameterizedTest
  @ValueSource(strings = {"adding:lstm:1", "adding:rnn:1", "copy:gru:1", "adding:lstm:2",
      "copy:gru:2"})
  void trainingStepsAllocateNothing(String kind) {
    ChildJvm.Result r = ChildJvm.run(kind, ChildJvm.parentHasVectorModule(),
        List.of("-XX:-BackgroundCompilation"), TrainerAllocationTest.class, kind)
        .requireSuccess();
    long bytes = Long.parseLong(r.out().strip());
    assertTrue(bytes <= 4096, () -> kind + ": " + bytes + " bytes allocated by 100 compiled"
        + " training steps (best of up to " + ROUNDS + " rounds)");
  }

  /** Signals the end of the measurement from inside the listener. */
  private static final class Done extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Done() {
      super(null, null, false, false);
    }
  }

  /** Child main: prints the fewest bytes a round of 100 training steps of {@code args[0]} took. */
  public static void main(String[] args) throws ReflectiveOperationException {
    String[] parts = args[0].split(":");
    int threads = Integer.parseInt(parts[2]);
    int batch = threads == 1 ? 4 : 32;
    TrainConfig c = TrainerTest.of(parts[0], 4, parts[1], 8, 12, batch, 100 * ROUNDS, "adam",
        1e-2, 1, "default", 1, 1, threads, 16, 50);
    long[][] workers = {null};
    long[] best = {Long.MAX_VALUE};
    long[] start = {0};
    Done done = new Done();
    try {
      new Trainer(c).run(new Trainer.Listener() {
        @Override public void step(Trainer.StepReport s) {
          if (s.step() % 100 != 99) {
            return;
          }
          if (workers[0] == null) {
            workers[0] = WorkerAllocations.workerIds();
            if (workers[0].length < threads - 1) { // shared: earlier tests may have made more
              throw new IllegalStateException(workers[0].length + " block workers for "
                  + threads + " threads");
            }
          }
          try {
            long now = WorkerAllocations.allocatedBytes(workers[0]);
            if (s.step() > 99) {
              best[0] = Math.min(best[0], now - start[0]);
            }
            if (best[0] <= 4096) {
              throw done;
            }
            start[0] = WorkerAllocations.allocatedBytes(workers[0]);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      });
    } catch (Done expected) {
      // measured
    }
    System.out.println(best[0]);
  }
}
