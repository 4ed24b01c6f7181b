package gradkernel.bench;

import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Vec;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 19's "the single-machine hot path must not slow down": the current
 * {@link NormAccumulator} (chunk partials summed exactly in an ExactSum, order-independent merges)
 * against {@link LegacyNormAccumulator} (the same chunks and kernel, partials summed in plain
 * double: the code before commit 14e51de), one thread, same run. Pairs ({@code …Exact} /
 * {@code …Legacy}):
 * <ul>
 *   <li>{@code gpt2}: reset, add GPT-2 small's 148 gradient tensors (124.4M floats, 1901 chunks),
 *       norm — the clip path (Clip.globalNorm without the accumulator allocation). Bandwidth-bound.</li>
 *   <li>{@code small}: reset, add one 768-float tensor (a LayerNorm gain), norm, on a reused
 *       accumulator — the fixed cost per call (ExactSum reset of 136 limbs and rounding).</li>
 *   <li>{@code smallFresh}: a new accumulator per call, add 768 floats, norm — what
 *       Clip.globalNorm / Clip.byNorm do per call (the exact one allocates its 136 limbs and the
 *       rounding scratch as well).</li>
 *   <li>{@code partials148}: reset, 148 precomputed Σx² via addSumOfSquares, norm — the training
 *       loop's path, the norm from the backward's profiles (README, Trainer).</li>
 * </ul>
 * The tear-down checks that both give the same norm to 1e-12 (relative). ms (gpt2) or ns per call.
 * Each pair is written out twice on purpose (same shape, different class): an interface over the
 * two accumulators would put a polymorphic call inside the measured loop.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class NormHotPathBench {
  private static final NormHotPathBench B = new NormHotPathBench(); // for the tear-down checks

  /** Width of the small tensor: GPT-2 small's model width (LayerNorm gains, biases). */
  public static final int SMALL = 768;

  /** GPT-2 small's gradients and one reusable accumulator of each kind. */
  @State(Scope.Thread)
  public static class Gpt2 {
    float[][] g;
    Vec[] views; // g as NormAccumulator takes it, made once
    final NormAccumulator exact = NormAccumulator.l2();
    final LegacyNormAccumulator legacy = new LegacyNormAccumulator();

    @Setup(Level.Trial)
    public void setup() {
      g = Gpt2Shapes.gradients(7);
      views = Data.views(g);
    }

    @TearDown(Level.Trial)
    public void verify() {
      Data.check("GPT-2 norm, exact vs legacy", B.gpt2Legacy(this), B.gpt2Exact(this), 1e-12);
    }
  }

  /** A 768-float tensor, 148 per-tensor sums of squares and reusable accumulators. */
  @State(Scope.Thread)
  public static class Small {
    float[] x;
    Vec xv; // x[0, SMALL) as a view, made once
    final double[] partials = new double[148];
    final NormAccumulator exact = NormAccumulator.l2();
    final LegacyNormAccumulator legacy = new LegacyNormAccumulator();

    @Setup(Level.Trial)
    public void setup() {
      x = Data.uniform(SMALL, 1e-3, 11);
      xv = new Vec(x, 0, SMALL);
      java.util.List<Integer> sizes = Gpt2Shapes.sizes();
      for (int i = 0; i < partials.length; i++) {
        // the Σx² of a tensor of that size with entries ~U(±1e-3): size·1e-6/3, jittered
        partials[i] = sizes.get(i) * 1e-6 / 3 * (1 + 1e-3 * i);
      }
    }

    @TearDown(Level.Trial)
    public void verify() {
      Data.check("768 norm, exact vs legacy", B.smallLegacy(this), B.smallExact(this), 1e-12);
      Data.check("768 norm, fresh exact vs legacy", B.smallFreshLegacy(this),
          B.smallFreshExact(this), 1e-12);
      Data.check("148 partials, exact vs legacy", B.partials148Legacy(this),
          B.partials148Exact(this), 1e-12);
    }
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double gpt2Exact(Gpt2 s) {
    NormAccumulator a = s.exact.reset();
    for (Vec t : s.views) {
      a.add(t);
    }
    return a.norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double gpt2Legacy(Gpt2 s) {
    LegacyNormAccumulator a = s.legacy.reset();
    for (float[] t : s.g) {
      a.add(t, 0, t.length);
    }
    return a.norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double smallExact(Small s) {
    return s.exact.reset().add(s.xv).norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double smallLegacy(Small s) {
    return s.legacy.reset().add(s.x, 0, SMALL).norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double smallFreshExact(Small s) {
    return NormAccumulator.l2().add(s.xv).norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double smallFreshLegacy(Small s) {
    return new LegacyNormAccumulator().add(s.x, 0, SMALL).norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double partials148Exact(Small s) {
    NormAccumulator a = s.exact.reset();
    for (double p : s.partials) {
      a.addSumOfSquares(p);
    }
    return a.norm();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double partials148Legacy(Small s) {
    LegacyNormAccumulator a = s.legacy.reset();
    for (double p : s.partials) {
      a.addSumOfSquares(p);
    }
    return a.norm();
  }

}
