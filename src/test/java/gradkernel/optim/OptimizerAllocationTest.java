package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.WorkerAllocations;
import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Parallelism;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Steady-state training steps (forward, backward with the profile's norm, fused clip + step)
 * allocate nothing once compiled. As in the chain's AllocationFreeTest, rounds repeat (up to 30 s)
 * until one runs compiled; a round of 200 steps allocating under 4 KiB proves no per-step buffer
 * (the smallest, a state slot of this net, is 1.7 KiB) is allocated. Skipped steps are included.
 */
class OptimizerAllocationTest {

  static Stream<Function<ParameterSet, Optimizer<?>>> optimizers() {
    return Stream.of(
        p -> new Sgd(p, 0.01).momentum(0.9).variant(Sgd.Variant.NESTEROV).l2(1e-4).l1(1e-5),
        p -> new RmsProp(p, 0.001).variant(RmsProp.Variant.CENTERED).momentum(0.5),
        p -> new Adagrad(p, 0.01).lrDecay(1e-3),
        p -> new Adam(p, 1e-3).variant(Adam.Variant.AMSGRAD).weightDecay(1e-4),
        p -> new AdamW(p, LearningRate.warmup(1e-3, 10, 0.1)
            .then(10, LearningRate.cosine(1e-3, 1000, 1e-5))).weightDecay(0.01));
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void steadyStateStepsAllocateNothing(Function<ParameterSet, Optimizer<?>> make)
      throws ReflectiveOperationException {
    assertStepsAllocateNothing(make, Parallelism.SEQUENTIAL);
  }

  /** The same on two threads, counting the shared workers' allocations too. */
  @ParameterizedTest
  @MethodSource("optimizers")
  void steadyStateParallelStepsAllocateNothing(Function<ParameterSet, Optimizer<?>> make)
      throws ReflectiveOperationException {
    assertStepsAllocateNothing(make, Parallelism.threads(2));
  }

  private static void assertStepsAllocateNothing(Function<ParameterSet, Optimizer<?>> make,
      Parallelism par) throws ReflectiveOperationException {
    ParameterSet p = ParameterSet.of(Nets.mixed(8));
    Optimizer<?> opt = make.apply(p);
    Chain net = p.chain();
    SplittableRandom r = new SplittableRandom(3);
    int batch = 4;
    float[] x = Nets.random(r, batch * net.inputSize(), 1);
    float[] up = Nets.random(r, batch * net.outputSize(), 1);
    Tape tape = net.newTape();
    GradientProfile profile = new GradientProfile(net);
    NormAccumulator acc = NormAccumulator.l2();
    long best = Long.MAX_VALUE;
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int round = 0; best > 4096 && (round < 20 || System.nanoTime() < deadline); round++) {
      long[] ids = WorkerAllocations.workerIds(); // outside the measured span: this allocates
      long before = WorkerAllocations.allocatedBytes(ids);
      for (int s = 0; s < 200; s++) {
        net.forward(tape, x, 0, batch);
        net.backward(tape, up, 0, p.grads(), profile);
        acc.reset().addSumOfSquares(profile.weightGradientSumOfSquares());
        if (par == Parallelism.SEQUENTIAL) {
          opt.step(acc, 0.5);
        } else {
          opt.step(par, acc.norm(), 0.5);
        }
        if (s % 50 == 0) {
          opt.step(par, Float.NaN); // a skipped step
        }
      }
      best = Math.min(best, WorkerAllocations.allocatedBytes(ids) - before);
    }
    long bytes = best;
    assertTrue(bytes <= 4096, () -> opt + " on " + par + ": " + bytes
        + " bytes allocated by 200 compiled steps");
    assertTrue(opt.skipped() > 0 && opt.steps() > 0);
  }
}
