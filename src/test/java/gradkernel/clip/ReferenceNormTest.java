package gradkernel.clip;

import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Vec;
import gradkernel.tensor.Views;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Global norm and clip against a 60-digit BigDecimal reference on random tensor lists: 0..200
 * tensors of 0..1e5 elements, each tensor at its own magnitude in 1e-30..1e30.
 */
class ReferenceNormTest {
  /** Total elements per list, so the BigDecimal reference stays fast. */
  static final int BUDGET = 250_000;

  static float[][] randomList(Random r) {
    int count = r.nextInt(8) == 0 ? 200 : r.nextInt(201);
    List<float[]> ts = new ArrayList<>();
    int left = BUDGET;
    for (int t = 0; t < count; t++) {
      int n = r.nextInt(6) == 0 ? 0 : (int) Math.pow(10, r.nextDouble() * 5); // 1..1e5, log
      n = Math.min(n, left);
      left -= n;
      ts.add(Ref.tensor(r, n, r.nextDouble() * 60 - 30));
    }
    return ts.toArray(new float[0][]);
  }

  static int size(float[][] g) {
    int n = 0;
    for (float[] t : g) {
      n += t.length;
    }
    return n;
  }

  @Test
  void globalNormWithinStatedBoundOfBigDecimal() {
    Random r = new Random(20261122);
    for (int trial = 0; trial < 18; trial++) {
      float[][] g = randomList(r);
      double want = Ref.l2(g);
      double got = Clip.globalNorm(Views.all(g));
      int n = size(g);
      double bound = (n / 2.0 + 2) * 0x1p-53;
      assertTrue(Math.abs(got - want) <= bound * want, "n=" + n + " got " + got + " want " + want);
      assertTrue(Math.abs(got - want) <= 1e-6 * want);
      assertEquals(got, Clip.globalNorm(Parallelism.allCores(), Views.all(g)), "parallel differs");
    }
  }

  @Test
  void singleLargestTensorAndTwoHundredTensors() {
    Random r = new Random(1);
    float[] big = Ref.tensor(r, 100_000, 29);
    double want = Ref.l2(big);
    assertEquals(want, Clip.globalNorm(Vec.of(big)), (50_000 + 2) * 0x1p-53 * want);
    float[][] many = new float[200][];
    for (int t = 0; t < many.length; t++) {
      many[t] = Ref.tensor(r, t * 7 % 1500, (t % 61) - 30);
    }
    double w = Ref.l2(many);
    assertEquals(w, Clip.globalNorm(Views.all(many)), 1e-12 * w);
  }

  @Test
  void clippedListMatchesReferenceAndKeepsDirection() {
    Random r = new Random(99);
    for (int trial = 0; trial < 8; trial++) {
      float[][] g = randomList(r);
      float[][] before = Ref.copy(g);
      double want = Ref.l2(g);
      double max = want * Math.pow(10, -r.nextDouble() * 40);
      double pre = Clip.byGlobalNorm(max, Views.all(g));
      assertEquals(want, pre, 1e-6 * want);
      double post = Ref.l2(g);
      if (want > max) {
        assertTrue(post <= max * (1 + 4 * 0x1p-23) && post >= max * (1 - 4 * 0x1p-23),
            "post " + post + " max " + max);
        Ref.assertSameDirection(before, g);
      } else {
        assertTrue(Ref.bitEqual(before, g));
      }
    }
  }
}
