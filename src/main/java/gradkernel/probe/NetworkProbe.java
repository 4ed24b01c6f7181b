package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.Layer;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Residual;
import gradkernel.chain.Tape;
import gradkernel.clip.Clip;
import gradkernel.clip.NormAccumulator;
import gradkernel.spectral.Eigenvalues;
import gradkernel.spectral.GrowthBounds;
import gradkernel.spectral.Lanczos;
import gradkernel.spectral.SingularValues;
import gradkernel.spectral.SmallestSingularValue;
import gradkernel.spectral.SpectralNormEstimate;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Probes one network with the library's own code path: the network becomes a
 * {@link gradkernel.chain.Chain} (Dense, Residual or Rnn layers), a forward pass over a
 * seeded random batch records a tape, backward from a random upstream gradient of unit Frobenius
 * norm fills a {@link GradientProfile} (per-layer gradient norms, gains, non-finite provenance,
 * verdict), σ_max/σ_min come from {@link SingularValues}, ρ(W) from {@link Eigenvalues}, and the
 * global norm and clip coefficient from the profile and {@link Clip}.
 */
final class NetworkProbe {
  /**
   * Standard deviation of the RNN's inputs x_t: small, so a tanh RNN starts near its linear
   * regime and ρ(W) rather than saturation decides the first steps.
   */
  static final double RNN_INPUT_STD = 0.01;

  /**
   * Largest square width whose σ_max and σ_min come from the full SVD ({@link SingularValues}:
   * Householder bidiagonalization and implicit-shift QR in double, about 0.1 s at 512 and 0.7 s
   * at 1024 on one core, O(n³)); in general a [m, n] weight qualifies when
   * max(m,n)·min(m,n)² ≤ 1024³. Above it σ_max comes from {@link Lanczos} (residual ≤
   * {@link #LANCZOS_TOL}·σ, milliseconds to seconds), σ_min of a square weight up to
   * {@link #SIGMA_MIN_MAX_WIDTH} from {@link SmallestSingularValue}, and ρ(W) is not computed.
   */
  static final int FULL_SVD_MAX_WIDTH = 1024;

  /**
   * Largest square width whose σ_min (hence the lower bound) is computed above
   * {@link #FULL_SVD_MAX_WIDTH}: {@link SmallestSingularValue} (LU in double and Lanczos on W⁻¹,
   * about 0.8 s at 2048 and 7 s at 4096 on one core; n² doubles, 128 MiB at 4096). Wider, σ_min
   * is not computed and the description says so.
   */
  static final int SIGMA_MIN_MAX_WIDTH = 4096;

  /**
   * Largest width whose ρ(W) comes from the eigenvalue solve ({@link Eigenvalues}: Hessenberg
   * QR in double, about 0.6 s at 512 but 4 s at 1024); above it ρ(W) is not computed.
   */
  static final int EIGEN_MAX_WIDTH = 512;

  /** Relative residual of Lanczos for σ_max (and on W⁻¹ for σ_min) above the full-SVD width. */
  static final double LANCZOS_TOL = 1e-6;

  /**
   * What a network's spectra came from, for its description: nothing is added when every weight
   * took the full SVD; above it the note names Lanczos for σ_max, LU and Lanczos on W⁻¹ for σ_min
   * where a lower bound wanted it, and says where σ_min and ρ(W) were not computed.
   */
  static final class SpectraNote {
    private boolean estimated;
    private boolean minByLu;
    private boolean minMissing;

    /** Records one weight; wantMin says whether its σ_min enters a lower bound. */
    void add(Matrix w, boolean wantMin, double sigmaMin) {
      if (fullSvd(w)) {
        return;
      }
      estimated = true;
      if (wantMin) {
        minMissing |= Double.isNaN(sigmaMin);
        minByLu |= !Double.isNaN(sigmaMin);
      }
    }

    boolean estimated() {
      return estimated;
    }

    /**
     * The note for the description: the estimation note when some weight was estimated (it says
     * ρ(W) is not computed), else {@link #NO_RHO_NOTE} when an RNN's ρ(W) was skipped, else "".
     */
    String text(boolean rhoSkipped) {
      return estimated ? text() : rhoSkipped ? NO_RHO_NOTE : "";
    }

