package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;

/**
 * Long short-term memory layer over a sequence, PyTorch's {@code nn.LSTM}: with the gates stacked
 * i, f, g, o in {@code weight_ih [4n, m]}, {@code weight_hh [4n, n]}, {@code bias_ih [4n]},
 * {@code bias_hh [4n]},
 * <pre>
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g                         h' = o ⊙ tanh(c')
 * </pre>
 * Along the cell path ∂c_T/∂c_0 = Π_t diag(f_t) (the constant error carousel), which
 * {@link #setForgetBias} exploits. See {@link SequenceLayer} for shapes, the sequence API and the
 * profile slots (an LSTM also records ‖∂L/∂c_j‖).
 */
public final class Lstm extends SequenceLayer {
  private static final Activation SIG = Activations.SIGMOID;
  private static final Activation TANH = Activations.TANH;

  // Constructor, create and rebind have the shape of Gru and Rnn's: each cell makes its own type and
  // gate count; the shared work is SequenceLayer's (created, wihAt ...).
  /** weight_ih [4n, m], weight_hh [4n, n], bias_ih [4n], bias_hh [4n] (views, not copied). */
  public Lstm(Matrix weightIh, Matrix weightHh, Vec biasIh, Vec biasHh, int capacity,
      SequenceOutput output) {
    super("4n", 4, weightIh, weightHh, biasIh, biasHh, capacity, output);
  }

  /**
   * A new LSTM with PyTorch's default initialization (every parameter U(−1/√n, 1/√n)),
   * reproducible from the seed.
   */
  public static Lstm create(int m, int n, int capacity, SequenceOutput output, long seed) {
    return created(4, m, n, seed, (wi, wh, bi, bh) -> new Lstm(wi, wh, bi, bh, capacity,
        output));
  }

