package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Vec;
import gradkernel.tensor.Views;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NormAccumulatorTest {
  @Test
  void rangesWithOffsetsEqualCopies() {
    Random r = new Random(8);
    float[] buf = Ref.tensor(r, 1000, 10);
    NormAccumulator acc = NormAccumulator.l2().add(new Vec(buf, 17, 300)).add(new Vec(buf, 900, 100));
    assertEquals(Clip.globalNorm(Views.all(Arrays.copyOfRange(buf, 17, 317), Arrays.copyOfRange(buf, 900, 1000))), acc.norm());
    assertEquals(2, acc.tensorCount());
    assertThrows(IllegalArgumentException.class, () -> acc.add(new Vec(buf, 950, 51)));
    assertThrows(IllegalArgumentException.class, () -> acc.add(new Vec(buf, -1, 1)));
    assertThrows(NullPointerException.class, () -> acc.add(null));
  }

  @Test
  void precomputedPartialsNeverOverflowOrUnderflow() {
    NormAccumulator big = NormAccumulator.l2().addSumOfSquares(1e300).addSumOfSquares(1e300)
        .addSumOfSquares(Double.MAX_VALUE);
    assertEquals(Math.sqrt(2e300 / Double.MAX_VALUE + 1) * Math.sqrt(Double.MAX_VALUE),
        big.norm(), 1e-15 * big.norm());
    assertEquals(Double.POSITIVE_INFINITY, big.sumOfSquares());
    NormAccumulator huge = NormAccumulator.l2();
    NormAccumulator tiny = NormAccumulator.l2();
    for (int i = 0; i < 4; i++) {
      huge.addNorm(1e300);
      tiny.addNorm(1e-300);
    }
    assertEquals(2e300, huge.norm(), 1e-15 * 2e300);
    assertEquals(2e-300, tiny.norm(), 1e-15 * 2e-300);
    NormAccumulator mixed = NormAccumulator.l2().addNorm(1e-300).add(Vec.of(new float[] {3f, 4f}));
    assertEquals(5.0, mixed.norm());
    for (double p : new double[] {1, 3, 9}) {
      NormAccumulator a = NormAccumulator.of(p).addNorm(1e300).addNorm(1e300);
      assertEquals(1e300 * Math.pow(2, 1 / p), a.norm(), 1e-14 * a.norm(), "p=" + p);
    }
    assertThrows(IllegalArgumentException.class, () -> NormAccumulator.l2().addNorm(-1));
    assertThrows(IllegalArgumentException.class, () -> NormAccumulator.l2().addSumOfSquares(-1));
    assertThrows(IllegalArgumentException.class, () -> NormAccumulator.of(3).addSumOfSquares(1));
  }

  @Test
  void mergeAppendsTensorsAndAgreesWithSequential() {
    Random r = new Random(4);
    float[][] g = new float[10][];
    for (int t = 0; t < g.length; t++) {
      g[t] = Ref.tensor(r, 500 + t * 1000, t * 3 - 15);
    }
    for (double p : new double[] {1, 2, 4, Double.POSITIVE_INFINITY}) {
      NormAccumulator seq = NormAccumulator.of(p).addAll(Views.all(g));
      NormAccumulator left = NormAccumulator.of(p);
      NormAccumulator right = NormAccumulator.of(p);
      for (int t = 0; t < g.length; t++) {
        (t < 4 ? left : right).add(Vec.of(g[t]));
      }
      left.merge(right);
      assertEquals(seq.norm(), left.norm(), 1e-13 * seq.norm(), "p=" + p);
      assertEquals(10, left.tensorCount());
    }
    NormAccumulator a = NormAccumulator.l2().add(Vec.of(new float[] {1, 2}));
    NormAccumulator b = NormAccumulator.l2().add(Vec.of(new float[] {1})).add(Vec.of(new float[] {0, 0, 9,
        Float.NaN}));
    a.merge(b);
    assertFalse(a.isFinite());
    assertEquals(2, a.nonFiniteTensor());
    assertEquals(3, a.nonFiniteElement());
    NonFiniteException e = assertThrows(NonFiniteException.class, a::requireFinite);
    assertEquals(2, e.tensorIndex());
    assertThrows(IllegalArgumentException.class,
        () -> NormAccumulator.l2().merge(NormAccumulator.of(1)));
  }

  @Test
  void nonFinitePartialsAndReset() {
    NormAccumulator acc = NormAccumulator.l2().add(Vec.of(new float[] {1})).addSumOfSquares(
        Double.POSITIVE_INFINITY);
    assertEquals(Double.POSITIVE_INFINITY, acc.norm());
    assertEquals(1, acc.nonFiniteTensor());
    assertEquals(-1, acc.nonFiniteElement());
    assertTrue(assertThrows(NonFiniteException.class, acc::requireFinite).getMessage()
        .contains("partial"));
    acc.addNorm(Double.NaN);
    assertEquals(Double.NaN, acc.norm());
    acc.reset().add(Vec.of(new float[] {3, 4}));
    assertTrue(acc.isFinite());
    assertEquals(5.0, acc.norm());
    assertEquals(25.0, acc.sumOfSquares());
    assertEquals(-1, acc.nonFiniteTensor());
  }

  @Test
  void issueExampleExact() {
    float[] x = new float[1000];
    Arrays.fill(x, 1e19f);
    float[] y = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    double want = Ref.l2(x, y);
    for (double p : new double[] {2}) {
      assertEquals(want, NormAccumulator.of(p).add(Vec.of(x)).add(Vec.of(y)).norm(), 1e-15 * want);
    }
    assertEquals(1e19f, (float) NormAccumulator.of(Double.POSITIVE_INFINITY).add(Vec.of(x)).add(Vec.of(y))
        .norm());
  }
}