    String text() {
      if (!estimated) {
        return "";
      }
      return "; above " + FULL_SVD_MAX_WIDTH + "×" + FULL_SVD_MAX_WIDTH
          + " σ_max(W) is estimated by Lanczos"
          + (minByLu ? " and σ_min(W) by LU and Lanczos on W⁻¹ (relative residual "
              + String.format(java.util.Locale.ROOT, "%.0e", LANCZOS_TOL) + ")" : "")
          + ", ρ(W) is not computed"
          + (minMissing ? ", and above " + SIGMA_MIN_MAX_WIDTH + "×" + SIGMA_MIN_MAX_WIDTH
              + " σ_min (the lower bound) is not computed" : "");
    }
  }

  /** Appended to the description of an RNN whose ρ(W) was not computed (width above 512). */
  static final String NO_RHO_NOTE = "; above " + EIGEN_MAX_WIDTH + "×" + EIGEN_MAX_WIDTH
      + " ρ(W) is not computed";

  /** ρ(W) of a square weight, or NaN above {@link #EIGEN_MAX_WIDTH}. */
  static double spectralRadius(Matrix w) {
    return w.rows() <= EIGEN_MAX_WIDTH ? Eigenvalues.spectralRadius(w) : Double.NaN;
  }

  /** Whether the full SVD of a [rows, cols] weight is affordable (see {@link #FULL_SVD_MAX_WIDTH}). */
  static boolean fullSvd(Matrix w) {
    long big = Math.max(w.rows(), w.cols());
    long small = Math.min(w.rows(), w.cols());
    long max = FULL_SVD_MAX_WIDTH;
    return big * small * small <= max * max * max;
  }

  /** Whether σ_min of a [rows, cols] weight is computed: square, at most {@link #SIGMA_MIN_MAX_WIDTH}. */
  static boolean sigmaMinComputed(int rows, int cols) {
    return rows == cols && rows <= SIGMA_MIN_MAX_WIDTH;
  }

  /**
   * {σ_max, σ_min} of W: both from the full SVD when affordable (σ_min NaN unless square), else
   * σ_max by Lanczos and σ_min by {@link SmallestSingularValue} (both seeded, so reproducible),
   * σ_min NaN when not square, wider than {@link #SIGMA_MIN_MAX_WIDTH} or not converged.
   */
  static double[] extremeSingularValues(Matrix w, boolean wantMin) {
    if (fullSvd(w)) {
      double[] sv = SingularValues.of(w);
      return new double[] {sv[0], wantMin ? sv[sv.length - 1] : Double.NaN};
    }
    int cap = Math.min(500, Math.min(w.rows(), w.cols()) + 1);
    SpectralNormEstimate e = new Lanczos(w.rows(), w.cols(), cap, 1).estimate(w, LANCZOS_TOL, cap);
    double min = Double.NaN;
    if (wantMin && sigmaMinComputed(w.rows(), w.cols())) {
      SmallestSingularValue.Estimate m = SmallestSingularValue.of(w, LANCZOS_TOL);
      min = m.converged() ? m.sigma() : Double.NaN;
    }
    return new double[] {e.sigma(), min};
  }

  private NetworkProbe() {}

  static NetworkResult probe(NetworkSpec s, int batch, double clipNorm, long seed, Progress progress) {
    SplittableRandom rnd = new SplittableRandom(seed);
    return s.kind() == NetworkSpec.Kind.RNN ? rnn(s, batch, clipNorm, rnd, progress)
        : chain(s, batch, clipNorm, rnd, progress);
  }

