package gradkernel.chain;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Objects;

/**
 * Elman recurrent layer over a sequence, PyTorch's {@code nn.RNN}: h_t = g(W_ih x_t + b_ih +
 * W_hh h_{t−1} + b_hh) with g = tanh (default) or relu (any {@link Activation} is accepted).
 * {@code weight_ih [n, m]}, {@code weight_hh [n, n]}, {@code bias_ih [n]}, {@code bias_hh [n]}.
 * See {@link SequenceLayer} for shapes, the sequence API and the profile slots.
 */
public final class Rnn extends SequenceLayer {
  private final Activation g;

  // Constructor, create and rebind have the shape of Lstm and Gru's: each cell makes its own type and
  // gate count; the shared work is SequenceLayer's (created, wihAt ...).
  /** weight_ih [n, m], weight_hh [n, n], bias_ih [n], bias_hh [n] (views, not copied). */
  public Rnn(Matrix weightIh, Matrix weightHh, Vec biasIh, Vec biasHh, Activation activation,
      int capacity, SequenceOutput output) {
    super("n", 1, weightIh, weightHh, biasIh, biasHh, capacity, output);
    this.g = Objects.requireNonNull(activation, "activation");
  }

  /**
   * A new tanh RNN with PyTorch's default initialization (every parameter U(−1/√n, 1/√n)),
   * reproducible from the seed.
   */
  public static Rnn create(int m, int n, int capacity, SequenceOutput output, long seed) {
    return create(m, n, Activations.TANH, capacity, output, seed);
  }

  /** As {@link #create(int, int, int, SequenceOutput, long)} with activation g (tanh, relu). */
  public static Rnn create(int m, int n, Activation g, int capacity, SequenceOutput output,
      long seed) {
    return created(1, m, n, seed, (wi, wh, bi, bh) -> new Rnn(wi, wh, bi, bh, g, capacity,
        output));
  }

  /** The activation g. */
  public Activation activation() {
    return g;
  }

  @Override Rnn rebind(float[] data, int off) {
    return new Rnn(wihAt(data, off), whhAt(data, off), bihAt(data, off), bhhAt(data, off), g, cap,
        mode);
  }

  @Override public String describe() {
    return "Rnn[" + shapeText() + ", " + g.name() + "]";
  }

  @Override int extraPerStep() {
    return 0;
  }

  /** Gate block of step t: z_t (kept), h_t = g(z_t). */
  // runSteps, backSteps and jvpLoop open with the offset lines of Lstm and Gru's and close with their
  // dh/next swap and ∂L/∂h_0 copy: these are the time loop's own locals, and the per-step bodies
  // between them are this cell's formulas.
  @Override
  void runSteps(int b, int steps, float[] s, int sOff) {
    int bn = b * n;
    int h = sOff + hOff(b, steps);
    int z = sOff + zOff(b, steps);
    for (int t = 1; t <= steps; t++) {
      int zt = z + (t - 1) * bn;
      K.gemm(false, true, b, n, n, 1f, s, h + (t - 1) * bn, n, whh.data(), whh.offset(), whh.ld(),
          1f, s, zt, n);
      g.forward(s, zt, s, h + t * bn, bn);
    }
  }

  @Override
  void backSteps(int b, int steps, float[] s, int sOff, float[] up, int upOff, float[] w,
      int wOff, GradientProfile p, int slot0) {
    int bn = b * n;
    int h = sOff + hOff(b, steps);
    int z = sOff + zOff(b, steps);
    int dh = wOff + vOff(b, steps);
    int next = dh + bn;
    boolean fromOutput = g.hasDerivativeFromOutput();
    for (int t = steps; t >= 1; t--) {
      if (t < steps) {
        record(p, slot0 + t, w, dh, bn, 0);
      }
      int dg = wOff + (t - 1) * bn;
      if (fromOutput) {
        g.backwardFromOutput(w, dh, s, h + t * bn, w, dg, bn);
      } else {
        g.backward(w, dh, s, z + (t - 1) * bn, w, dg, bn);
      }
      hiddenGradient(b, steps, t, w, dg, 0f, next, up, upOff);
      int tmp = dh;
      dh = next;
      next = tmp;
    }
    System.arraycopy(w, dh, s, sOff + d0Off(b, steps), bn);
  }

  @Override
  void jvpLoop(int steps, float[] s, int sOff, float[] w, int wOff, int v, float[] dOut,
      int dOutOff) {
    int h = sOff + hOff(1, steps);
    int z = sOff + zOff(1, steps);
    boolean fromOutput = g.hasDerivativeFromOutput();
    for (int t = 1; t <= steps; t++) {
      int dp = wOff + (t - 1) * n;
      float[] prev = tangentArray(t - 1, w, dOut);
      int prevOff = tangentOffset(t - 1, v, dOutOff);
      float[] out = tangentArray(t, w, dOut);
      K.gemv(n, n, 1f, whh.data(), whh.offset(), whh.ld(), prev, prevOff, 1f, w, dp);
      int dst = tangentOffset(t, v, dOutOff);
      if (fromOutput) {
        g.backwardFromOutput(w, dp, s, h + t * n, out, dst, n);
      } else {
        g.backward(w, dp, s, z + (t - 1) * n, out, dst, n);
      }
    }
    finishTangent(steps, w, v, dOut, dOutOff);
  }
}
