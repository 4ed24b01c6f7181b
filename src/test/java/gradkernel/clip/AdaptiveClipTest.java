package gradkernel.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import org.junit.jupiter.api.Test;

/** AGC on hand-computed cases: units are rows of [out, in] weights. */
class AdaptiveClipTest {
  @Test
  void rowsClippedRelativeToTheirWeightNorm() {
    // Row 0: ‖w‖ = 5, ‖g‖ = 10, limit 0.1·5 = 0.5 → g scaled by 0.05.
    // Row 1: ‖w‖ = 0 → eps 1e-3, limit 1e-4, ‖g‖ = 0.5 → scaled by 2e-4.
    // Row 2: ‖w‖ = 100, ‖g‖ = 1 ≤ 10 → untouched.
    float[] w = {3, 4, 0, 0, 60, 80};
    float[] g = {6, 8, 0.3f, 0.4f, 0.6f, 0.8f};
    double[] norms = new double[3];
    int n = Clip.adaptive(0.1, 1e-3, Matrix.of(w, 3, 2), Matrix.of(g, 3, 2), norms);
    assertEquals(2, n);
    assertEquals(10.0, norms[0], 1e-6);
    assertEquals(0.5, norms[1], 1e-7);
    assertEquals(1.0, norms[2], 1e-7);
    assertEquals(0.3f, g[0], 1e-6f);
    assertEquals(0.4f, g[1], 1e-6f);
    assertEquals(6e-5f, g[2], 1e-10f);
    assertEquals(8e-5f, g[3], 1e-10f);
    assertEquals(0.6f, g[4]);
    assertEquals(0.8f, g[5]);
    assertTrue(Math.hypot(g[0], g[1]) <= 0.5 && Math.hypot(g[2], g[3]) <= 1e-4);
    assertArrayEquals(new float[] {3, 4, 0, 0, 60, 80}, w);
  }

  @Test
  void strideViewsTouchOnlyTheView() {
    // 2×2 views with leading dimension 3 inside padded buffers.
    float[] w = {1, 0, 99, 0, 1, 99};
    float[] g = {5, 0, 77, 0, 0.001f, 77};
    int n = Clip.adaptive(1, 1e-3, new Matrix(w, 0, 2, 2, 3), new Matrix(g, 0, 2, 2, 3));
    assertEquals(1, n);
    assertEquals(1f, g[0], 1e-6f);
    assertEquals(77f, g[2]);
    assertEquals(77f, g[5]);
    assertEquals(0.001f, g[4]);
  }

  @Test
  void vectorIsOneUnitAndNoClipWritesNothing() {
    float[] b = {0.3f, 0.4f};
    float[] gb = {3f, 4f};
    assertEquals(1, Clip.adaptive(2, 1e-3, Vec.of(b), Vec.of(gb)));
    assertEquals(0.6f, gb[0], 1e-6f);
    assertEquals(0.8f, gb[1], 1e-6f);
    float[] gs = {0.03f, 0.04f};
    assertEquals(0, Clip.adaptive(2, 1e-3, Vec.of(b), Vec.of(gs)));
    assertArrayEquals(new float[] {0.03f, 0.04f}, gs);
    float[] zero = {0f, 0f};
    float[] gz = {1f, 0f};
    assertEquals(1, Clip.adaptive(0.5, 0.01, Vec.of(zero), Vec.of(gz)));
    assertEquals(0.005f, gz[0], 0.005f * 4 * 0x1p-23f); // documented slack 2^-22 + rounding
  }

  @Test
  void badArguments() {
    float[] w = {1, 2, 3, 4};
    float[] g = {1, 2, 3, 4};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Clip.adaptive(0.1, 1e-3, Matrix.of(w, 2, 2), Matrix.of(g, 1, 4)));
    assertTrue(e.getMessage().contains("2x2") || e.getMessage().contains("2×2"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Clip.adaptive(Double.NaN, 1e-3, Matrix.of(w, 2, 2), Matrix.of(g, 2, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> Clip.adaptive(0.1, -1, Matrix.of(w, 2, 2), Matrix.of(g, 2, 2)));
    assertThrows(IllegalArgumentException.class, () -> Clip.adaptive(0.1, 1e-3,
        Matrix.of(w, 2, 2), Matrix.of(g, 2, 2), new double[1]));
    assertThrows(NullPointerException.class,
        () -> Clip.adaptive(0.1, 1e-3, null, Matrix.of(g, 2, 2)));
    assertArrayEquals(new float[] {1, 2, 3, 4}, g);
  }
}