  private static NetworkResult chain(NetworkSpec s, int batch, double clipNorm, SplittableRandom rnd,
      Progress progress) {
    int depth = s.weights().size();
    boolean residual = s.kind() == NetworkSpec.Kind.RESIDUAL;
    Layer[] layers = new Layer[depth];
    for (int l = 0; l < depth; l++) {
      Matrix w = s.weights().get(l);
      Dense d = new Dense(w, bias(s.biases().get(l), w.rows()), s.activation(l));
      layers[l] = residual ? Residual.of(d) : d;
    }
    Chain net = Chain.of(layers);
    progress.step(s.name() + ": forward and backward through " + depth + " layers");
    Tape tape = net.newTape(Tape.Keep.INPUT_GRADIENTS);
    net.forward(tape, gaussian(batch * net.inputSize(), 1, rnd), 0, batch);
    GradientProfile prof = new GradientProfile(net);
    Gradients grads = new Gradients(net);
    net.backward(tape, unitGaussian(batch * net.outputSize(), rnd), 0, grads, prof);

    double[] gradNorm = new double[depth + 1];
    double[] wNorm = new double[depth + 1];
    double[] sigma = new double[depth + 1];
    GrowthBounds.Factor[] factors = new GrowthBounds.Factor[depth + 1];
    SpectraNote note = new SpectraNote();
    gradNorm[depth] = prof.gradientNorm(net.profileSlots());
    for (int l = 1; l <= depth; l++) {
      progress.step(s.name() + ": spectra, layer " + l + " of " + depth);
      Matrix w = s.weights().get(l - 1);
      int slot = net.firstSlot(l - 1);
      gradNorm[l - 1] = prof.gradientNorm(slot);
      wNorm[l] = prof.weightGradientNorm(slot);
      boolean square = w.rows() == w.cols();
      boolean wantMin = !residual && square;
      double[] sv = extremeSingularValues(w, wantMin);
      note.add(w, wantMin, sv[1]);
      sigma[l] = sv[0];
      Activation g = s.activation(l - 1);
      if (residual) {
        // J = I + diag(g')·W: the pre-activations sit inside the block, so g' is bounded over ℝ.
        factors[l] = GrowthBounds.residual(g, sigma[l]);
      } else {
        double[] range = range(net.preActivations(tape, l - 1));
        factors[l] = GrowthBounds.dense(g, range[0], range[1], sigma[l], sv[1]);
      }
    }
    return result(s, note, net, prof, slot -> net.slotGradient(tape, slot).orElse(null), gradNorm, wNorm,
        sigma, factors, clipNorm, Double.NaN, uniformWidth(s.weights()));
  }

  private static NetworkResult rnn(NetworkSpec s, int batch, double clipNorm, SplittableRandom rnd,
      Progress progress) {
    Matrix w = s.weights().get(0);
    Matrix u = s.weights().get(1);
    int n = w.rows();
    int m = u.cols();
    int steps = s.steps();
    Activation g = s.activation(0);
    // h_t = g(U x_t + b + W h_(t-1)): the sequence layer Rnn with weight_ih = U, weight_hh = W,
    // bias_ih = b, bias_hh = 0, outputting h_T only (the state_dict probe uses the same layer).
    // It is then PyTorch's nn.RNN, so bias_hh's gradient (equal to b's) counts in the global
    // norm, as clip_grad_norm_ would count it.
    Chain net = Chain.of(new Rnn(u, w, bias(s.biases().get(0), n), Vec.of(new float[n]), g, steps,
        SequenceOutput.LAST_STEP));
    // Input per example: x_1 … x_T (h_0 = 0).
    float[] x = gaussian(batch * net.inputSize(), RNN_INPUT_STD, rnd);
    progress.step(s.name() + ": forward and backward through " + steps + " steps");
    Tape tape = net.newTape();
    net.forward(tape, x, 0, batch);
    GradientProfile prof = new GradientProfile(net);
    Gradients grads = new Gradients(net);
    net.backward(tape, unitGaussian(batch * n, rnd), 0, grads, prof);

    double[] sv = extremeSingularValues(w, true);
    double sigma = sv[0];
    double sMin = sv[1];
    SpectraNote note = new SpectraNote();
    note.add(w, true, sMin);
    double[] range = range(net.gateActivations(tape, 0)); // an Rnn's "gates" are z_1 … z_T
    GrowthBounds.Factor factor = GrowthBounds.dense(g, range[0], range[1], sigma, sMin);
    double[] gradNorm = new double[steps + 1];
    double[] wNorm = new double[steps + 1];
    double[] sig = new double[steps + 1];
    GrowthBounds.Factor[] factors = new GrowthBounds.Factor[steps + 1];
    for (int t = 0; t <= steps; t++) {
      gradNorm[t] = prof.gradientNorm(t);
    }
    Arrays.fill(wNorm, Double.NaN); // BPTT sums dW over steps: no per-step norm
    wNorm[1] = prof.weightGradientNorm(0);
    Arrays.fill(sig, 1, steps + 1, sigma);
    Arrays.fill(factors, 1, steps + 1, factor);
    // The chain knows which slots' vectors it keeps (here only h_0's, not later steps').
    IntFunction<Matrix> gradientAt = slot -> net.slotGradient(tape, slot).orElse(null);
    return result(s, note, net, prof, gradientAt, gradNorm, wNorm, sig, factors, clipNorm,
        note.estimated() ? Double.NaN : spectralRadius(w), n);
  }

