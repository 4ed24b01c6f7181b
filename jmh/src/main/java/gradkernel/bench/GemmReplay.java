package gradkernel.bench;

import gradkernel.kernel.Kernels;

/**
 * The gemm calls of one sequence-layer forward + backward for G gate blocks, on buffers laid out
 * time-major like the layer's scratch. Parametrized by the sizes, so any benchmark can replay a
 * layer's gemms (RecurrentBench and RecurrentGemmShareBench).
 */
final class GemmReplay {
  private final int gates;
  private final boolean splitGru;
  private final int b;
  private final int t;
  private final int m;
  private final int n;
  private final float[] xs;
  private final float[] hs;
  private final float[] z;
  private final float[] q;
  private final float[] w;
  private final float[] wGrad;
  private final float[] dh;
  private final float[] dx;

  GemmReplay(int gates, boolean splitGru, int b, int t, int m, int n) {
    this.gates = gates;
    this.splitGru = splitGru;
    this.b = b;
    this.t = t;
    this.m = m;
    this.n = n;
    int gn = gates * n;
    xs = Data.uniform(b * t * m, 1, 4);
    hs = Data.uniform(b * (t + 1) * n, 1, 5);
    z = new float[b * t * gn];
    q = new float[b * t * n];
    w = Data.uniform(gn * (m + n), 1 / Math.sqrt(n), 6);
    wGrad = new float[gn * (m + n)];
    dh = new float[2 * b * n];
    dx = new float[b * t * m];
  }

  /** One forward + backward worth of gemms; returns the weight-gradient buffer. */
  float[] run() {
    Kernels k = Kernels.active();
    int gn = gates * n;
    int rows = b * t;
    int hh = gn * m;
    k.gemm(false, true, rows, gn, m, 1f, xs, 0, m, w, 0, m, 1f, z, 0, gn);
    for (int s = 0; s < t; s++) {
      int zt = s * b * gn;
      int hp = s * b * n;
      if (splitGru) {
        k.gemm(false, true, b, 2 * n, n, 1f, hs, hp, n, w, hh, n, 1f, z, zt, gn);
        k.gemm(false, true, b, n, n, 1f, hs, hp, n, w, hh + 2 * n * n, n, 1f, q, s * b * n, n);
      } else {
        k.gemm(false, true, b, gn, n, 1f, hs, hp, n, w, hh, n, 1f, z, zt, gn);
      }
    }
    // Scaled so repeated calls keep the buffers finite (the layer's gate gradients are small).
    for (int s = t; s >= 1; s--) {
      k.gemm(false, false, b, n, gn, 1e-3f, z, (s - 1) * b * gn, gn, w, hh, n,
          splitGru ? 1f : 0f, dh, (s % 2) * b * n, n);
    }
    k.gemm(true, false, gn, m, rows, 1f, z, 0, gn, xs, 0, m, 0f, wGrad, 0, m);
    k.gemm(true, false, gn, n, rows, 1f, z, 0, gn, hs, 0, n, 0f, wGrad, hh, n);
    k.gemm(false, false, rows, m, gn, 1f, z, 0, gn, w, 0, m, 0f, dx, 0, m);
    return wGrad;
  }
}
