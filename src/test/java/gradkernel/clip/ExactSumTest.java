package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

  private static double wild(Random r) {
    double m = r.nextDouble() * 2 - 1;
    int e = r.nextInt(600) - 300;
    return Math.scalb(m, e);
  }

  private static BigDecimal exact(List<Double> xs) {
    BigDecimal s = BigDecimal.ZERO;
    for (double x : xs) {
      s = s.add(new BigDecimal(x));
    }
    return s;
  }

  @Test
  void sumsAreCorrectlyRoundedForWildMagnitudesAndSigns() {
    Random r = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      List<Double> xs = new ArrayList<>();
      int n = 1 + r.nextInt(60);
      for (int i = 0; i < n; i++) {
        xs.add(wild(r));
      }
      if (trial % 3 == 0) {
        xs.add(-xs.get(0)); // cancellation
      }
      ExactSum s = new ExactSum();
      xs.forEach(s::add);
      double want = exact(xs).doubleValue();
      assertEquals(want, s.toDouble(), 0.0, "trial " + trial);
      assertEquals(Double.compare(want, 0) == 0 ? 0 : (int) Math.signum(want), s.signum());
    }
  }

  /**
   * The sum tracks the span of limbs it has touched (reset, merge and reads work only there):
   * one reused sum, read after every term while its sign flips and its magnitude jumps across the
   * range, reset mid-way, and merged with sums of disjoint spans, always equals the exact sum.
   */
  @Test
  void reusedSumsStayExactAcrossSignFlipsReadsResetsAndMerges() {
    Random r = new Random(3);
    ExactSum s = new ExactSum();
    for (int trial = 0; trial < 40; trial++) {
      List<Double> xs = new ArrayList<>();
      for (int i = 0; i < 1 + r.nextInt(30); i++) {
        double v = wild(r);
        if (r.nextInt(4) == 0 && !xs.isEmpty()) {
          v = -exact(xs).doubleValue() * (r.nextBoolean() ? 2 : 1); // flip the sign or cancel
        }
        xs.add(v);
        s.add(v);
        double want = exact(xs).doubleValue();
        assertEquals(want, s.toDouble(), 0.0, "trial " + trial + " term " + i);
        assertEquals(Double.compare(want, 0) == 0 ? 0 : (int) Math.signum(want), s.signum());
        assertEquals(exact(xs).signum() == 0, s.isZero());
      }
      ExactSum small = new ExactSum().add(Math.scalb(1.0, -900)).add(-Math.scalb(3.0, -950));
      ExactSum big = new ExactSum().add(Math.scalb(-5.0, 900));
      s.add(small).add(big);
      xs.add(Math.scalb(1.0, -900));
      xs.add(-Math.scalb(3.0, -950));
      xs.add(Math.scalb(-5.0, 900));
      assertEquals(exact(xs).doubleValue(), s.toDouble(), 0.0, "merged, trial " + trial);
      if (trial % 2 == 0) {
        s.reset();
        assertTrue(s.isZero());
        assertEquals(0.0, s.toDouble());
        xs.clear();
      } else {
        s.reset();
        s.add(2.0);
        assertEquals(2.0, s.toDouble(), 0.0);
        assertEquals(Math.sqrt(2.0), s.sqrt(), 0.0);
        s.reset();
        xs.clear();
      }
    }
  }

  @Test
  void mergeOrderAndPartitionDoNotChangeTheBits() {
    Random r = new Random(2);
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      double v = wild(r);
      xs.add(v * v);
    }
    ExactSum ref = new ExactSum();
    xs.forEach(ref::add);
    double want = ref.sqrt();
    for (int trial = 0; trial < 20; trial++) {
      Collections.shuffle(xs, r);
      int k = 1 + r.nextInt(9);
      List<ExactSum> parts = new ArrayList<>();
      for (int w = 0; w < k; w++) {
        parts.add(new ExactSum());
      }
      for (int i = 0; i < xs.size(); i++) {
        parts.get(r.nextInt(k)).add(xs.get(i));
      }
      Collections.shuffle(parts, r);
      ExactSum total = new ExactSum();
      parts.forEach(total::add);
      assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(total.sqrt()));
      assertEquals(ref.toDouble(), total.toDouble(), 0.0);
    }
  }

  @Test
  void theRoundingIsExactAtTiesAndTheExtremes() {
    ExactSum s = new ExactSum().add(1).add(0x1p-53); // exactly halfway: ties to even → 1
    assertEquals(1.0, s.toDouble(), 0.0);
    s.add(1, -2000); // 2^-2000: a hair above halfway → rounds up
    assertEquals(Math.nextUp(1.0), s.toDouble(), 0.0);
    assertEquals(Double.MIN_VALUE, new ExactSum().add(Double.MIN_VALUE).toDouble(), 0.0);
    assertEquals(Double.MAX_VALUE, new ExactSum().add(Double.MAX_VALUE).toDouble(), 0.0);
    assertEquals(Double.POSITIVE_INFINITY,
        new ExactSum().add(Double.MAX_VALUE).add(Double.MAX_VALUE).toDouble());
    assertEquals(0.0, new ExactSum().add(3.5).add(-3.5).toDouble(), 0.0);
    assertTrue(new ExactSum().add(3.5).add(-3.5).isZero());
  }

  @Test
  void sqrtOfSumsBeyondTheDoubleRange() {
    // 1000 squares of 1e200 (as 1e200² = (1e200·2^-700)²·2^1400): √ = 1e200·√1000.
    ExactSum s = new ExactSum();
    double m = Math.scalb(1e200, -700);
    for (int i = 0; i < 1000; i++) {
      s.add(m * m, 1400);
    }
    BigDecimal want = new BigDecimal(m * m).multiply(BigDecimal.valueOf(1000))
        .multiply(new BigDecimal(2).pow(1400)).sqrt(new MathContext(40));
    assertEquals(want.doubleValue(), s.sqrt(), Math.ulp(want.doubleValue()));
    // squares of the smallest float subnormal: 2^-298 each, exact
    ExactSum tiny = new ExactSum();
    for (int i = 0; i < 4; i++) {
      double f = Float.MIN_VALUE;
      tiny.add(f * f);
    }
    assertEquals(2 * (double) Float.MIN_VALUE, tiny.sqrt(), 0.0);
  }

  @Test
  void badTermsAreRejected() {
    ExactSum s = new ExactSum();
    assertThrows(IllegalArgumentException.class, () -> s.add(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> s.add(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> s.add(1, 5000));
    assertThrows(IllegalArgumentException.class, () -> s.add(Double.MIN_VALUE, -2000));
    assertThrows(IllegalStateException.class, () -> new ExactSum().add(-1).sqrt());
  }
}
