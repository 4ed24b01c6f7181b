package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;

/**
 * Gated recurrent unit layer over a sequence, PyTorch's {@code nn.GRU}: with the gates stacked
 * r, z, n in {@code weight_ih [3n, m]}, {@code weight_hh [3n, n]}, {@code bias_ih [3n]},
 * {@code bias_hh [3n]},
 * <pre>
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h   (evaluated as n + z ⊙ (h − n))
 * </pre>
 * The reset gate multiplies (W_hn h + b_hn), PyTorch's (and cuDNN's) variant. See
 * {@link SequenceLayer} for shapes, the sequence API and the profile slots.
 */
public final class Gru extends SequenceLayer {
  private static final Activation SIG = Activations.SIGMOID;
  private static final Activation TANH = Activations.TANH;

  // Constructor, create and rebind have the shape of Lstm and Rnn's: each cell makes its own type and
  // gate count; the shared work is SequenceLayer's (created, wihAt ...).
  /** weight_ih [3n, m], weight_hh [3n, n], bias_ih [3n], bias_hh [3n] (views, not copied). */
  public Gru(Matrix weightIh, Matrix weightHh, Vec biasIh, Vec biasHh, int capacity,
      SequenceOutput output) {
    super("3n", 3, weightIh, weightHh, biasIh, biasHh, capacity, output);
  }

  /**
   * A new GRU with PyTorch's default initialization (every parameter U(−1/√n, 1/√n)),
   * reproducible from the seed.
   */
  public static Gru create(int m, int n, int capacity, SequenceOutput output, long seed) {
    return created(3, m, n, seed, (wi, wh, bi, bh) -> new Gru(wi, wh, bi, bh, capacity,
        output));
  }

  @Override Gru rebind(float[] data, int off) {
    return new Gru(wihAt(data, off), whhAt(data, off), bihAt(data, off), bhhAt(data, off), cap,
        mode);
  }

  @Override public String describe() {
    return "Gru[" + shapeText() + "]";
  }

  /** W_hn h_{t−1} + b_hn of every step. */
  @Override int extraPerStep() {
    return n;
  }

  /** bias_hh of r and z joins the projection; b_hn stays inside r ⊙ (…). */
  @Override int fusedBiasBlocks() {
    return 2;
  }

  /** The n-block's hh-side gradient differs from the ih-side one (r ⊙ δn vs δn). */
  @Override boolean separateHhGradient() {
    return true;
  }

  /** Gate block of step t: the activated r, z, n. Extra: q_t = W_hn h_{t−1} + b_hn. */
  // runSteps, backSteps and jvpLoop open with the offset lines of Lstm and Rnn's and close with their
  // dh/next swap and ∂L/∂h_0 copy: these are the time loop's own locals, and the per-step bodies
  // between them are this cell's formulas.
  @Override
  void runSteps(int b, int steps, float[] s, int sOff) {
    int bn = b * n;
    int h = sOff + hOff(b, steps);
    int z = sOff + zOff(b, steps);
    int q = sOff + eOff(b, steps);
    int whn = whh.offset() + 2 * n * whh.ld();
    for (int t = 1; t <= steps; t++) {
      int zt = z + (t - 1) * b * gn;
      int hp = h + (t - 1) * bn;
      int qt = q + (t - 1) * bn;
      K.gemm(false, true, b, 2 * n, n, 1f, s, hp, n, whh.data(), whh.offset(), whh.ld(), 1f, s,
          zt, gn);
      for (int r = 0; r < b; r++) {
        System.arraycopy(bhh.data(), bhh.offset() + 2 * n, s, qt + r * n, n);
      }
      K.gemm(false, true, b, n, n, 1f, s, hp, n, whh.data(), whn, whh.ld(), 1f, s, qt, n);
      int ht = h + t * bn;
      for (int r = 0; r < b; r++) {
        int row = zt + r * gn;
        SIG.forward(s, row, s, row, 2 * n);
        for (int k = 0; k < n; k++) {
          s[row + 2 * n + k] += s[row + k] * s[qt + r * n + k];
        }
        TANH.forward(s, row + 2 * n, s, row + 2 * n, n);
        for (int k = 0; k < n; k++) {
          float nn = s[row + 2 * n + k];
          s[ht + r * n + k] = nn + s[row + n + k] * (s[hp + r * n + k] - nn);
        }
      }
    }
  }

