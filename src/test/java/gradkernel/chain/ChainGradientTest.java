package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Backward, JVP and batched paths against a double-precision central-difference reference. */
class ChainGradientTest {
  private static final double U = 0x1p-24;

  /**
   * Normwise error budget of the float pipeline: every multiply-add of a length-k dot product adds
   * at most k·u relative to Σ|w·a| (γ_k), the activation and its derivative a few ulps, and each
   * gradient passes once forward and once backward through every factor. With unit-scale random
   * weights Σ|w·a| ≤ √k·|Σ w·a| on average, so the bound below (forward + backward, 4u slack per
   * activation) is u·Σ_l (2k_l + 8)·√k_l over all factors (steps count as factors).
   */
  static double tolerance(Chain c) {
    double t = 0;
    for (int l = 0; l < c.size(); l++) {
      Layer layer = c.layer(l);
      int reps = layer instanceof Recurrent r ? r.steps() : 1;
      int k = layer.inputSize() + (layer instanceof Residual res ? 4 : 0);
      t += reps * (2.0 * k + 8) * Math.sqrt(k) * (layer instanceof Residual ? 2 : 1);
    }
    return t * U;
  }

  static double relErr(double[] ref, float[] got, int off) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < ref.length; i++) {
      double d = got[off + i] - ref[i];
      num += d * d;
      den += ref[i] * ref[i];
    }
    return Math.sqrt(num / den);
  }

  @Test
  void backwardMatchesCentralDifferencesOfDoubleForward() {
    for (long seed = 1; seed <= 12; seed++) {
      Random rnd = new Random(seed);
      Activation g = seed % 3 == 0 ? Activations.IDENTITY : Activations.TANH;
      Chain c = Reference.randomChain(rnd, g);
      float[] x = Reference.gaussian(rnd, c.inputSize(), 1);
      float[] u = Reference.gaussian(rnd, c.outputSize(), 1);
      Tape tape = c.newTape();
      c.forward(tape, x);
      Gradients grads = new Gradients(c);
      Matrix dx = c.backward(tape, u, grads, null);

      double[] p = Reference.params(c);
      double[] xd = Reference.toDouble(x, 0, x.length);
      double[] ud = Reference.toDouble(u, 0, u.length);
      double[] refX = Reference.inputGradient(c, p, xd, ud, 1e-5);
      double[] refP = Reference.paramGradient(c, p, xd, ud, 1e-5);
      double tol = tolerance(c);
      double ex = relErr(refX, dx.data(), dx.offset());
      double ep = relErr(refP, grads.data(), 0);
      assertTrue(ex <= tol, "seed " + seed + " input grad rel err " + ex + " > " + tol + " " + c);
      assertTrue(ep <= tol, "seed " + seed + " param grad rel err " + ep + " > " + tol + " " + c);
    }
  }

  @Test
  void forwardMatchesDoubleReference() {
    Random rnd = new Random(7);
    Chain c = Reference.randomChain(rnd, Activations.TANH);
    float[] x = Reference.gaussian(rnd, c.inputSize(), 1);
    Matrix y = c.forward(c.newTape(), x);
    double[] ref = Reference.forward(c, Reference.params(c), 0, Reference.toDouble(x, 0,
        x.length));
    assertTrue(relErr(ref, y.data(), y.offset()) <= tolerance(c));
  }

  /** <Jᵀu, w> = <u, J w>: VJP and JVP are adjoint, to the forward-backward error budget. */
  @Test
  void adjointIdentityOnRandomChains() {
    for (long seed = 100; seed < 140; seed++) {
      Random rnd = new Random(seed);
      Chain c = Reference.randomChain(rnd, seed % 2 == 0 ? Activations.TANH
          : Activations.IDENTITY);
      Tape tape = c.newTape();
      c.forward(tape, Reference.gaussian(rnd, c.inputSize(), 1));
      float[] u = Reference.gaussian(rnd, c.outputSize(), 1);
      float[] w = Reference.gaussian(rnd, c.inputSize(), 1);
      float[] jw = new float[c.outputSize()];
      c.jvp(tape, w, 0, jw, 0);
      Matrix jtu = c.backward(tape, u, null, null);
      double lhs = 0;
      double nj = 0;
      double nw = 0;
      for (int i = 0; i < w.length; i++) {
        lhs += (double) jtu.data()[jtu.offset() + i] * w[i];
        nj += (double) jtu.data()[jtu.offset() + i] * jtu.data()[jtu.offset() + i];
        nw += (double) w[i] * w[i];
      }
      double rhs = 0;
      double nu = 0;
      double njw = 0;
      for (int i = 0; i < u.length; i++) {
        rhs += (double) u[i] * jw[i];
        nu += (double) u[i] * u[i];
        njw += (double) jw[i] * jw[i];
      }
      double scale = Math.max(Math.sqrt(nj * nw), Math.sqrt(nu * njw));
      assertEquals(lhs, rhs, 2 * tolerance(c) * scale, "seed " + seed + " " + c);
    }
  }

  @Test
  void batchedAgreesWithSingleVector() {
    for (long seed = 200; seed < 210; seed++) {
      Random rnd = new Random(seed);
      Chain c = Reference.randomChain(rnd, Activations.TANH);
      int b = 1 + rnd.nextInt(6);
      int in = c.inputSize();
      int out = c.outputSize();
      float[] x = Reference.gaussian(rnd, b * in, 1);
      float[] u = Reference.gaussian(rnd, b * out, 1);
      Tape bt = c.newTape();
      Matrix y = c.forward(bt, x, 0, b);
      float[] yb = y.copy().data();
      Gradients gb = new Gradients(c);
      float[] dxb = c.backward(bt, u, 0, gb, null).copy().data();

      double[] sum = new double[c.parameterCount()];
      Tape st = c.newTape();
      Gradients gs = new Gradients(c);
      double tol = tolerance(c);
      for (int r = 0; r < b; r++) {
        float[] xr = java.util.Arrays.copyOfRange(x, r * in, (r + 1) * in);
        float[] ur = java.util.Arrays.copyOfRange(u, r * out, (r + 1) * out);
        Matrix ys = c.forward(st, xr);
        assertTrue(relErr(Reference.toDouble(ys.data(), ys.offset(), out), yb, r * out) <= tol);
        Matrix dxs = c.backward(st, ur, gs, null);
        assertTrue(relErr(Reference.toDouble(dxs.data(), dxs.offset(), in), dxb, r * in) <= tol,
            "seed " + seed + " row " + r);
        for (int i = 0; i < sum.length; i++) {
          sum[i] += gs.data()[i];
        }
      }
      assertTrue(relErr(sum, gb.data(), 0) <= tol * b, "seed " + seed + " weight grads");
    }
  }

  @Test
  void repeatedPassesReuseTapeBuffers() {
    Random rnd = new Random(3);
    Chain c = Reference.randomChain(rnd, Activations.TANH);
    Tape t = c.newTape();
    float[] x = Reference.gaussian(rnd, 4 * c.inputSize(), 1);
    float[] u = Reference.gaussian(rnd, 4 * c.outputSize(), 1);
    c.forward(t, x, 0, 4);
    Matrix first = c.backward(t, u, 0, null, null).copy();
    float[] data = t.data;
    float[] work = t.work;
    c.forward(t, x, 0, 2);
    c.forward(t, x, 0, 4);
    Matrix again = c.backward(t, u, 0, null, null);
    assertTrue(data == t.data && work == t.work, "no reallocation for same or smaller batch");
    org.junit.jupiter.api.Assertions.assertArrayEquals(first.data(), again.copy().data(),
        "same input, same tape: bitwise identical gradients");
  }
}