  /**
   * Assembles the result; {@code gradientAt} maps a profile slot to the gradient stored behind it
   * (null where the pass does not keep it), {@code factors[l]} bounds layer (or step) l, 1-based.
   */
  private static NetworkResult result(NetworkSpec s, SpectraNote note, Chain net,
      GradientProfile prof, IntFunction<Matrix> gradientAt, double[] gradNorm, double[] wNorm,
      double[] sigma, GrowthBounds.Factor[] factors, double clipNorm, double rho, int width) {
    int depth = gradNorm.length - 1;
    double logUp = Math.log10(gradNorm[depth]);
    double logLo = logUp;
    LayerStat[] rows = new LayerStat[depth];
    for (int l = depth; l >= 1; l--) {
      logUp += factors[l].log10Upper();
      logLo += factors[l].log10Lower().orElse(Double.NaN);
      Matrix w = s.weights().get(s.kind() == NetworkSpec.Kind.RNN ? 0 : l - 1);
      rows[l - 1] = new LayerStat(l - 1, gradNorm[l - 1], prof.gain(l - 1), sigma[l], logUp, logLo,
          wNorm[l], w.cols(), w.rows());
    }
    double global = globalNorm(prof);
    double coef = clipCoefficient(global, clipNorm);
    NonFiniteAt nonFinite = null;
    int slot = prof.firstNonFiniteSlot();
    if (slot >= 0) {
      // Slot s is the gradient w.r.t. the input of layer (or step) s, 0-based; slot L the output.
      Matrix v = slot == net.profileSlots() ? null : gradientAt.apply(slot);
      int index = (int) prof.firstNonFiniteIndex();
      float value = v == null ? Float.NaN : v.get(index / v.cols(), index % v.cols());
      nonFinite = new NonFiniteAt(slot, index, value);
    }
    String verdict = verdict(prof);
    double growth = gradNorm[0] / gradNorm[depth];
    boolean rnnWithoutRho = s.kind() == NetworkSpec.Kind.RNN && Double.isNaN(rho);
    String description = s.description()
        + note.text(rnnWithoutRho);
    return new NetworkResult(s.name(), description, s.kind().label(), null, s.activationNames(),
        s.init(), s.initGain(), width, s.steps(), rho, verdict, growth, global, clipNorm, coef,
        nonFinite, List.of(rows), List.of());
  }

  /** The global weight-gradient norm, from the sum of squares the profile filled during backward. */
  static double globalNorm(GradientProfile prof) {
    return NormAccumulator.l2().addSumOfSquares(prof.weightGradientSumOfSquares()).norm();
  }

  /** Clip's coefficient for the global norm, NaN without a clip norm or for a non-finite norm. */
  static double clipCoefficient(double global, double clipNorm) {
    return Double.isNaN(clipNorm) || !Double.isFinite(global) ? Double.NaN
        : Clip.clipCoefficient(global, clipNorm);
  }

  /**
   * The profile's verdict; NON_FINITE comes from overflow on the way back, so it is reported as
   * EXPLODING (with the non-finite provenance beside it).
   */
  static String verdict(GradientProfile prof) {
    return prof.verdict() == GradientProfile.Verdict.NON_FINITE ? "EXPLODING"
        : prof.verdict().name();
  }

  /** The common width when every weight is [w, w], else -1 (non-uniform: see per-layer in/out). */
  private static int uniformWidth(List<Matrix> ws) {
    int w = ws.get(0).cols();
    for (Matrix m : ws) {
      if (m.rows() != w || m.cols() != w) {
        return -1;
      }
    }
    return w;
  }

  private static Vec bias(float[] b, int n) {
    return Vec.of(b == null ? new float[n] : b);
  }

  private static double[] range(Matrix z) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < z.rows(); i++) {
      for (int j = 0; j < z.cols(); j++) {
        float f = z.data()[z.offset() + i * z.ld() + j];
        if (f == f) { // NaN pre-activations (after an overflow) say nothing about the range
          lo = Math.min(lo, f);
          hi = Math.max(hi, f);
        }
      }
    }
    return lo <= hi ? new double[] {lo, hi}
        : new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
  }

  static float[] gaussian(int n, double std, SplittableRandom r) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (std * r.nextGaussian());
    }
    return a;
  }

  static float[] unitGaussian(int n, SplittableRandom r) {
    float[] a = gaussian(n, 1, r);
    Blas.scal((float) (1 / Blas.nrm2(Vec.of(a))), Vec.of(a));
    return a;
  }
}
