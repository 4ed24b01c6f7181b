package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.GradientProfile.Verdict;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Explicit Jacobians, matrix-chain ordering, BPTT versus unrolling, and the gradient profile. */
class JacobianProfileTest {

  @Test
  void matrixChainOrderFindsTextbookOptimum() {
    // CLRS 15.2: dimensions 30,35,15,5,10,20,25 → 15125 scalar multiplications.
    assertEquals(15125, MatrixChain.optimalCost(30, 35, 15, 5, 10, 20, 25));
    assertEquals(0, MatrixChain.optimalCost(4, 7));
  }

  @Test
  void explicitJacobianRowsAreVjpsAndColumnsAreJvps() {
    for (long seed = 10; seed < 20; seed++) {
      Random rnd = new Random(seed);
      Chain c = Reference.randomChain(rnd, Activations.TANH);
      Tape tape = c.newTape();
      c.forward(tape, Reference.gaussian(rnd, c.inputSize(), 1));
      Matrix j = c.jacobian(tape);
      assertEquals(c.outputSize(), j.rows());
      assertEquals(c.inputSize(), j.cols());
      double tol = ChainGradientTest.tolerance(c);
      float[] e = new float[c.outputSize()];
      for (int i = 0; i < c.outputSize(); i++) {
        e[i] = 1f;
        Matrix row = c.backward(tape, e, null, null);
        e[i] = 0f;
        double[] ref = Reference.toDouble(j.data(), j.offset() + i * j.ld(), j.cols());
        if (norm(ref) > 0) {
          assertTrue(ChainGradientTest.relErr(ref, row.data(), row.offset()) <= 2 * tol,
              "seed " + seed + " row " + i);
        }
      }
      float[] d = new float[c.inputSize()];
      float[] col = new float[c.outputSize()];
      d[0] = 1f;
      c.jvp(tape, d, 0, col, 0);
      for (int i = 0; i < col.length; i++) {
        assertEquals(j.get(i, 0), col[i], 2 * tol * (1 + Math.abs(col[i])));
      }
      // A sub-range: J_[1,L) · J_[0,1) equals the full product.
      if (c.size() > 1) {
        Matrix tail = c.jacobian(tape, 1, c.size());
        Matrix head = c.jacobian(tape, 0, 1);
        Matrix prod = Matrix.zeros(tail.rows(), head.cols());
        gradkernel.tensor.Blas.gemm(gradkernel.tensor.Transpose.NO, gradkernel.tensor.Transpose.NO,
            1f, tail, head, 0f, prod);
        for (int i = 0; i < prod.rows(); i++) {
          for (int k = 0; k < prod.cols(); k++) {
            assertEquals(j.get(i, k), prod.get(i, k), 4 * tol * (1 + Math.abs(j.get(i, k))));
          }
        }
      }
    }
  }

  /** BPTT through Recurrent equals backprop through T dense layers sharing W, bias_t = b + U x_t. */
  @Test
  void bpttMatchesUnrolledDenseChain() {
    Random rnd = new Random(42);
    int n = 6;
    int m = 3;
    int steps = 5;
    Recurrent r = Reference.recurrent(rnd, n, m, steps, Activations.TANH);
    Chain rc = Chain.of(r);
    float[] input = Reference.gaussian(rnd, r.inputSize(), 1);
    List<Layer> unrolled = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      float[] bt = new float[n];
      for (int i = 0; i < n; i++) {
        double s = r.bias().get(i);
        for (int k = 0; k < m; k++) {
          s += (double) r.weightIh().get(i, k) * input[n + t * m + k];
        }
        bt[i] = (float) s;
      }
      unrolled.add(new Dense(r.weightHh(), Vec.of(bt), Activations.TANH));
    }
    Chain dc = Chain.of(unrolled);
    float[] up = Reference.gaussian(rnd, n, 1);
    Tape rt = rc.newTape(Tape.Keep.INPUT_GRADIENTS);
    Tape dt = dc.newTape(Tape.Keep.INPUT_GRADIENTS);
    Matrix hr = rc.forward(rt, input).copy();
    Matrix hd = dc.forward(dt, java.util.Arrays.copyOf(input, n)).copy();
    double tol = steps * (2 * (n + m) + 8) * Math.sqrt(n + m) * 0x1p-24;
    assertTrue(ChainGradientTest.relErr(Reference.toDouble(hd.data(), 0, n), hr.data(), 0) <= tol);

