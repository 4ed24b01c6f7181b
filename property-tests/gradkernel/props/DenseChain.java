package gradkernel.props;

import gradkernel.activation.Activation;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Random;

/**
 * A dense chain a_l = g(W_l a_{l-1}) (W_l is [n_l, n_{l-1}]) whose forward and backward passes
 * run through the library's own Blas and Activation kernels, so the bound properties exercise the
 * library code computing v_{l-1} = W_lᵀ (v_l ⊙ g'(z_l)). Also records, per layer, the z range the
 * pass visited, so the bounds can use sup/inf |g'| over that range (a sharper, still rigorous
 * form of the theorem).
 */
final class DenseChain {
  final int[] widths; // n_0 .. n_L
  final float[][] w; // w[l-1] is W_l, [n_l, n_{l-1}] row-major
  final Activation g;
  final float[][] z; // pre-activations per layer
  final double[] zLo;
  final double[] zHi;

  DenseChain(int[] widths, float[][] w, Activation g) {
    this.widths = widths;
    this.w = w;
    this.g = g;
    int layers = widths.length - 1;
    z = new float[layers][];
    zLo = new double[layers];
    zHi = new double[layers];
  }

  int depth() {
    return widths.length - 1;
  }

  /** Gaussian weights scaled by scale/√fanIn; with {@code singular}, one row is zeroed. */
  static float[][] gaussianWeights(int[] widths, double scale, boolean singular, long seed) {
    Random r = new Random(seed);
    float[][] w = new float[widths.length - 1][];
    for (int l = 1; l < widths.length; l++) {
      int out = widths[l];
      int in = widths[l - 1];
      w[l - 1] = new float[out * in];
      for (int i = 0; i < w[l - 1].length; i++) {
        w[l - 1][i] = (float) (r.nextGaussian() * scale / Math.sqrt(in));
      }
      if (singular && l == 1) {
        java.util.Arrays.fill(w[0], 0, in, 0f);
      }
    }
    return w;
  }

  /** Forward pass from a_0, recording z_l and its range. */
  void forward(float[] a0) {
    float[] a = a0;
    for (int l = 1; l <= depth(); l++) {
      int out = widths[l];
      int in = widths[l - 1];
      float[] zl = new float[out];
      Blas.gemv(1f, Matrix.of(w[l - 1], out, in), Vec.of(a), 0f, Vec.of(zl));
      z[l - 1] = zl;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (float v : zl) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      zLo[l - 1] = lo;
      zHi[l - 1] = hi;
      float[] next = new float[out];
      g.forward(zl, 0, next, 0, out);
      a = next;
    }
  }

  /** Backward pass: returns v_0 given the upstream gradient v_L (after forward). */
  float[] backward(float[] vL) {
    float[] v = vL;
    for (int l = depth(); l >= 1; l--) {
      int out = widths[l];
      int in = widths[l - 1];
      float[] delta = new float[out];
      g.backward(v, 0, z[l - 1], 0, delta, 0, out);
      float[] prev = new float[in];
      Blas.gemvT(1f, Matrix.of(w[l - 1], out, in), Vec.of(delta), 0f, Vec.of(prev));
      v = prev;
    }
    return v;
  }

  /**
   * Forward-mode (JVP) tangent through the chain after {@link #forward}: t_l = g'(z_l) ⊙ (W_l
   * t_{l-1}), via the library's gemv and derivative kernels. Returns J·t_0.
   */
  float[] tangent(float[] t0) {
    float[] t = t0;
    for (int l = 1; l <= depth(); l++) {
      int out = widths[l];
      int in = widths[l - 1];
      float[] wt = new float[out];
      Blas.gemv(1f, Matrix.of(w[l - 1], out, in), Vec.of(t), 0f, Vec.of(wt));
      g.backward(wt, 0, z[l - 1], 0, wt, 0, out); // elementwise ⊙ g'(z_l), in place
      t = wt;
    }
    return t;
  }

  /** ‖W‖_F in double (bounds ‖|W|‖₂, which controls gemvᵀ's rounding error). */
  static double frobenius(float[] w) {
    return Exact.norm(w);
  }

  static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
