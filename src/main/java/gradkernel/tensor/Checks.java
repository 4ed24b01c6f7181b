package gradkernel.tensor;

import java.util.Objects;

/** Argument checks shared by every public entry point; each names the argument and the shapes. */
public final class Checks {
  private Checks() {}

  /** Throws unless {@code [off, off + len)} lies within {@code array}; names {@code arg}. */
  public static float[] range(String arg, float[] array, int off, int len) {
    Objects.requireNonNull(array, arg);
    if (len < 0) {
      throw new IllegalArgumentException(arg + ": negative length " + len);
    }
    if (off < 0 || off > array.length - len) {
      throw new IllegalArgumentException(arg + ": range [" + off + ", " + ((long) off + len)
          + ") outside array of length " + array.length);
    }
    return array;
  }

  /** Throws unless {@code value} ≥ 0. */
  public static int nonNegative(String arg, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(arg + " must be >= 0, got " + value);
    }
    return value;
  }

  /** Throws unless {@code actual == expected}, naming both sides' shapes. */
  public static void sameLength(String what, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          what + ": length mismatch, expected " + expected + " but got " + actual);
    }
  }

  /**
   * Throws unless a row-major rows×cols matrix with leading dimension ld starting at off fits in
   * {@code data}; names {@code arg}.
   */
  public static void matrix(String arg, float[] data, int off, int rows, int cols, int ld) {
    Objects.requireNonNull(data, arg);
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(arg + ": negative shape " + rows + "x" + cols);
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          arg + ": leading dimension " + ld + " < max(1, cols) for shape " + rows + "x" + cols);
    }
    long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    if (off < 0 || off + needed > data.length) {
      throw new IllegalArgumentException(arg + ": " + rows + "x" + cols + " matrix (ld " + ld
          + ") at offset " + off + " needs " + needed + " elements, array has " + data.length);
    }
  }

  /** Throws unless {@code v} is finite; names {@code arg}. */
  public static double finite(String arg, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(arg + " must be finite, got " + v);
    }
    return v;
  }

  /**
   * Throws unless the contiguous regions {@code a[aOff, aOff + aLen)} and
   * {@code b[bOff, bOff + bLen)} share no element (different arrays never do; empty regions
   * never do). Names both arguments and their ranges. The ranges must already be valid.
   */
  public static void noOverlap(String nameA, float[] a, int aOff, int aLen, String nameB,
      float[] b, int bOff, int bLen) {
    noOverlap(nameA, a, aOff, 1, aLen, aLen, nameB, b, bOff, 1, bLen, bLen);
  }

  /**
   * Throws unless the matrix views {@code a} and {@code b} share no element (exact for strided
   * views, see the row-major overload below); names both arguments and shapes.
   */
  public static void noOverlap(String nameA, Matrix a, String nameB, Matrix b) {
    java.util.Objects.requireNonNull(a, nameA);
    java.util.Objects.requireNonNull(b, nameB);
    noOverlap(nameA, a.data(), a.offset(), a.rows(), a.cols(), a.ld(), nameB, b.data(),
        b.offset(), b.rows(), b.cols(), b.ld());
  }

  /**
   * Throws unless the row-major regions A (aRows×aCols, leading dimension aLd, at aOff) and B
   * (likewise) share no element. Package-private (12 positional values): outside the package
   * pass views to {@link #noOverlap(String, Matrix, String, Matrix)}. Exact for strided views: two column blocks of one array that
   * interleave but never touch the same element pass. O(1) unless both regions lie in the same
   * array with overlapping spans, then O(min(aRows, bRows)). A 1×n region is a vector of length
   * n. The regions must already be valid ({@link #matrix}); names both arguments and shapes.
   */
  static void noOverlap(String nameA, float[] a, int aOff, int aRows, int aCols, int aLd,
      String nameB, float[] b, int bOff, int bRows, int bCols, int bLd) {
    if (a == b && overlaps(aOff, aRows, aCols, aLd, bOff, bRows, bCols, bLd)) {
      throw overlapError(nameA, aOff, aRows, aCols, aLd, nameB, bOff, bRows, bCols, bLd,
          a.length);
    }
  }

  // Kept out of the checks so they stay small enough to inline on hot paths.
  private static IllegalArgumentException overlapError(String nameA, int aOff, int aRows,
      int aCols, int aLd, String nameB, int bOff, int bRows, int bCols, int bLd, int length) {
    return new IllegalArgumentException(nameA + " " + region(aOff, aRows, aCols, aLd) + " and "
        + nameB + " " + region(bOff, bRows, bCols, bLd) + " overlap in the same array of length "
        + length + ": pass disjoint storage (the result would read its own writes)");
  }

  /**
   * Throws if the contiguous regions out and in overlap without being the same range: exact
   * in-place use ({@code out == in, outOff == inOff}) is allowed, a partial overlap is not.
   */
  public static void sameOrDisjoint(String nameOut, float[] out, int outOff, String nameIn,
      float[] in, int inOff, int len) {
    if (out != in || outOff != inOff) {
      noOverlap(nameOut, out, outOff, len, nameIn, in, inOff, len);
    }
  }

  /** True when the two strided regions of one array share an element. */
  private static boolean overlaps(int aOff, int aRows, int aCols, int aLd, int bOff, int bRows,
      int bCols, int bLd) {
    if (aRows == 0 || aCols == 0 || bRows == 0 || bCols == 0) {
      return false;
    }
    long aEnd = aOff + (long) (aRows - 1) * aLd + aCols;
    long bEnd = bOff + (long) (bRows - 1) * bLd + bCols;
    return aEnd > bOff && bEnd > aOff // disjoint spans: the common case, O(1)
        && stridedOverlap(aOff, aRows, aCols, aLd, bOff, bRows, bCols, bLd);
  }

  /** The exact test for regions whose spans overlap (non-empty). */
  private static boolean stridedOverlap(int aOff, int aRows, int aCols, int aLd, int bOff,
      int bRows, int bCols, int bLd) {
    if (aRows > bRows) { // walk the region with fewer rows
      return stridedOverlap(bOff, bRows, bCols, bLd, aOff, aRows, aCols, aLd);
    }
    for (int i = 0; i < aRows; i++) {
      long s = aOff + (long) i * aLd;
      if (rowHits(s, s + aCols, bOff, bRows, bCols, bLd)) {
        return true;
      }
    }
    return false;
  }

  /** True when [s, e) meets some row [off + r·ld, off + r·ld + cols) of B, 0 ≤ r < rows. */
  private static boolean rowHits(long s, long e, long off, int rows, int cols, int ld) {
    // rows r with off + r·ld < e and off + r·ld + cols > s: r in (lo, hi) below.
    long first = Math.max(0, Math.floorDiv(s - cols - off, (long) ld) + 1);
    long last = Math.min(rows - 1L, Math.floorDiv(e - 1 - off, (long) ld));
    return first <= last;
  }

  private static String region(int off, int rows, int cols, int ld) {
    return rows == 1 ? "[" + off + ", " + ((long) off + cols) + ")"
        : rows + "x" + cols + " (ld " + ld + ") at offset " + off;
  }

  /**
   * a·b as an int, or an IllegalArgumentException naming {@code what} (the size being computed
   * and the factors' meaning) instead of an overflow; a, b ≥ 0.
   */
  public static int size(String what, long a, long b) {
    long r = a * b;
    if (a < 0 || b < 0 || (a != 0 && r / a != b) || r > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + ": " + a + " × " + b
          + " elements exceed the largest Java array (2³¹ − 1)");
    }
    return (int) r;
  }

  /** a + b as an int, or an IllegalArgumentException naming {@code what}; a, b ≥ 0. */
  public static int sum(String what, long a, long b) {
    long r = a + b;
    if (a < 0 || b < 0 || r > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + ": " + a + " + " + b
          + " elements exceed the largest Java array (2³¹ − 1)");
    }
    return (int) r;
  }

  /** Above this many views {@link #disjoint} sorts instead of comparing pairs. */
  private static final int PAIRWISE_MAX = 256;

  /**
   * Throws unless no two non-empty views of {@code views} share an element: the same view twice,
   * or two views of one array whose ranges overlap, are rejected naming both positions (e.g.
   * "grads[0] [0, 8) and grads[3] [4, 12) overlap"); views of different arrays, disjoint (also
   * adjacent) slices of one array and empty views pass. Null elements are ignored (the caller
   * reports them). Pairwise for up to 256 views (no allocation); above that it sorts (identity
   * hash, offset) keys in a 9·n-byte scratch, O(n log n).
   */
  public static void disjoint(String name, Vec[] views) {
    int n = Objects.requireNonNull(views, name).length;
    if (n <= PAIRWISE_MAX) {
      for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
          if (shareElement(views[j], views[i])) {
            throw overlapping(name, views, j, i);
          }
        }
      }
      return;
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = (long) System.identityHashCode(views[i] == null ? null : views[i].data()) << 32
          | i;
    }
    java.util.Arrays.sort(keys);
    boolean[] swept = new boolean[n];
    for (int lo = 0, hi; lo < n; lo = hi) { // runs of equal hashes: sweep each array by offset
      int h = (int) (keys[lo] >> 32);
      for (hi = lo + 1; hi < n && (int) (keys[hi] >> 32) == h; hi++) {
        // find the run's end
      }
      if (hi - lo > 1) {
        disjointRun(name, views, keys, lo, hi, swept);
      }
    }
  }

  /** keys[lo, hi): one identity-hash run; re-keyed by offset, then swept once per array. */
  private static void disjointRun(String name, Vec[] views, long[] keys, int lo, int hi,
      boolean[] swept) {
    for (int k = lo; k < hi; k++) {
      int i = (int) keys[k];
      keys[k] = (views[i] == null ? 0L : (long) views[i].offset() << 32) | i;
    }
    java.util.Arrays.sort(keys, lo, hi);
    for (int k = lo; k < hi; k++) {
      Vec first = views[(int) keys[k]];
      if (first == null || swept[(int) keys[k]]) {
        continue;
      }
      long end = -1; // largest end so far among this array's non-empty views (sorted by offset)
      int last = -1;
      for (int m = k; m < hi; m++) {
        int i = (int) keys[m];
        Vec v = views[i];
        if (v == null || v.data() != first.data()) {
          continue;
        }
        swept[i] = true;
        if (v.length() == 0) {
          continue;
        }
        if (v.offset() < end) {
          throw overlapping(name, views, Math.min(last, i), Math.max(last, i));
        }
        end = v.offset() + (long) v.length();
        last = i;
      }
    }
  }

  private static boolean shareElement(Vec a, Vec b) {
    return a != null && b != null && a.data() == b.data() && a.length() > 0 && b.length() > 0
        && a.offset() < b.offset() + (long) b.length()
        && b.offset() < a.offset() + (long) a.length();
  }

  private static IllegalArgumentException overlapping(String name, Vec[] views, int j, int i) {
    Vec a = views[j];
    Vec b = views[i];
    String ra = region(a.offset(), 1, a.length(), a.length());
    String what = a.offset() == b.offset() && a.length() == b.length()
        ? name + "[" + j + "] and " + name + "[" + i + "] are the same view " + ra + " of an"
        : name + "[" + j + "] " + ra + " and " + name + "[" + i + "] "
            + region(b.offset(), 1, b.length(), b.length()) + " overlap in the same";
    return new IllegalArgumentException(what + " array of length " + a.data().length
        + ": each tensor must be passed once, or it would be scaled twice");
  }
}
