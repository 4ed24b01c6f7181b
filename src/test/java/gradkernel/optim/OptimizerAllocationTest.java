package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import java.lang.reflect.Method;
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
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
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
      long before = (Long) allocated.invoke(mx);
      for (int s = 0; s < 200; s++) {
        net.forward(tape, x, 0, batch);
        net.backward(tape, up, 0, p.grads(), profile);
        acc.reset().addSumOfSquares(profile.weightGradientSumOfSquares());
        opt.step(acc, 0.5);
        if (s % 50 == 0) {
          opt.step(Float.NaN); // a skipped step
        }
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    long bytes = best;
    assertTrue(bytes <= 4096, () -> opt + ": " + bytes + " bytes allocated by 200 compiled steps");
    assertTrue(opt.skipped() > 0 && opt.steps() > 0);
  }
}
