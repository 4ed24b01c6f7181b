package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.spectral.SingularValues;
import gradkernel.spectral.SmallestSingularValue;
import gradkernel.tensor.Matrix;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * σ_min by LU and Lanczos on W⁻¹ ({@link SmallestSingularValue}) against the full SVD of the same
 * float matrix, on widths 1..80 (across the LU's 32-column panels), scales across float range,
 * graded columns (condition up to 1e6) and exactly singular matrices: the estimate is never below
 * σ_min and at most tol above it, up to a rounding level of 1e-12·σ_max (the class's stated error:
 * Ritz values of W⁻¹ bound 1/σ_min from below; LU's backward error ≈ n·ε·‖W‖).
 */
@AddLifecycleHook(ReproducibleSeed.class)
class SigmaMinProperties {
  private static final double TOL = 1e-7;

  @Provide
  Arbitrary<Integer> widths() {
    return Arbitraries.integers().between(1, 80).edgeCases(c -> c.includeOnly(1, 32, 33, 64, 65));
  }

  @Provide
  Arbitrary<Integer> exponents() {
    return Arbitraries.integers().between(-100, 100).edgeCases(c -> c.includeOnly(0));
  }

  @Provide
  Arbitrary<Integer> grades() {
    return Arbitraries.integers().between(0, 6); // column j scaled by 10^(−grade·j/n)
  }

  @Property(tries = 150)
  void withinTolOfTheFullSvd(@ForAll("widths") int n, @ForAll("exponents") int exponent,
      @ForAll("grades") int grade, @ForAll boolean singular, @ForAll("seeds") long seed) {
    Random r = new Random(seed);
    Matrix a = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double column = Math.pow(10, -grade * (double) j / n);
        a.set(i, j, (float) Math.scalb(r.nextGaussian() * column, exponent));
      }
    }
    if (singular && n > 1) {
      int from = r.nextInt(n);
      int to = (from + 1 + r.nextInt(n - 1)) % n;
      for (int j = 0; j < n; j++) {
        a.set(to, j, a.get(from, j)); // two equal rows
      }
    }
    double[] sv = SingularValues.of(a);
    double ref = sv[n - 1];
    SmallestSingularValue.Estimate e = SmallestSingularValue.of(a, TOL);
    assertTrue(e.converged(), e::toString);
    if (singular && n > 1) {
      assertEquals(0, ref, "the full SVD reports 0");
      assertEquals(0, e.sigma(), () -> e + " for a matrix with two equal rows");
      return;
    }
    double level = 1e-12 * sv[0];
    assertTrue(e.sigma() >= ref - level, () -> e + " below σ_min " + ref);
    assertTrue(e.sigma() <= ref * (1 + TOL) + level, () -> e + " vs σ_min " + ref);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Gen.seed();
  }
}
