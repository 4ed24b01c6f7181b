package gradkernel.bench;

import java.util.SplittableRandom;

/** Seeded benchmark inputs and the once-per-trial result check shared by every benchmark. */
final class Data {
  private Data() {}

  /** n uniform floats in [-scale, scale), seeded. */
  /** A whole-array view of each tensor, made once per trial (never inside a benchmark call). */
  static gradkernel.tensor.Vec[] views(float[][] g) {
    gradkernel.tensor.Vec[] v = new gradkernel.tensor.Vec[g.length];
    for (int i = 0; i < g.length; i++) {
      v[i] = gradkernel.tensor.Vec.of(g[i]);
    }
    return v;
  }

  static float[] uniform(int n, double scale, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  /** Fails the trial when a kernel's answer is off, so a broken kernel cannot look fast. */
  static void check(String what, double expected, double actual, double relTol) {
    if (!(Math.abs(expected - actual) <= relTol * Math.abs(expected) + 1e-30)) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
    }
  }

  /** Max relative difference between two arrays, for result checks. */
  /**
   * Fails unless |ref[i] − got[i]| ≤ 1e-5·k for all i: results that are sums of k products of
   * numbers in [-1, 1) (gemm, gemv). Absolute, since some sums land near 0; the bound sits far above
   * float rounding (≈ √k·1e-7 times the entries' size) and far below any indexing bug.
   */
  static void checkSums(String what, float[] ref, float[] got, int k) {
    double d = 0;
    for (int i = 0; i < ref.length; i++) {
      d = Math.max(d, Math.abs(ref[i] - got[i]));
    }
    if (!(d <= 1e-5 * k)) {
      throw new IllegalStateException(what + " differs from the reference by " + d);
    }
  }
}
