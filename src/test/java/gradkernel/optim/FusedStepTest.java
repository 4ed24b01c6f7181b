package gradkernel.optim;

import gradkernel.tensor.Parallelism;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.clip.Clip;
import gradkernel.clip.NonFiniteException;
import gradkernel.clip.NormAccumulator;
import gradkernel.kernel.OptimizerKernels;
import gradkernel.tensor.Vec;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused step (clip, penalty, state, weights in one pass) against clip-then-step, the
 * non-finite policy, the parallel variant and the scalar kernels: all bit for bit.
 */
class FusedStepTest {

  static Stream<Function<ParameterSet, Optimizer<?>>> optimizers() {
    return Stream.of(
        p -> new Sgd(p, 0.05).l2(1e-2).l1(1e-3),
        p -> new Sgd(p, 0.05).momentum(0.9).variant(Sgd.Variant.NESTEROV).l2(1e-2),
        p -> new Sgd(p, 0.05).momentum(0.9).dampening(0.2),
        p -> new RmsProp(p, 0.01).momentum(0.3).variant(RmsProp.Variant.CENTERED).l1(1e-3),
        p -> new RmsProp(p, 0.01).l2(1e-3),
        p -> new Adagrad(p, 0.05).lrDecay(0.1).initialAccumulatorValue(0.5).l2(1e-3),
        p -> new Adam(p, 1e-3).weightDecay(1e-2).variant(Adam.Variant.AMSGRAD),
        p -> new AdamW(p, LearningRate.warmup(1e-3, 5, 0.2)).weightDecay(0.1).l1(1e-4));
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void fusedClipEqualsClipThenStepBitForBit(Function<ParameterSet, Optimizer<?>> make) {
    ParameterSet fused = ParameterSet.of(Nets.mixed(5));
    ParameterSet split = ParameterSet.of(Nets.mixed(5));
    Optimizer<?> a = make.apply(fused);
    Optimizer<?> b = make.apply(split);
    SplittableRandom r = new SplittableRandom(9);
    NormAccumulator acc = NormAccumulator.l2();
    for (int t = 0; t < 12; t++) {
      double scale = new double[] {1e-3, 0.5, 40, 3e20}[t % 4];
      Nets.fillGradients(fused, r, scale, acc);
      System.arraycopy(fused.gradients(), 0, split.gradients(), 0, fused.size());
      double norm = acc.norm();
      assertTrue(a.step(acc, 1.0));
      Clip.scaleToNorm(norm, 1.0, Vec.of(split.gradients())); // torch order: clip in place, then step
      assertTrue(b.step());
      System.arraycopy(fused.gradients(), 0, split.gradients(), 0, fused.size()); // g unscaled
      Nets.assertSameBits(Nets.buffers(split), Nets.buffers(fused), a + " step " + t);
      assertEquals(Optimizer.clipCoefficient(norm, 1.0), a.lastClipCoefficient());
    }
  }

  @Test
  void clipCoefficientIsOneAtOrBelowTheLimitAndAtZero() {
    assertEquals(1f, Optimizer.clipCoefficient(0, 1));
    assertEquals(1f, Optimizer.clipCoefficient(0, 0));
    assertEquals(1f, Optimizer.clipCoefficient(1, 1));
    float c = Optimizer.clipCoefficient(4, 1);
    assertTrue(c < 0.25f && c >= Math.nextDown(0.25f) * (1 - 0x1p-22f), "c = " + c);
    assertEquals(0f, Optimizer.clipCoefficient(5, 0));
    assertThrows(IllegalArgumentException.class, () -> Optimizer.clipCoefficient(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> Optimizer.clipCoefficient(1, -1));
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void nonFiniteNormSkipsAndLeavesEveryBufferBitIdentical(
      Function<ParameterSet, Optimizer<?>> make) {
    ParameterSet p = ParameterSet.of(Nets.mixed(6));
    Optimizer<?> opt = make.apply(p);
    SplittableRandom r = new SplittableRandom(10);
    NormAccumulator acc = NormAccumulator.l2();
    for (int t = 0; t < 3; t++) {
      Nets.fillGradients(p, r, 0.1, acc);
      opt.step(acc, 1.0);
    }
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      Nets.fillGradients(p, r, 0.1, acc);
      p.gradients()[7] = bad;
      acc.reset().add(Vec.of(p.gradients()));
      Map<String, float[]> before = Nets.buffers(p);
      int skipped = opt.skipped();
      assertFalse(opt.step(acc, 1.0));
      assertFalse(opt.step(acc.norm(), 1.0));
      assertFalse(opt.step(Float.NaN));
      assertFalse(opt.step(Parallelism.threads(2), Float.POSITIVE_INFINITY));
      Nets.assertSameBits(before, Nets.buffers(p), "skip " + bad);
      assertEquals(skipped + 4, opt.skipped());
      assertEquals(3, opt.steps());
      opt.onNonFinite(OnNonFinite.THROW);
      NonFiniteException e = assertThrows(NonFiniteException.class, () -> opt.step(acc, 1.0));
      assertEquals(7, e.elementIndex());
      assertThrows(NonFiniteException.class, () -> opt.step(Double.NaN, 1.0));
      Nets.assertSameBits(before, Nets.buffers(p), "throw " + bad);
      opt.onNonFinite(OnNonFinite.SKIP);
    }
  }

  @Test
  void skippedFirstStepCreatesNoState() {
    ParameterSet p = ParameterSet.of(Nets.mixed(6));
    Adam opt = new Adam(p, 1e-3);
    assertFalse(opt.step(Double.POSITIVE_INFINITY, 1.0));
    assertEquals(0, p.stateSlots().size());
    assertEquals(1, opt.skipped());
  }

  @Test
  void badArgumentsThrowBeforeWriting() {
    ParameterSet p = ParameterSet.of(Nets.mixed(6));
    Adam opt = new Adam(p, 1e-3);
    Map<String, float[]> before = Nets.buffers(p);
    assertThrows(IllegalArgumentException.class, () -> opt.step(-1f));
    assertThrows(IllegalArgumentException.class, () -> opt.step(1.0, -1));
    assertThrows(IllegalArgumentException.class, () -> opt.step(1.0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new Adam(p, -1));
    assertThrows(IllegalArgumentException.class, () -> opt.betas(1, 0.9));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(p, 0.1).variant(Sgd.Variant.NESTEROV).step());
    Adam nanLr = new Adam(p, t -> Double.NaN);
    assertThrows(IllegalArgumentException.class, nanLr::step);
    Nets.assertSameBits(before, Nets.buffers(p), "after rejected calls");
    assertEquals(0, opt.steps());
  }

  @ParameterizedTest
  @MethodSource("optimizers")
  void parallelAndScalarStepsAreBitIdenticalToSequential(
      Function<ParameterSet, Optimizer<?>> make) {
    // 3 x 9000 weight: 27000 floats, two blocks plus a bias.
    ParameterSet seq = ParameterSet.of(Nets.wide(4, 3, 9000));
    ParameterSet scalar = ParameterSet.of(Nets.wide(4, 3, 9000));
    Optimizer<?> a = make.apply(seq);
    Optimizer<?> s = make.apply(scalar).kernels(OptimizerKernels.scalar());
    ParameterSet[] par = new ParameterSet[3];
    Optimizer<?>[] po = new Optimizer<?>[3];
    for (int k = 0; k < 3; k++) {
      par[k] = ParameterSet.of(Nets.wide(4, 3, 9000));
      po[k] = make.apply(par[k]);
    }
    SplittableRandom r = new SplittableRandom(12);
    NormAccumulator acc = NormAccumulator.l2();
    for (int t = 0; t < 4; t++) {
      Nets.fillGradients(seq, r, t % 2 == 0 ? 0.01 : 1, acc);
      double norm = acc.norm();
      System.arraycopy(seq.gradients(), 0, scalar.gradients(), 0, seq.size());
      a.step(norm, 5.0);
      s.step(norm, 5.0);
      Nets.assertSameBits(Nets.buffers(seq), Nets.buffers(scalar), "scalar step " + t);
      for (int k = 0; k < 3; k++) {
        System.arraycopy(seq.gradients(), 0, par[k].gradients(), 0, seq.size());
        po[k].step(Parallelism.threads(k + 1), norm, 5.0);
        Nets.assertSameBits(Nets.buffers(seq), Nets.buffers(par[k]),
            (k + 1) + " threads step " + t);
      }
    }
  }
}
