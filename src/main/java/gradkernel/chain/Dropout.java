package gradkernel.chain;

import gradkernel.tensor.Matrix;
import java.util.List;
import java.util.Objects;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout(p)}): in {@link Mode#TRAIN} each element is
 * zeroed with probability p and survivors are scaled by 1/(1 − p), so the expectation is
 * unchanged; in {@link Mode#EVAL} it is the identity. The Jacobian is diag(mask/(1 − p)).
 *
 * <p>The mask is a pure function of (seed, step, example row, feature): element e = row·n + j
 * is kept iff u(seed, step, e) ≥ p with u a SplitMix64 hash mapped to [0, 1) in steps of 2⁻²⁴.
 * The same seed and step give the same mask on every machine, thread count and run; repeated
 * forward passes within a step (a gradient check, a second backward) see the same mask. Call
 * {@link #step(long)} (or {@link #nextStep()}) once per training step for a fresh mask.
 * p = 0 is the identity, p = 1 zeroes everything.
 */
public final class Dropout extends Layer {
  private final int n;
  private final double p;
  private final long seed;
  private long step;
  private Mode mode = Mode.TRAIN;

  /** Dropout over n features with drop probability p in [0, 1] and a mask seed. */
  public Dropout(int n, double p, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in [0, 1], got " + p);
    }
    this.n = n;
    this.p = p;
    this.seed = seed;
  }

  /** The drop probability p. */
  public double p() {
    return p;
  }

  /** The mask seed. */
  public long seed() {
    return seed;
  }

  /** The current step of the mask sequence. */
  public long step() {
    return step;
  }

  /** Selects the mask of training step {@code step}. */
  public void step(long step) {
    this.step = step;
  }

  /** Advances to the next step's mask. */
  public void nextStep() {
    step++;
  }

  /** The current mode (TRAIN after construction). */
  public Mode mode() {
    return mode;
  }

  @Override void mode(Mode m) {
    this.mode = Objects.requireNonNull(m, "mode");
  }

  /** Whether element e (= row·n + feature) survives at the current seed and step. */
  public boolean keeps(long e) {
    long z = seed + 0x9E3779B97F4A7C15L * (step * 0x632BE59BD9B4E019L + e + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 40) * 0x1.0p-24 >= p;
  }

  @Override public int inputSize() { return n; }

  @Override public int outputSize() { return n; }

  @Override public int parameterCount() { return 0; }

  @Override public List<Parameter> parameters() { return List.of(); }

  @Override List<Matrix> parameterValues() { return List.of(); }

  @Override Dropout rebind(float[] data, int off) {
    Dropout d = new Dropout(n, p, seed);
    d.step = step;
    d.mode = mode;
    return d;
  }

  @Override public String describe() {
    return "Dropout[" + n + ", p " + p + ", " + mode.name().toLowerCase(java.util.Locale.ROOT)
        + "]";
  }

  /** The per-element factor (0 or 1/(1 − p); 1 in EVAL). */
  @Override int scratchPerExample() { return n; }

  @Override int workPerExample() { return 0; }

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    float keep = p >= 1 ? 0f : (float) (1 / (1 - p));
    boolean train = mode == Mode.TRAIN && p > 0;
    for (int e = 0; e < b * n; e++) {
      s[sOff + e] = !train ? 1f : keeps(e) ? keep : 0f;
    }
    K.mul(b * n, a, aOff, s, sOff, out, outOff);
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile pr,
      int slot) {
    K.mul(b * n, up, upOff, s, sOff, dIn, dInOff);
    record(pr, slot, dIn, dInOff, b * n, 0);
    return 0;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    K.mul(n, da, daOff, s, sOff, dOut, dOutOff);
  }
}
