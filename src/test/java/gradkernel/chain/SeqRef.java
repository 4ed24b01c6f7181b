package gradkernel.chain;

import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;

/**
 * Double-precision reference of {@link Rnn}, {@link Lstm} and {@link Gru} for one example,
 * written from PyTorch's equations (not from the layers' code), with parameters flattened in
 * {@link SequenceLayer#parameters()} order: weight_ih, weight_hh, bias_ih, bias_hh.
 */
final class SeqRef {
  private SeqRef() {}

  static int gates(SequenceLayer l) {
    return l instanceof Lstm ? 4 : l instanceof Gru ? 3 : 1;
  }

  /** The layer's parameters as doubles in block order. */
  static double[] params(SequenceLayer l) {
    double[] p = new double[l.parameterCount()];
    int off = put(l.weightIh(), p, 0);
    off = put(l.weightHh(), p, off);
    off = put(l.biasIh(), p, off);
    put(l.biasHh(), p, off);
    return p;
  }

  private static int put(Matrix a, double[] p, int off) {
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        p[off++] = a.get(i, j);
      }
    }
    return off;
  }

  private static int put(Vec v, double[] p, int off) {
    for (int i = 0; i < v.length(); i++) {
      p[off++] = v.get(i);
    }
    return off;
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static double act(String name, double z) {
    return switch (name) {
      case "tanh" -> Math.tanh(z);
      case "relu" -> Math.max(0, z);
      case "identity" -> z;
      default -> throw new IllegalArgumentException(name);
    };
  }

  /**
   * One example: x [T, m] at xOff, h0 and c0 [n] (null: zeros), parameters at pOff. Returns the
   * output ([T, n] or [n]) followed by h_T and c_T ([n] each, c_T only for an LSTM).
   */
  static double[] run(SequenceLayer l, double[] p, int pOff, double[] x, int xOff, int steps,
      double[] h0, double[] c0) {
    int m = l.stepInputSize();
    int n = l.hiddenSize();
    int g = gates(l);
    int gn = g * n;
    int wi = pOff;
    int wh = pOff + gn * m;
    int bi = wh + gn * n;
    int bh = bi + gn;
    double[] h = h0 == null ? new double[n] : h0.clone();
    double[] c = c0 == null ? new double[n] : c0.clone();
    boolean all = l.output() == SequenceOutput.ALL_STEPS;
    double[] out = new double[(all ? steps * n : n) + 2 * n];
    for (int t = 0; t < steps; t++) {
      double[] ai = new double[gn];
      double[] ah = new double[gn];
      for (int i = 0; i < gn; i++) {
        double si = p[bi + i];
        for (int j = 0; j < m; j++) {
          si += p[wi + i * m + j] * x[xOff + t * m + j];
        }
        double sh = p[bh + i];
        for (int j = 0; j < n; j++) {
          sh += p[wh + i * n + j] * h[j];
        }
        ai[i] = si;
        ah[i] = sh;
      }
      double[] hn = new double[n];
      for (int k = 0; k < n; k++) {
        switch (l) {
          case Rnn r -> hn[k] = act(r.activation().name(), ai[k] + ah[k]);
          case Lstm s -> {
            double ig = sigmoid(ai[k] + ah[k]);
            double fg = sigmoid(ai[n + k] + ah[n + k]);
            double gg = Math.tanh(ai[2 * n + k] + ah[2 * n + k]);
            double og = sigmoid(ai[3 * n + k] + ah[3 * n + k]);
            c[k] = fg * c[k] + ig * gg;
            hn[k] = og * Math.tanh(c[k]);
          }
          case Gru u -> {
            double rg = sigmoid(ai[k] + ah[k]);
            double zg = sigmoid(ai[n + k] + ah[n + k]);
            double ng = Math.tanh(ai[2 * n + k] + rg * ah[2 * n + k]);
            hn[k] = (1 - zg) * ng + zg * h[k];
          }
        }
      }
      h = hn;
      if (all) {
        System.arraycopy(h, 0, out, t * n, n);
      }
    }
    int end = all ? steps * n : 0;
    if (!all) {
      System.arraycopy(h, 0, out, 0, n);
      end = n;
    }
    System.arraycopy(h, 0, out, end, n);
    System.arraycopy(c, 0, out, end + n, n);
    return out;
  }

  /** Only the layer output of {@link #run}. */
  static double[] output(SequenceLayer l, double[] p, int pOff, double[] x, int xOff, int steps,
      double[] h0, double[] c0) {
    double[] r = run(l, p, pOff, x, xOff, steps, h0, c0);
    return java.util.Arrays.copyOf(r, r.length - 2 * l.hiddenSize());
  }
}
