package gradkernel.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Checks}' overlap and size helpers against brute force. */
class OverlapCheckTest {

  private static boolean bruteOverlap(int len, int ao, int ar, int ac, int al, int bo, int br,
      int bc, int bl) {
    boolean[] hit = new boolean[len];
    for (int i = 0; i < ar; i++) {
      for (int j = 0; j < ac; j++) {
        hit[ao + i * al + j] = true;
      }
    }
    for (int i = 0; i < br; i++) {
      for (int j = 0; j < bc; j++) {
        if (hit[bo + i * bl + j]) {
          return true;
        }
      }
    }
    return false;
  }

  /** Random strided regions of one array: exact, including interleaved column blocks. */
  @Test
  void matrixOverlapIsExact() {
    SplittableRandom r = new SplittableRandom(13);
    float[] data = new float[200];
    int overlapping = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      int ar = r.nextInt(5);
      int ac = r.nextInt(6);
      int al = Math.max(1, ac) + r.nextInt(6);
      int br = r.nextInt(5);
      int bc = r.nextInt(6);
      int bl = r.nextInt(3) == 0 ? al : Math.max(1, bc) + r.nextInt(6);
      int ao = r.nextInt(60);
      int bo = r.nextInt(60);
      boolean want = bruteOverlap(data.length, ao, ar, ac, al, bo, br, bc, bl);
      boolean threw;
      try {
        Checks.noOverlap("A", data, ao, ar, ac, al, "B", data, bo, br, bc, bl);
        threw = false;
      } catch (IllegalArgumentException e) {
        threw = true;
        assertTrue(e.getMessage().contains("A ") && e.getMessage().contains("B "),
            e.getMessage());
      }
      assertEquals(want, threw, () -> "A " + ar + "x" + ac + " ld " + al + " at " + ao + ", B "
          + br + "x" + bc + " ld " + bl + " at " + bo);
      overlapping += want ? 1 : 0;
    }
    assertTrue(overlapping > 2000 && overlapping < 18_000, "both outcomes exercised: "
        + overlapping);
    // different arrays never overlap
    Checks.noOverlap("A", data, 0, 10, "B", new float[10], 0, 10);
  }

  @Test
  void matrixViewsOverload() {
    float[] a = new float[24];
    // Two interleaved column blocks of one [4, 6] array never touch the same element.
    Checks.noOverlap("left", new Matrix(a, 0, 4, 3, 6), "right", new Matrix(a, 3, 4, 3, 6));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.noOverlap("left", new Matrix(a, 0, 4, 3, 6), "mid", new Matrix(a, 2, 4, 3,
            6)));
    assertTrue(e.getMessage().startsWith("left ") && e.getMessage().contains(" and mid "),
        e.getMessage());
  }

  @Test
  void contiguousAndInPlace() {
    float[] a = new float[10];
    Checks.noOverlap("x", a, 0, 5, "y", a, 5, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.noOverlap("x", a, 0, 5, "y", a, 4, 5));
    assertEquals("x [0, 5) and y [4, 9) overlap in the same array of length 10: pass disjoint"
        + " storage (the result would read its own writes)", e.getMessage());
    Checks.sameOrDisjoint("out", a, 3, "z", a, 3, 7); // exact in place
    Checks.noOverlap("x", a, 3, 0, "y", a, 0, 10); // empty
    assertThrows(IllegalArgumentException.class,
        () -> Checks.sameOrDisjoint("out", a, 3, "z", a, 2, 7));
  }

  @Test
  void disjointViews() {
    float[] g = {1};
    float[] e = {};
    float[] buf = new float[20];
    // Different arrays, empty views (also of one array), nulls, adjacent slices of one array: pass.
    Checks.disjoint("g", new Vec[] {Vec.of(g), Vec.of(e), Vec.of(e), Vec.of(new float[] {1}),
        null, null, new Vec(buf, 0, 10), new Vec(buf, 10, 10), new Vec(buf, 10, 0),
        new Vec(buf, 5, 0)});
    // The same array twice (two equal views, and one view object twice).
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", new Vec[] {Vec.of(e), Vec.of(g), Vec.of(new float[1]),
            Vec.of(g)}));
    assertEquals("g[1] and g[3] are the same view [0, 1) of an array of length 1: each tensor"
        + " must be passed once, or it would be scaled twice", ex.getMessage());
    Vec v = new Vec(buf, 3, 4);
    ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", new Vec[] {v, Vec.of(g), v}));
    assertTrue(ex.getMessage().startsWith("g[0] and g[2] are the same view [3, 7)"),
        ex.getMessage());
    // Partial overlap of different views of one array, either order; containment.
    ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", new Vec[] {new Vec(buf, 0, 10), new Vec(buf, 9, 5)}));
    assertEquals("g[0] [0, 10) and g[1] [9, 14) overlap in the same array of length 20: each"
        + " tensor must be passed once, or it would be scaled twice", ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", new Vec[] {new Vec(buf, 9, 5), new Vec(buf, 0, 10)}));
    assertTrue(ex.getMessage().startsWith("g[0] [9, 14) and g[1] [0, 10) overlap"),
        ex.getMessage());
    ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", new Vec[] {Vec.of(buf), new Vec(buf, 19, 1)}));
    assertTrue(ex.getMessage().startsWith("g[0] [0, 20) and g[1] [19, 20) overlap"),
        ex.getMessage());
  }

  /** Above 256 views the check sorts (identity hash, offset): still exact, both ways. */
  @Test
  void disjointViewsSortedPath() {
    Vec[] many = new Vec[1000];
    float[] shared = new float[600];
    for (int i = 0; i < many.length; i++) {
      // 600 adjacent one-element slices of one array, 400 separate arrays, in mixed order.
      many[i] = i % 5 < 3 ? new Vec(shared, i / 5 * 3 + i % 5, 1) : Vec.of(new float[1]);
    }
    Checks.disjoint("g", many);
    many[999] = many[500];
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> Checks.disjoint("g", many));
    assertTrue(ex.getMessage().startsWith("g[500] and g[999]"), ex.getMessage());
    many[999] = Vec.of(new float[1]);
    many[700] = new Vec(shared, many[0].offset(), 2); // covers g[0] and g[1]
    ex = assertThrows(IllegalArgumentException.class, () -> Checks.disjoint("g", many));
    assertTrue(ex.getMessage().startsWith("g[0] [0, 1) and g[700] [0, 2) overlap"),
        ex.getMessage());
    many[700] = new Vec(shared, 0, 0); // empty: shares nothing
    Checks.disjoint("g", many);
  }

  @Test
  void sizesNeverWrap() {
    assertEquals(6, Checks.size("s", 2, 3));
    assertEquals(Integer.MAX_VALUE, Checks.sum("s", Integer.MAX_VALUE - 1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.size("steps 1073741824 × m 4", 1 << 30, 4));
    assertTrue(e.getMessage().startsWith("steps 1073741824 × m 4: "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Checks.size("s", Long.MAX_VALUE, 3));
    assertThrows(IllegalArgumentException.class, () -> Checks.sum("s", Integer.MAX_VALUE, 1));
    assertThrows(IllegalArgumentException.class, () -> Checks.size("s", -1, 1));
  }
}
