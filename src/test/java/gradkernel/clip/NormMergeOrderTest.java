package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The L2 norm of NormAccumulator is bit-identical for any split into accumulators and any merge order. */
class NormMergeOrderTest {

  private static float[] tensor(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(120) - 60);
    }
    return a;
  }

  @Test
  void anySplitAndMergeOrderGivesTheSequentialBits() {
    Random r = new Random(3);
    List<float[]> ts = new ArrayList<>();
    for (int t = 0; t < 40; t++) {
      ts.add(tensor(r, 1 + r.nextInt(NormAccumulator.CHUNK / 8)));
    }
    ts.add(tensor(r, NormAccumulator.CHUNK * 2 + 17)); // several chunks
    NormAccumulator seq = NormAccumulator.l2();
    ts.forEach(t -> seq.add(Vec.of(t)));
    long want = Double.doubleToRawLongBits(seq.norm());
    for (int trial = 0; trial < 15; trial++) {
      int k = 1 + r.nextInt(7);
      List<NormAccumulator> parts = new ArrayList<>();
      for (int w = 0; w < k; w++) {
        parts.add(NormAccumulator.l2());
      }
      List<float[]> shuffled = new ArrayList<>(ts);
      Collections.shuffle(shuffled, r);
      for (float[] t : shuffled) {
        parts.get(r.nextInt(k)).add(Vec.of(t));
      }
      Collections.shuffle(parts, r);
      // a random merge tree: repeatedly merge two random accumulators
      while (parts.size() > 1) {
        NormAccumulator a = parts.remove(r.nextInt(parts.size()));
        NormAccumulator b = parts.remove(r.nextInt(parts.size()));
        parts.add(a.merge(b));
      }
      assertEquals(want, Double.doubleToRawLongBits(parts.get(0).norm()), "trial " + trial);
      assertEquals(ts.size(), parts.get(0).tensorCount());
    }
  }

  @Test
  void hugePartialsMergeExactlyInAnyOrder() {
    double[] norms = {1e300, 3e299, 1e-300, 7.5, 1e308, 2e307};
    NormAccumulator seq = NormAccumulator.l2();
    for (double n : norms) {
      seq.addNorm(n);
    }
    java.math.BigDecimal ss = java.math.BigDecimal.ZERO;
    for (double n : norms) {
      ss = ss.add(new java.math.BigDecimal(n).pow(2));
    }
    double exact = ss.sqrt(new java.math.MathContext(40)).doubleValue();
    assertEquals(exact, seq.norm(), Math.ulp(exact));
    NormAccumulator a = NormAccumulator.l2().addNorm(norms[4]).addNorm(norms[0]);
    NormAccumulator b = NormAccumulator.l2().addNorm(norms[3]).addNorm(norms[2]);
    NormAccumulator c = NormAccumulator.l2().addNorm(norms[5]).addNorm(norms[1]);
    assertEquals(Double.doubleToRawLongBits(seq.norm()),
        Double.doubleToRawLongBits(c.merge(b).merge(a).norm()));
  }
}
