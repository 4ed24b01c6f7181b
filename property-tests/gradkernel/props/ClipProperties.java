package gradkernel.props;

import gradkernel.tensor.Parallelism;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.clip.Clip;
import gradkernel.clip.NonFinite;
import gradkernel.tensor.Views;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Global-norm clipping ({@link Clip#byGlobalNorm}) on arbitrary lists of float tensors: 0..5
 * tensors of Gen's lengths (tail sizes as edge cases), each at its own magnitude bound from
 * 1e-30 up to Float.MAX_VALUE (signed zeros, subnormals and the extremes mixed in), and limits
 * maxNorm = 0 or 10^e, e ∈ [-30, 30]. The allowances are the ones Clip documents: ε = 2⁻²³ for
 * the clip, (n/2 + 2)·2⁻⁵³ relative for the norm, √n·2⁻¹⁴⁹ absolute for subnormal results.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class ClipProperties {
  static final double EPS = 0x1p-23;
  static final MathContext MC = new MathContext(60);

  /** A list of tensors (copied before each use, the arrays are clipped in place). */
  record Grads(float[][] g) {
    float[][] copy() {
      float[][] c = new float[g.length][];
      for (int t = 0; t < g.length; t++) {
        c[t] = g[t].clone();
      }
      return c;
    }

    int size() {
      int n = 0;
      for (float[] t : g) {
        n += t.length;
      }
      return n;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(g.length + " tensors:");
      for (float[] t : g) {
        s.append(' ').append(Arrays.toString(Arrays.copyOf(t, Math.min(t.length, 6))))
            .append(t.length > 6 ? "…(" + t.length + ")" : "");
      }
      return s.toString();
    }
  }

  /** One tensor: Gen's finite values in [-1, 1] times a per-tensor scale (tiny to Float.MAX). */
  static Arbitrary<float[]> tensor() {
    Arbitrary<Float> scale = Arbitraries.of(1f, 1e-30f, 1e19f, Float.MAX_VALUE);
    return Combinators.combine(Gen.length(), scale).flatAs((n, c) -> Gen.array(n,
        Gen.finite(1f)).map(a -> {
          for (int i = 0; i < a.length; i++) {
            a[i] *= c;
          }
          return a;
        }));
  }

  @Provide
  Arbitrary<Grads> grads() {
    return tensor().list().ofMinSize(0).ofMaxSize(5)
        .map(l -> new Grads(l.toArray(new float[0][])));
  }

  @Provide
  Arbitrary<Double> maxNorm() {
    Arbitrary<Double> logUniform = Arbitraries.doubles().between(-30, 30).map(e -> Math.pow(10,
        e));
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(0.0, 1.0, 1e-30, 1e30)),
        Tuple.of(6, logUniform));
  }

  static double reference(float[][] g) {
    BigDecimal s = BigDecimal.ZERO;
    for (float[] t : g) {
      for (float x : t) {
        double v = x;
        s = s.add(new BigDecimal(v * v), MC);
      }
    }
    return s.sqrt(MC).doubleValue();
  }

  static boolean bitEqual(float[][] a, float[][] b) {
    for (int t = 0; t < a.length; t++) {
      if (!Arrays.equals(a[t], b[t])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The norm is within (n/2 + 2)·2⁻⁵³ relative of the exact (60-digit BigDecimal) Euclidean norm
   * for finite input of any magnitude, i.e. never overflows or underflows; the parallel variant
   * returns the same bits.
   */
  @Property(tries = 300)
  void normMatchesBigDecimal(@ForAll("grads") Grads grads) {
    double want = reference(grads.g());
    double got = Clip.globalNorm(Views.all(grads.g()));
    double bound = (grads.size() / 2.0 + 2) * 0x1p-53;
    Statistics.label("norm range").collect(want == 0 ? "0" : want > Float.MAX_VALUE
        ? "> Float.MAX" : want < 1e-30 ? "< 1e-30" : "normal");
    assertTrue(Math.abs(got - want) <= bound * want, "got " + got + " want " + want);
    assertEquals(Double.doubleToRawLongBits(got),
        Double.doubleToRawLongBits(Clip.globalNorm(Parallelism.allCores(), Views.all(grads.g()))));
  }

  /**
   * Post-clip bound: the clipped list's exact norm is ≤ maxNorm·(1 + 4ε) + √n·2⁻¹⁴⁹, and when the
   * clip was active ≥ maxNorm·(1 − 4ε) − √n·2⁻¹⁴⁹; nothing becomes NaN or infinite.
   */
  @Property(tries = 300)
  void postClipNormWithinBounds(@ForAll("grads") Grads grads, @ForAll("maxNorm") double max) {
    float[][] g = grads.copy();
    double pre = Clip.byGlobalNorm(max, Views.all(g));
    double post = reference(g);
    double tiny = Math.sqrt(grads.size()) * 0x1p-149;
    Statistics.label("clip").collect(pre > max ? "active" : "below max");
    assertTrue(post <= max * (1 + 4 * EPS) + tiny, "post " + post + " > " + max);
    if (pre > max) {
      assertTrue(post >= max * (1 - 4 * EPS) - tiny, "post " + post + " << " + max);
    }
    for (float[] t : g) {
      for (float v : t) {
        assertTrue(Float.isFinite(v), "non-finite after clip: " + v);
      }
    }
  }

  /**
   * Direction: the clipped list is k·g with k = Clip.clipCoefficient, every element within the
   * rounding of k down to float plus one product rounding (3·2⁻²⁴ relative, 2⁻¹⁴⁹ absolute
   * below the normal range) — cosine 1 to rounding.
   */
  @Property(tries = 300)
  void directionPreserved(@ForAll("grads") Grads grads, @ForAll("maxNorm") double max) {
    float[][] g = grads.copy();
    double pre = Clip.byGlobalNorm(max, Views.all(g));
    double k = pre > max ? Clip.clipCoefficient(pre, max) : 1;
    float[][] x = grads.g();
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        double want = k * x[t][i];
        double err = Math.abs(g[t][i] - want);
        // Rounding the coefficient down to float (< 1 ulp, ≤ 2⁻²³) and the product (2⁻²⁴).
        assertTrue(err <= 3 * 0x1p-24 * Math.abs(want) + 0x1p-149,
            "element [" + t + "][" + i + "] " + x[t][i] + " → " + g[t][i] + ", k = " + k);
        assertTrue(g[t][i] == 0 || Math.signum(g[t][i]) == Math.signum(x[t][i]));
      }
    }
  }

  /**
   * Idempotence: clipping an already clipped list writes nothing (for limits ≥ 1e-30, where the
   * coefficient's 2⁻²² slack exceeds every rounding, Clip's documented condition).
   */
  @Property(tries = 300)
  void idempotent(@ForAll("grads") Grads grads, @ForAll("maxNorm") double max) {
    float[][] g = grads.copy();
    Clip.byGlobalNorm(max, Views.all(g));
    float[][] once = new Grads(g).copy();
    double second = Clip.byGlobalNorm(max, Views.all(g));
    assertTrue(second <= max, "clipped norm " + second + " > " + max);
    assertTrue(bitEqual(once, g), "second clip wrote");
  }

  /** No-op below the limit: maxNorm ≥ norm returns the norm and leaves every bit unchanged. */
  @Property(tries = 200)
  void noOpBelowMax(@ForAll("grads") Grads grads,
      @ForAll("factors") double factor) {
    float[][] g = grads.copy();
    double norm = Clip.globalNorm(Views.all(g));
    double max = norm * factor;
    if (!Double.isFinite(max)) {
      max = Double.MAX_VALUE;
    }
    assertEquals(norm, Clip.byGlobalNorm(max, Views.all(g)));
    assertTrue(bitEqual(grads.g(), g));
    assertEquals(norm, Clip.byGlobalNorm(max, 2, NonFinite.ZERO, Views.all(g)));
    assertTrue(bitEqual(grads.g(), g));
  }

  @Provide
  Arbitrary<Double> factors() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(1.0)),
        Tuple.of(3, Arbitraries.doubles().between(1, 1e6)));
  }

  /** Never NaN for finite input: even the largest floats give a finite norm and finite result. */
  @Property(tries = 100)
  void neverNaNForHugeFiniteInput(@ForAll("counts") List<Integer> counts,
      @ForAll("maxNorm") double max) {
    float[][] g = new float[counts.size()][];
    for (int t = 0; t < g.length; t++) {
      g[t] = new float[counts.get(t)];
      Arrays.fill(g[t], t % 2 == 0 ? Float.MAX_VALUE : -1e19f);
    }
    double pre = Clip.byGlobalNorm(max, Views.all(g));
    assertTrue(Double.isFinite(pre));
    for (float[] t : g) {
      for (float v : t) {
        assertTrue(Float.isFinite(v));
      }
    }
  }

  @Provide
  Arbitrary<List<Integer>> counts() {
    return Arbitraries.integers().between(0, 2000).list().ofMaxSize(4);
  }
}
