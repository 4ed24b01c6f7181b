package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.optim.Adagrad;
import gradkernel.optim.Adam;
import gradkernel.optim.AdamW;
import gradkernel.optim.Optimizer;
import gradkernel.optim.ParameterSet;
import gradkernel.optim.RmsProp;
import gradkernel.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The fused optimizer step on arbitrary Dense shapes, gradients (Gen.finite: signed zeros,
 * subnormals, extremes up to 10³) and every optimizer family: the clip coefficient is applied
 * exactly (a fused step with c equals an unclipped step on gradients pre-multiplied by c in float,
 * bit for bit), a step from (norm, maxNorm) is the step with {@code clipCoefficient(norm,
 * maxNorm)}, and a non-finite norm or coefficient leaves every buffer bit-identical.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class OptimFusedStepProperties {

  static Optimizer<?> make(int kind, ParameterSet p) {
    return switch (kind) {
      case 0 -> new Sgd(p, 0.05).l2(1e-2).l1(1e-3);
      case 1 -> new Sgd(p, 0.05).momentum(0.9).variant(Sgd.Variant.NESTEROV);
      case 2 -> new RmsProp(p, 0.01).variant(RmsProp.Variant.CENTERED).momentum(0.3).l2(1e-3);
      case 3 -> new Adagrad(p, 0.05).lrDecay(0.01).initialAccumulatorValue(0.1);
      case 4 -> new Adam(p, 1e-3).weightDecay(1e-2).variant(Adam.Variant.AMSGRAD).l1(1e-4);
      default -> new AdamW(p, 1e-3).weightDecay(0.1);
    };
  }

  static ParameterSet params(int out, int in, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[out * in];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (r.nextDouble() - 0.5);
    }
    return ParameterSet.of(Chain.of(Dense.of(w, out, in, b, Activations.TANH)));
  }

  static List<float[]> buffers(ParameterSet p, boolean withGradients) {
    List<float[]> l = new ArrayList<>();
    l.add(p.values().clone());
    if (withGradients) {
      l.add(p.gradients().clone());
    }
    for (String s : p.stateSlots()) {
      l.add(p.state(s).clone());
    }
    return l;
  }

  static void assertSameBits(List<float[]> e, List<float[]> a, String what) {
    assertEquals(e.size(), a.size(), what);
    for (int k = 0; k < e.size(); k++) {
      for (int i = 0; i < e.get(k).length; i++) {
        assertEquals(Float.floatToRawIntBits(e.get(k)[i]), Float.floatToRawIntBits(a.get(k)[i]),
            what + ": buffer " + k + " [" + i + "]");
      }
    }
  }

  @Provide
  Arbitrary<Float> coefficient() {
    Arbitrary<Float> logScale = net.jqwik.api.Combinators.combine(
        Arbitraries.integers().between(-30, 0), Arbitraries.floats().between(1f, 9.99f))
        .as((e, m) -> m * (float) Math.pow(10, e));
    return Arbitraries.oneOf(Arbitraries.of(0f, 1f, Float.MIN_NORMAL, 0.5f, 1e-20f, 2f),
        Arbitraries.floats().between(0f, 1f), logScale);
  }

  @Provide
  Arbitrary<List<Float>> gradientValues() {
    return Gen.finite(1e3f).list().ofMinSize(1).ofMaxSize(64);
  }

  @Property(tries = 200)
  void clipCoefficientIsAppliedExactly(@ForAll @IntRange(min = 1, max = 24) int out,
      @ForAll @IntRange(min = 1, max = 40) int in, @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll("coefficient") float c, @ForAll @IntRange(min = 1, max = 3) int steps,
      @ForAll("gradientValues") List<Float> values, @ForAll long seed) {
    ParameterSet fused = params(out, in, seed);
    ParameterSet pre = params(out, in, seed);
    Optimizer<?> a = make(kind, fused);
    Optimizer<?> b = make(kind, pre);
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < fused.size(); i++) {
        float g = values.get((i + 7 * t) % values.size()) * (float) (1 + r.nextDouble());
        fused.gradients()[i] = g;
        pre.gradients()[i] = g * c; // the clip, rounded once, as the kernel does
      }
      assertTrue(a.step(c));
      assertTrue(b.step());
      assertSameBits(buffers(pre, false), buffers(fused, false), a + " step " + t + " c=" + c);
    }
  }

  @Property(tries = 100)
  void aStepFromTheNormUsesTheClipCoefficient(@ForAll @IntRange(min = 1, max = 16) int out,
      @ForAll @IntRange(min = 1, max = 16) int in, @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll @IntRange(min = -30, max = 30) int e, @ForAll long seed) {
    ParameterSet x = params(out, in, seed);
    ParameterSet y = params(out, in, seed);
    Optimizer<?> a = make(kind, x);
    Optimizer<?> b = make(kind, y);
    SplittableRandom r = new SplittableRandom(seed);
    double norm = 0;
    for (int i = 0; i < x.size(); i++) {
      float g = (float) (r.nextGaussian() * Math.pow(10, e / 3.0));
      x.gradients()[i] = g;
      y.gradients()[i] = g;
      norm += (double) g * g;
    }
    norm = Math.sqrt(norm);
    double maxNorm = Math.pow(10, e / 3.0);
    float c = Optimizer.clipCoefficient(norm, maxNorm);
    if (norm <= maxNorm) {
      assertEquals(1f, c);
    } else {
      assertTrue(c <= maxNorm / norm && c >= maxNorm / norm * (1 - 0x1p-21), "c = " + c);
    }
    assertTrue(a.step(norm, maxNorm));
    assertTrue(b.step(c));
    assertSameBits(buffers(y, true), buffers(x, true), "norm " + norm + " maxNorm " + maxNorm);
  }

  @Property(tries = 100)
  void nonFiniteNormsSkipAndLeaveEveryBufferIdentical(
      @ForAll @IntRange(min = 1, max = 16) int out, @ForAll @IntRange(min = 1, max = 16) int in,
      @ForAll @IntRange(min = 0, max = 5) int kind, @ForAll @IntRange(min = 0, max = 3) int warm,
      @ForAll("nonFinite") double bad, @ForAll long seed) {
    ParameterSet p = params(out, in, seed);
    Optimizer<?> opt = make(kind, p);
    SplittableRandom r = new SplittableRandom(seed);
    for (int t = 0; t < warm; t++) {
      for (int i = 0; i < p.size(); i++) {
        p.gradients()[i] = (float) r.nextGaussian();
      }
      opt.step(1.0, 0.5);
    }
    List<float[]> before = buffers(p, true);
    List<String> slots = p.stateSlots();
    assertFalse(opt.step(bad, 1.0));
    assertFalse(opt.step((float) bad));
    assertSameBits(before, buffers(p, true), "after skipping norm " + bad);
    assertEquals(slots, p.stateSlots());
    assertEquals(warm, opt.steps());
    assertEquals(2, opt.skipped());
  }

  @Provide
  Arbitrary<Double> nonFinite() {
    return Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }
}