  /**
   * Sets the forget-gate slice [n, 2n) of {@code bias_ih} to value (in place; bias_hh is left
   * as is), e.g. 1 (Jozefowicz et al. 2015) so f ≈ σ(1) and gradients survive long sequences.
   * Returns this layer.
   */
  public Lstm setForgetBias(float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, got " + value);
    }
    for (int k = n; k < 2 * n; k++) {
      bih.set(k, value);
    }
    return this;
  }

  @Override public boolean hasCell() {
    return true;
  }

  @Override Lstm rebind(float[] data, int off) {
    return new Lstm(wihAt(data, off), whhAt(data, off), bihAt(data, off), bhhAt(data, off), cap,
        mode);
  }

  @Override public String describe() {
    return "Lstm[" + shapeText() + "]";
  }

  /** c_1 … c_T and tanh(c_1) … tanh(c_T) (c_0 sits in the extra n). */
  @Override int extraPerStep() {
    return 2 * n;
  }

  /** Applies σ, σ, tanh, σ to the four gate blocks of each row of [b, 4n] at z, in place. */
  private void activateGates(int b, float[] s, int z) {
    for (int r = 0; r < b; r++) {
      int row = z + r * gn;
      SIG.forward(s, row, s, row, 2 * n);
      TANH.forward(s, row + 2 * n, s, row + 2 * n, n);
      SIG.forward(s, row + 3 * n, s, row + 3 * n, n);
    }
  }

  /** Gate block of step t: the activated i, f, g, o. Cells at eOff: c_0 … c_T, then tanh(c_t). */
  // runSteps, backSteps and jvpLoop open with the offset lines of Gru and Rnn's and close with their
  // dh/next swap and ∂L/∂h_0 copy: these are the time loop's own locals, and the per-step bodies
  // between them are this cell's formulas.
  @Override
  void runSteps(int b, int steps, float[] s, int sOff) {
    int bn = b * n;
    int h = sOff + hOff(b, steps);
    int z = sOff + zOff(b, steps);
    int c = sOff + eOff(b, steps);
    int tc = c + (steps + 1) * bn;
    for (int t = 1; t <= steps; t++) {
      int zt = z + (t - 1) * b * gn;
      K.gemm(false, true, b, gn, n, 1f, s, h + (t - 1) * bn, n, whh.data(), whh.offset(),
          whh.ld(), 1f, s, zt, gn);
      activateGates(b, s, zt);
      int cp = c + (t - 1) * bn;
      int ct = c + t * bn;
      for (int r = 0; r < b; r++) {
        int row = zt + r * gn;
        for (int k = 0; k < n; k++) {
          s[ct + r * n + k] = s[row + n + k] * s[cp + r * n + k] + s[row + k] * s[row + 2 * n + k];
        }
      }
      int tct = tc + (t - 1) * bn;
      TANH.forward(s, ct, s, tct, bn);
      int ht = h + t * bn;
      for (int r = 0; r < b; r++) {
        int row = zt + r * gn + 3 * n;
        for (int k = 0; k < n; k++) {
          s[ht + r * n + k] = s[row + k] * s[tct + r * n + k];
        }
      }
    }
  }

  @Override
  void backSteps(int b, int steps, float[] s, int sOff, float[] up, int upOff, float[] w,
      int wOff, GradientProfile p, int slot0) {
    int bn = b * n;
    int z = sOff + zOff(b, steps);
    int c = sOff + eOff(b, steps);
    int tc = c + (steps + 1) * bn;
    int v = wOff + vOff(b, steps);
    int dh = v;
    int next = v + bn;
    int dc = v + 2 * bn;
    int tmp = v + 3 * bn;
    java.util.Arrays.fill(w, dc, dc + bn, 0f);
    for (int t = steps; t >= 1; t--) {
      if (t < steps) {
        record(p, slot0 + t, w, dh, bn, 0);
      }
      int zt = z + (t - 1) * b * gn;
      int cp = c + (t - 1) * bn;
      int tct = tc + (t - 1) * bn;
      int dg = wOff + (t - 1) * b * gn;
      // dc_t += dh_t ⊙ o ⊙ (1 − tanh²(c_t)): the total gradient w.r.t. c_t.
      for (int r = 0; r < b; r++) {
        int o = zt + r * gn + 3 * n;
        for (int k = 0; k < n; k++) {
          w[tmp + r * n + k] = w[dh + r * n + k] * s[o + k];
        }
      }
      TANH.backwardFromOutput(w, tmp, s, tct, w, tmp, bn);
      for (int i = 0; i < bn; i++) {
        w[dc + i] += w[tmp + i];
      }
      if (t < steps) {
        recordCell(p, slot0 + t, w, dc, bn);
      }
      for (int r = 0; r < b; r++) {
        int row = zt + r * gn;
        int d = dg + r * gn;
        for (int k = 0; k < n; k++) {
          float dcv = w[dc + r * n + k];
          w[d + k] = dcv * s[row + 2 * n + k];
          w[d + n + k] = dcv * s[cp + r * n + k];
          w[d + 2 * n + k] = dcv * s[row + k];
          w[d + 3 * n + k] = w[dh + r * n + k] * s[tct + r * n + k];
          w[dc + r * n + k] = dcv * s[row + n + k];
        }
        SIG.backwardFromOutput(w, d, s, row, w, d, 2 * n);
        TANH.backwardFromOutput(w, d + 2 * n, s, row + 2 * n, w, d + 2 * n, n);
        SIG.backwardFromOutput(w, d + 3 * n, s, row + 3 * n, w, d + 3 * n, n);
      }
      hiddenGradient(b, steps, t, w, dg, 0f, next, up, upOff);
      int swap = dh;
      dh = next;
      next = swap;
    }
    int d0 = sOff + d0Off(b, steps);
    System.arraycopy(w, dh, s, d0, bn);
    System.arraycopy(w, dc, s, d0 + bn, bn);
  }

  @Override
  void jvpLoop(int steps, float[] s, int sOff, float[] w, int wOff, int v, float[] dOut,
      int dOutOff) {
    int z = sOff + zOff(1, steps);
    int c = sOff + eOff(1, steps);
    int tc = c + (steps + 1) * n;
    int tmp = v + 4 * n;
    for (int t = 1; t <= steps; t++) {
      int dp = wOff + (t - 1) * gn;
      float[] prev = tangentArray(t - 1, w, dOut);
      int prevOff = tangentOffset(t - 1, v, dOutOff);
      float[] out = tangentArray(t, w, dOut);
      K.gemv(gn, n, 1f, whh.data(), whh.offset(), whh.ld(), prev, prevOff, 1f, w, dp);
      int g = z + (t - 1) * gn;
      SIG.backwardFromOutput(w, dp, s, g, w, dp, 2 * n);
      TANH.backwardFromOutput(w, dp + 2 * n, s, g + 2 * n, w, dp + 2 * n, n);
      SIG.backwardFromOutput(w, dp + 3 * n, s, g + 3 * n, w, dp + 3 * n, n);
      int cp = c + (t - 1) * n;
      int dcPrev = v + 2 * n + ((t - 1) % 2) * n;
      int dc = v + 2 * n + (t % 2) * n;
      for (int k = 0; k < n; k++) {
        w[dc + k] = w[dp + k] * s[g + 2 * n + k] + s[g + k] * w[dp + 2 * n + k]
            + w[dp + n + k] * s[cp + k] + s[g + n + k] * w[dcPrev + k];
      }
      int tct = tc + (t - 1) * n;
      TANH.backwardFromOutput(w, dc, s, tct, w, tmp, n);
      int dst = tangentOffset(t, v, dOutOff);
      for (int k = 0; k < n; k++) {
        out[dst + k] = w[dp + 3 * n + k] * s[tct + k] + s[g + 3 * n + k] * w[tmp + k];
      }
    }
    finishTangent(steps, w, v, dOut, dOutOff);
  }
}
