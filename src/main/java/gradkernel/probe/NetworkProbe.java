package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.kernel.Kernels;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Probes one network: a forward pass over a seeded random batch, a backward pass from a random
 * upstream gradient of unit Frobenius norm, and per layer the gradient norm, the gain, σ_max and
 * the cumulative bounds; then the global weight-gradient norm and the clip coefficient.
 */
final class NetworkProbe {
  /**
   * Standard deviation of the RNN's inputs x_t: small, so a tanh RNN starts near its linear
   * regime and ρ(W) rather than saturation decides the first steps.
   */
  static final double RNN_INPUT_STD = 0.01;

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
    Activation g = s.activation();
    Matrix[] a = new Matrix[depth + 1];
    Matrix[] z = new Matrix[depth + 1];
    a[0] = gaussian(batch, s.inputWidth(), 1, rnd);
    for (int l = 1; l <= depth; l++) {
      progress.step(s.name() + ": forward, layer " + l + " of " + depth);
      Matrix w = s.weights().get(l - 1);
      z[l] = Matrix.zeros(batch, w.rows());
      Blas.gemm(false, true, 1f, a[l - 1], w, 0f, z[l]);
      addBias(z[l], s.biases().get(l - 1));
      a[l] = Matrix.zeros(batch, w.rows());
      g.forward(z[l].data(), 0, a[l].data(), 0, a[l].data().length);
      if (residual) {
        Blas.axpy(1f, Vec.of(a[l - 1].data()), Vec.of(a[l].data()));
      }
    }
    Matrix v = unitGaussian(batch, s.weights().get(depth - 1).rows(), rnd);
    double[] gradNorm = new double[depth + 1];
    double[] wNorm = new double[depth + 1];
    double[] sigma = new double[depth + 1];
    double[] factorUp = new double[depth + 1];
    double[] factorLo = new double[depth + 1];
    gradNorm[depth] = Blas.nrm2(Vec.of(v.data()));
    List<float[]> grads = new ArrayList<>();
    NonFiniteAt nonFinite = null;
    for (int l = depth; l >= 1; l--) {
      Matrix w = s.weights().get(l - 1);
      Matrix delta = Matrix.zeros(batch, w.rows());
      g.backward(v.data(), 0, z[l].data(), 0, delta.data(), 0, delta.data().length);
      Matrix dw = Matrix.zeros(w.rows(), w.cols());
      Blas.gemm(true, false, 1f, delta, a[l - 1], 0f, dw);
      float[] db = columnSums(delta);
      grads.add(dw.data());
      grads.add(db);
      Matrix next = Matrix.zeros(batch, w.cols());
      Blas.gemm(false, false, 1f, delta, w, 0f, next);
      if (residual) {
        Blas.axpy(1f, Vec.of(v.data()), Vec.of(next.data()));
      }
      v = next;
      gradNorm[l - 1] = Blas.nrm2(Vec.of(v.data()));
      wNorm[l] = Math.hypot(Blas.nrm2(Vec.of(dw.data())), Blas.nrm2(Vec.of(db)));
      if (nonFinite == null) {
        int bad = Kernels.active().indexOfNonFinite(v.data().length, v.data(), 0);
        if (bad >= 0) {
          nonFinite = new NonFiniteAt(l, bad, v.data()[bad]);
        }
      }
      progress.step(s.name() + ": backward and spectra, layer " + l + " of " + depth);
      sigma[l] = Spectra.sigmaMax(w);
      double[] range = range(z[l]);
      double sup = g.supDerivative(range[0], range[1]);
      double inf = g.infDerivative(range[0], range[1]);
      factorUp[l] = residual ? 1 + sup * sigma[l] : sup * sigma[l];
      double sMin = !residual && w.rows() == w.cols() ? Spectra.sigmaMin(w) : Double.NaN;
      factorLo[l] = residual ? 1 - sup * sigma[l] : inf * sMin;
    }
    return result(s, gradNorm, wNorm, sigma, factorUp, factorLo, grads, clipNorm, nonFinite, Double.NaN,
        s.inputWidth());
  }

  private static NetworkResult rnn(NetworkSpec s, int batch, double clipNorm, SplittableRandom rnd,
      Progress progress) {
    Matrix w = s.weights().get(0);
    Matrix u = s.weights().get(1);
    float[] bias = s.biases().get(0);
    int n = w.rows();
    int steps = s.steps();
    Activation g = s.activation();
    Matrix[] h = new Matrix[steps + 1];
    Matrix[] x = new Matrix[steps + 1];
    Matrix[] z = new Matrix[steps + 1];
    h[0] = Matrix.zeros(batch, n);
    for (int t = 1; t <= steps; t++) {
      x[t] = gaussian(batch, u.cols(), RNN_INPUT_STD, rnd);
      z[t] = Matrix.zeros(batch, n);
      Blas.gemm(false, true, 1f, h[t - 1], w, 0f, z[t]);
      Blas.gemm(false, true, 1f, x[t], u, 1f, z[t]);
      addBias(z[t], bias);
      h[t] = Matrix.zeros(batch, n);
      g.forward(z[t].data(), 0, h[t].data(), 0, n * batch);
    }
    double sigma = Spectra.sigmaMax(w);
    double sMin = Spectra.sigmaMin(w);
    Matrix v = unitGaussian(batch, n, rnd);
    Matrix dw = Matrix.zeros(n, n);
    Matrix du = Matrix.zeros(n, u.cols());
    float[] db = new float[n];
    double[] gradNorm = new double[steps + 1];
    double[] wNorm = new double[steps + 1];
    double[] sig = new double[steps + 1];
    double[] factorUp = new double[steps + 1];
    double[] factorLo = new double[steps + 1];
    gradNorm[steps] = Blas.nrm2(Vec.of(v.data()));
    NonFiniteAt nonFinite = null;
    Matrix dwStep = Matrix.zeros(n, n);
    Matrix duStep = Matrix.zeros(n, u.cols());
    for (int t = steps; t >= 1; t--) {
      progress.step(s.name() + ": backward, step " + t + " of " + steps);
      Matrix delta = Matrix.zeros(batch, n);
      g.backward(v.data(), 0, z[t].data(), 0, delta.data(), 0, n * batch);
      Blas.gemm(true, false, 1f, delta, h[t - 1], 0f, dwStep);
      Blas.gemm(true, false, 1f, delta, x[t], 0f, duStep);
      float[] dbStep = columnSums(delta);
      Blas.axpy(1f, Vec.of(dwStep.data()), Vec.of(dw.data()));
      Blas.axpy(1f, Vec.of(duStep.data()), Vec.of(du.data()));
      Blas.axpy(1f, Vec.of(dbStep), Vec.of(db));
      Matrix next = Matrix.zeros(batch, n);
      Blas.gemm(false, false, 1f, delta, w, 0f, next);
      v = next;
      gradNorm[t - 1] = Blas.nrm2(Vec.of(v.data()));
      wNorm[t] = Math.sqrt(Blas.sumOfSquares(Vec.of(dwStep.data())) + Blas.sumOfSquares(Vec.of(duStep.data()))
          + Blas.sumOfSquares(Vec.of(dbStep)));
      if (nonFinite == null) {
        int bad = Kernels.active().indexOfNonFinite(v.data().length, v.data(), 0);
        if (bad >= 0) {
          nonFinite = new NonFiniteAt(t, bad, v.data()[bad]);
        }
      }
      double[] range = range(z[t]);
      sig[t] = sigma;
      factorUp[t] = g.supDerivative(range[0], range[1]) * sigma;
      factorLo[t] = g.infDerivative(range[0], range[1]) * sMin;
    }
    List<float[]> grads = List.of(dw.data(), du.data(), db);
    return result(s, gradNorm, wNorm, sig, factorUp, factorLo, grads, clipNorm, nonFinite,
        Spectra.spectralRadius(w), n);
  }

  private static NetworkResult result(NetworkSpec s, double[] gradNorm, double[] wNorm, double[] sigma,
      double[] factorUp, double[] factorLo, List<float[]> grads, double clipNorm, NonFiniteAt nonFinite,
      double rho, int width) {
    int depth = gradNorm.length - 1;
    double logUp = Math.log10(gradNorm[depth]);
    double logLo = logUp;
    LayerStat[] rows = new LayerStat[depth];
    for (int l = depth; l >= 1; l--) {
      logUp += Math.log10(factorUp[l]);
      logLo += factorLo[l] > 0 ? Math.log10(factorLo[l]) : Double.NaN;
      rows[l - 1] = new LayerStat(l, gradNorm[l - 1], gradNorm[l - 1] / gradNorm[l], sigma[l], logUp, logLo,
          wNorm[l]);
    }
    double global = 0;
    for (float[] gArr : grads) {
      global += Blas.sumOfSquares(Vec.of(gArr));
    }
    global = Math.sqrt(global);
    double coef = Double.isNaN(clipNorm) ? Double.NaN : global > clipNorm ? clipNorm / global : 1;
    double growth = gradNorm[0] / gradNorm[depth];
    return new NetworkResult(s.name(), s.description(), s.kind().label(), s.activation().name(), s.init(),
        s.initGain(), width, rho, verdict(growth, nonFinite), growth, global, clipNorm, coef, nonFinite,
        List.of(rows));
  }

  static String verdict(double growth, NonFiniteAt nonFinite) {
    if (nonFinite != null || growth > 1e2) {
      return "EXPLODING";
    }
    return growth < 1e-2 ? "VANISHING" : "STABLE";
  }

  private static double[] range(Matrix z) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float f : z.data()) {
      if (f == f) { // NaN pre-activations (after an overflow) say nothing about the range
        lo = Math.min(lo, f);
        hi = Math.max(hi, f);
      }
    }
    return lo <= hi ? new double[] {lo, hi}
        : new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
  }

  private static void addBias(Matrix z, float[] b) {
    if (b == null) {
      return;
    }
    for (int i = 0; i < z.rows(); i++) {
      Blas.axpy(1f, Vec.of(b), z.row(i));
    }
  }

  private static float[] columnSums(Matrix m) {
    float[] out = new float[m.cols()];
    for (int i = 0; i < m.rows(); i++) {
      Blas.axpy(1f, m.row(i), Vec.of(out));
    }
    return out;
  }

  private static Matrix gaussian(int rows, int cols, double std, SplittableRandom r) {
    Matrix m = Matrix.zeros(rows, cols);
    float[] a = m.data();
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (std * r.nextGaussian());
    }
    return m;
  }

  private static Matrix unitGaussian(int rows, int cols, SplittableRandom r) {
    Matrix m = gaussian(rows, cols, 1, r);
    Blas.scal((float) (1 / Blas.nrm2(Vec.of(m.data()))), Vec.of(m.data()));
    return m;
  }
}
