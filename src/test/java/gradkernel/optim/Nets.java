package gradkernel.optim;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.LayerNorm;
import gradkernel.chain.Recurrent;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Map;
import java.util.SplittableRandom;

/** Small networks and helpers shared by the optimizer tests. */
final class Nets {
  private Nets() {}

  static float[] random(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** Dense → LayerNorm → Recurrent → Dense: decaying and exempt tensors of every layer kind. */
  static Chain mixed(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return Chain.of(Dense.of(random(r, 12 * 7, 0.4), 12, 7, random(r, 12, 0.1), Activations.TANH),
        new LayerNorm(Vec.of(random(r, 12, 1)), Vec.of(random(r, 12, 0.2)), 1e-5),
        new Recurrent(Matrix.of(random(r, 12 * 12, 0.3), 12, 12), Matrix.of(new float[0], 12, 0),
            Vec.of(random(r, 12, 0.1)), Activations.TANH, 3),
        Dense.of(random(r, 5 * 12, 0.3), 5, 12, random(r, 5, 0.1), Activations.IDENTITY));
  }

  /** One wide Dense layer: its weight spans several {@link Optimizer#BLOCK}s. */
  static Chain wide(long seed, int out, int in) {
    SplittableRandom r = new SplittableRandom(seed);
    return Chain.of(Dense.of(random(r, out * in, 0.3), out, in, random(r, out, 0.1),
        Activations.IDENTITY));
  }

  /** Fills the gradients with uniform values of magnitude ≤ scale; returns their global norm. */
  static NormAccumulator fillGradients(ParameterSet p, SplittableRandom r, double scale,
      NormAccumulator acc) {
    float[] g = p.gradients();
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return acc.reset().add(Vec.of(g));
  }

  /** Every buffer of p (values, gradients, each state slot) copied. */
  static Map<String, float[]> buffers(ParameterSet p) {
    Map<String, float[]> m = new java.util.LinkedHashMap<>();
    m.put("values", p.values().clone());
    m.put("gradients", p.gradients().clone());
    for (String s : p.stateSlots()) {
      m.put(s, p.state(s).clone());
    }
    return m;
  }

  /** Asserts every buffer bit-identical (raw bits, NaN payloads included). */
  static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual,
      String what) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet(), what);
    for (String k : expected.keySet()) {
      float[] e = expected.get(k);
      float[] a = actual.get(k);
      org.junit.jupiter.api.Assertions.assertEquals(e.length, a.length, what + " " + k);
      for (int i = 0; i < e.length; i++) {
        if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
          org.junit.jupiter.api.Assertions.fail(what + ": " + k + "[" + i + "] expected "
              + e[i] + " but was " + a[i]);
        }
      }
    }
  }
}
