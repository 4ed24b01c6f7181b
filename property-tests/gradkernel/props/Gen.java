package gradkernel.props;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Shared generators. Each one mixes its edge cases in explicitly (length 0 and 1, Lucene's tail
 * sizes, width 1, depth 1, huge/tiny scales, signed zeros, subnormals) and shrinks towards the
 * smallest, most readable case: short, width 1, depth 1, values 0 or 1.
 */
final class Gen {
  private Gen() {}

  /** Odd lengths around every plausible vector width catch tail bugs (DESIGN.md). */
  static final int[] TAIL_SIZES = {0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 25, 31, 32, 33, 63,
      64, 65, 100, 127, 128, 129, 207, 256, 300};

  /** Kernel lengths 0..300 with the tail sizes as edge cases. */
  static Arbitrary<Integer> length() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 300)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(boxed(TAIL_SIZES))));
  }

  /** Array offsets 0..17 (misaligned for every vector width). */
  static Arbitrary<Integer> offset() {
    return Arbitraries.integers().between(0, 17);
  }

  /**
   * Finite floats of any sign and magnitude in [-bound, bound], biased to signed zeros,
   * subnormals, ±1 and the extremes.
   */
  static Arbitrary<Float> finite(float bound) {
    Arbitrary<Float> special = Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
        Float.MIN_NORMAL, 1f, -1f, bound, -bound, 3e-39f);
    Arbitrary<Float> uniform = Arbitraries.floats().between(-bound, bound);
    Arbitrary<Float> logScale = Combinators.combine(Arbitraries.integers().between(-40, 
        (int) Math.floor(Math.log10(bound))), Arbitraries.floats().between(1f, 9.99f),
        Arbitraries.of(1f, -1f)).as((e, m, s) -> s * Math.min(bound, m * (float) Math.pow(10, e)));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, special),
        net.jqwik.api.Tuple.of(3, uniform), net.jqwik.api.Tuple.of(3, logScale));
  }

  /** Any float including NaN and ±∞ (for the exact elementwise kernels). */
  static Arbitrary<Float> anyFloat() {
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, finite(Float.MAX_VALUE)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY)));
  }

  /** A float array of exactly {@code n} elements from {@code values}. */
  static Arbitrary<float[]> array(int n, Arbitrary<Float> values) {
    return values.list().ofSize(n).map(Gen::toArray);
  }

  /** Layer widths 1..12 (width 1 as an edge case) — small so the suite stays fast. */
  static Arbitrary<Integer> width() {
    return Arbitraries.integers().between(1, 12).withDistribution(
        net.jqwik.api.RandomDistribution.uniform()).edgeCases(c -> c.includeOnly(1, 12));
  }

  /** Chain depths 1..24 (depth 1 as an edge case). */
  static Arbitrary<Integer> depth() {
    return Arbitraries.integers().between(1, 24).edgeCases(c -> c.includeOnly(1, 24));
  }

  /** Seeds for the test's own random matrices (shrink to 0). */
  static Arbitrary<Long> seed() {
    return Arbitraries.longs().between(0, 1_000_000);
  }

  /** Specs of every activation the library currently knows, probed through Activations.of. */
  static Arbitrary<Activation> activation() {
    return Arbitraries.of(available(ALL_SPECS));
  }

  /** Specs tried; those the library does not (yet) accept are left out. */
  static final String[] ALL_SPECS = {"identity", "tanh", "sigmoid", "relu", "leaky_relu:0.01",
      "leaky_relu:0.2", "elu", "elu:0.5", "gelu", "gelu_tanh", "softplus", "selu", "hardtanh",
      "swish"};

  static List<Activation> available(String... specs) {
    List<Activation> out = new ArrayList<>();
    for (String s : specs) {
      try {
        out.add(Activations.of(s));
      } catch (IllegalArgumentException notYet) {
        // Not implemented by the activation package (yet): not generated.
      }
    }
    return out;
  }

  static float[] toArray(List<Float> l) {
    float[] a = new float[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  private static Integer[] boxed(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  /** Layer widths w_0 … w_L of a dense chain: depth from {@link #depth()}, each from {@link #width()}. */
  static Arbitrary<int[]> widths() {
    return depth().flatMap(d -> width().list().ofSize(d + 1)
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray()));
  }

  /**
   * Weight scale 10^[−1, 1] (edges 0.1 and 10): keeps Π σ within float's normal range at depth 24,
   * so neither pass overflows or underflows.
   */
  static Arbitrary<Double> chainScale() {
    return Arbitraries.doubles().between(-1, 1).map(e -> Math.pow(10, e))
        .edgeCases(c -> c.includeOnly(0.1, 10.0));
  }
}