    Gradients gr = new Gradients(rc);
    Gradients gd = new Gradients(dc);
    GradientProfile pr = new GradientProfile(rc);
    GradientProfile pd = new GradientProfile(dc);
    Matrix dxr = rc.backward(rt, up, gr, pr);
    Matrix dxd = dc.backward(dt, up, gd, pd);
    assertTrue(ChainGradientTest.relErr(Reference.toDouble(dxd.data(), dxd.offset(), n),
        dxr.data(), dxr.offset()) <= tol);
    double[] dw = new double[n * n];
    double[] db = new double[n];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n * n; i++) {
        dw[i] += gd.weight(t).data()[gd.weight(t).offset() + i];
      }
      for (int i = 0; i < n; i++) {
        db[i] += gd.bias(t).get(i);
      }
    }
    assertTrue(ChainGradientTest.relErr(dw, gr.data(), 0) <= tol);
    assertTrue(ChainGradientTest.relErr(db, gr.data(), n * n + n * m) <= tol);
    // Per-step profile of the recurrent layer equals the per-layer profile of the unrolled chain.
    for (int s = 0; s < steps; s++) {
      assertEquals(pd.gradientNorm(s), pr.gradientNorm(s), tol * pd.gradientNorm(s));
    }
  }

  @Test
  void profileNormsMatchKeptGradientsAndWeightTotals() {
    Random rnd = new Random(5);
    Chain c = Chain.of(Reference.dense(rnd, 7, 5, Activations.TANH),
        Residual.of(Reference.dense(rnd, 4, 7, Activations.TANH),
            Reference.dense(rnd, 7, 4, Activations.IDENTITY)),
        Reference.dense(rnd, 3, 7, Activations.TANH));
    for (int b : new int[] {1, 3}) {
      Tape t = c.newTape(Tape.Keep.INPUT_GRADIENTS);
      c.forward(t, Reference.gaussian(rnd, b * 5, 1), 0, b);
      Gradients g = new Gradients(c);
      GradientProfile p = new GradientProfile(c);
      c.backward(t, Reference.gaussian(rnd, b * 3, 1), 0, g, p);
      assertEquals(3, p.slots());
      for (int l = 0; l <= 3; l++) {
        Matrix v = c.inputGradient(t, l);
        double ss = 0;
        float max = 0;
        for (int i = 0; i < v.rows() * v.cols(); i++) {
          float x = v.data()[v.offset() + i];
          ss += (double) x * x;
          max = Math.max(max, Math.abs(x));
        }
        assertEquals(Math.sqrt(ss), p.gradientNorm(l), 1e-12 * Math.sqrt(ss));
        assertEquals(max, p.maxAbs(l));
      }
      for (int l = 0; l < 3; l++) {
        assertEquals(p.gradientNorm(l) / p.gradientNorm(l + 1), p.gain(l), 1e-15 * p.gain(l));
        double ss = 0;
        Vec blk = g.block(l);
        for (int i = 0; i < blk.length(); i++) {
          ss += (double) blk.get(i) * blk.get(i);
        }
        // Single-example dense uses ‖δ‖²‖a‖² = ‖δaᵀ‖²: equal up to float rounding of dW entries.
        assertEquals(Math.sqrt(ss), p.weightGradientNorm(l), 1e-6 * Math.sqrt(ss), "layer " + l);
      }
      double total = 0;
      for (float x : g.data()) {
        total += (double) x * x;
      }
      assertEquals(total, p.weightGradientSumOfSquares(), 1e-6 * total);
      assertEquals(-1, p.firstNonFiniteSlot());
    }
  }

  /** L identity-activation layers with W = c·I scale the gradient by exactly c^L. */
  private static Chain scaled(int layers, int n, float c) {
    Layer[] ls = new Layer[layers];
    for (int l = 0; l < layers; l++) {
      float[] w = new float[n * n];
      for (int i = 0; i < n; i++) {
        w[i * n + i] = c;
      }
      ls[l] = Dense.of(w, n, n, new float[n], Activations.IDENTITY);
    }
    return Chain.of(ls);
  }

  private static GradientProfile profile(Chain c, float[] up) {
    Tape t = c.newTape();
    c.forward(t, new float[c.inputSize()]);
    GradientProfile p = new GradientProfile(c);
    c.backward(t, up, null, p);
    return p;
  }

  @Test
  void verdictsFollowTheDocumentedRule() {
    float[] up = {1, -2, 3, 0.5f};
    GradientProfile ex = profile(scaled(4, 4, 8f), up); // R = 4096
    assertEquals(4096, ex.totalGain(), 1e-12);
    assertEquals(8, ex.geometricMeanGain(), 1e-12);
    assertEquals(Verdict.EXPLODING, ex.verdict());
    GradientProfile edge = profile(scaled(3, 4, 10f), up); // R = 1000: not above totalGainLimit,
    // but 10× per layer (G = 10 > 1.25, R > 10): EXPLODING since the per-layer rule (the old
    // end-to-end-only rule said STABLE); with the per-layer rule off it is STABLE again.
    assertEquals(Verdict.EXPLODING, edge.verdict());
    assertEquals(Verdict.STABLE,
        edge.verdict(VerdictRule.DEFAULT.withMeanGainLimit(Double.POSITIVE_INFINITY)));
    assertEquals(Verdict.VANISHING, profile(scaled(4, 4, 0.125f), up).verdict());
    assertEquals(Verdict.STABLE, profile(scaled(16, 4, 1f), up).verdict());
    GradientProfile zero = profile(scaled(2, 4, 1f), new float[4]);
    assertEquals(1, zero.totalGain());
    assertEquals(Verdict.STABLE, zero.verdict());
  }

  @Test
  void nonFiniteProvenanceNamesFirstLayerAndElement() {
    Chain c = scaled(5, 4, 1f);
    // Layer 3's weight (row 1, col 2) overflows: v_3 = W_3ᵀ v_4 gets ±∞ at element 2.
    Dense d = (Dense) c.layer(3);
    d.weight().set(1, 2, Float.MAX_VALUE);
    d.weight().set(1, 1, 1f);
    GradientProfile p = profile(c, new float[] {0, 4, 0, 0});
    assertEquals(Verdict.NON_FINITE, p.verdict());
    assertEquals(3, p.firstNonFiniteSlot());
    assertEquals(3, p.firstNonFiniteLayer());
    assertEquals(2, p.firstNonFiniteIndex());
    assertEquals(1, p.positiveInfinityCount(3));
    assertEquals(0, p.nanCount(3));
    assertEquals(0, p.positiveInfinityCount(4));
    // Further down, 0·∞ = NaN in every other column sum (IEEE), then NaN spreads everywhere.
    assertEquals(1, p.positiveInfinityCount(2));
    assertEquals(3, p.nanCount(2));
    assertEquals(4, p.nanCount(0));

    Chain neg = scaled(2, 3, 1f);
    GradientProfile q = profile(neg, new float[] {Float.NaN, Float.NEGATIVE_INFINITY, 1});
    assertEquals(2, q.firstNonFiniteSlot()); // the upstream itself
    assertEquals(2, q.firstNonFiniteLayer());
    assertEquals(0, q.firstNonFiniteIndex());
    assertArrayEquals(new long[] {1, 1, 0},
        new long[] {q.nanCount(2), q.negativeInfinityCount(2), q.positiveInfinityCount(2)});
    assertEquals(3, q.nanCount(0));
  }

  @Test
  void overflowingWeightGradientIsReportedNonFinite() {
    Chain c = Chain.of(Dense.of(new float[] {1, 0, 0, 1}, 2, 2, new float[2],
        Activations.IDENTITY));
    Tape t = c.newTape();
    c.forward(t, new float[] {3e20f, 1});
    Gradients g = new Gradients(c);
    GradientProfile p = new GradientProfile(c);
    c.backward(t, new float[] {3e20f, 0}, g, p); // dW[0][0] = 9e40 overflows float
    assertEquals(Float.POSITIVE_INFINITY, g.weight(0).get(0, 0));
    assertEquals(Double.POSITIVE_INFINITY, p.weightGradientSumOfSquares());
    assertEquals(Verdict.NON_FINITE, p.verdict());
    assertEquals(-1, p.firstNonFiniteSlot()); // the input gradients themselves stay finite
  }

  private static double norm(double[] a) {
    return Math.sqrt(Reference.dot(a, a));
  }
}
