package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClipTest {
  @Test
  void hugeFiniteValuesDoNotOverflowAndClipCorrectly() {
    float[] x = new float[1000];
    Arrays.fill(x, 1e19f);
    float[] y = new float[10];
    Arrays.fill(y, 3f);
    double n = Clip.byGlobalNorm(1.0, x, y);
    assertEquals(3.16227766e20, n, 1e-6 * 3.16227766e20);
    double post = Clip.globalNorm(x, y);
    assertTrue(post <= 1.0 * (1 + 4 * Math.ulp(1f)) && post > 0.999, "post " + post);
  }

  @Test
  void noOpBelowMaxAndNonFiniteThrowsUntouched() {
    float[] g = {3f, -4f};
    assertEquals(5.0, Clip.byGlobalNorm(10, g));
    assertArrayEquals(new float[] {3f, -4f}, g);
    float[] bad = {1f, Float.NaN};
    assertThrows(IllegalArgumentException.class, () -> Clip.byGlobalNorm(0.5, g, bad));
    assertArrayEquals(new float[] {3f, -4f}, g);
    assertThrows(IllegalArgumentException.class, () -> Clip.byGlobalNorm(-1, g));
    assertEquals(7.0, Clip.globalNorm(1, g));
    assertEquals(4.0, Clip.globalNorm(Double.POSITIVE_INFINITY, g));
    assertEquals(0.0, Clip.globalNorm());
  }
}