  @Override
  void backSteps(int b, int steps, float[] s, int sOff, float[] up, int upOff, float[] w,
      int wOff, GradientProfile p, int slot0) {
    int bn = b * n;
    int h = sOff + hOff(b, steps);
    int z = sOff + zOff(b, steps);
    int q = sOff + eOff(b, steps);
    int da = wOff + daOff(b, steps);
    int v = wOff + vOff(b, steps);
    int dh = v;
    int next = v + bn;
    for (int t = steps; t >= 1; t--) {
      if (t < steps) {
        record(p, slot0 + t, w, dh, bn, 0);
      }
      int zt = z + (t - 1) * b * gn;
      int hp = h + (t - 1) * bn;
      int qt = q + (t - 1) * bn;
      int dg = wOff + (t - 1) * b * gn;
      int dat = da + (t - 1) * b * gn;
      for (int r = 0; r < b; r++) {
        int row = zt + r * gn;
        int d = dg + r * gn;
        int a = dat + r * gn;
        for (int k = 0; k < n; k++) {
          float dhv = w[dh + r * n + k];
          float zv = s[row + n + k];
          w[d + 2 * n + k] = dhv * (1f - zv);
          w[d + n + k] = dhv * (s[hp + r * n + k] - s[row + 2 * n + k]);
          w[next + r * n + k] = dhv * zv;
        }
        TANH.backwardFromOutput(w, d + 2 * n, s, row + 2 * n, w, d + 2 * n, n);
        for (int k = 0; k < n; k++) {
          float dn = w[d + 2 * n + k];
          w[a + 2 * n + k] = dn * s[row + k];
          w[d + k] = dn * s[qt + r * n + k];
        }
        SIG.backwardFromOutput(w, d, s, row, w, d, 2 * n);
        System.arraycopy(w, d, w, a, 2 * n);
      }
      hiddenGradient(b, steps, t, w, dat, 1f, next, up, upOff);
      int swap = dh;
      dh = next;
      next = swap;
    }
    System.arraycopy(w, dh, s, sOff + d0Off(b, steps), bn);
  }

  @Override
  void jvpLoop(int steps, float[] s, int sOff, float[] w, int wOff, int v, float[] dOut,
      int dOutOff) {
    int h = sOff + hOff(1, steps);
    int z = sOff + zOff(1, steps);
    int q = sOff + eOff(1, steps);
    int dq = wOff + steps * gn;
    for (int t = 1; t <= steps; t++) {
      int dp = wOff + (t - 1) * gn;
      float[] prev = tangentArray(t - 1, w, dOut);
      int prevOff = tangentOffset(t - 1, v, dOutOff);
      float[] out = tangentArray(t, w, dOut);
      K.gemv(gn, n, 1f, whh.data(), whh.offset(), whh.ld(), prev, prevOff, 0f, w, dq);
      int g = z + (t - 1) * gn;
      for (int k = 0; k < 2 * n; k++) {
        w[dp + k] += w[dq + k];
      }
      SIG.backwardFromOutput(w, dp, s, g, w, dp, 2 * n);
      int qt = q + (t - 1) * n;
      for (int k = 0; k < n; k++) {
        w[dp + 2 * n + k] += w[dp + k] * s[qt + k] + s[g + k] * w[dq + 2 * n + k];
      }
      TANH.backwardFromOutput(w, dp + 2 * n, s, g + 2 * n, w, dp + 2 * n, n);
      int hp = h + (t - 1) * n;
      int dst = tangentOffset(t, v, dOutOff);
      for (int k = 0; k < n; k++) {
        float dn = w[dp + 2 * n + k];
        out[dst + k] = dn + s[g + n + k] * (prev[prevOff + k] - dn)
            + w[dp + n + k] * (s[hp + k] - s[g + 2 * n + k]);
      }
    }
    finishTangent(steps, w, v, dOut, dOutOff);
  }
}
