package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * The adjoint (dot-product) identity between backward and forward mode, and the residual-chain
 * bounds, on chains built from the library's Blas and Activation kernels. Rounding allowances
 * follow from the perturbation bound ‖Π(A_l+E_l) − ΠA_l‖ ≤ Π(‖A_l‖+‖E_l‖) − Π‖A_l‖.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class ChainIdentityProperties {
  static final double U = Exact.U32;

  @Provide
  Arbitrary<int[]> widths() {
    return Gen.widths();
  }

  @Provide
  Arbitrary<Double> chainScale() {
    return Gen.chainScale();
  }

  @Provide
  Arbitrary<Activation> activations() {
    return Gen.activation();
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Gen.seed();
  }

  /**
   * Adjoint identity ⟨Jᵀu, w⟩ = ⟨u, J w⟩ (J = D_L W_L ⋯ D_1 W_1 at the recorded z): backward (VJP,
   * gemvᵀ) and forward (JVP, gemv) agree within 2‖u‖‖w‖·(Π s_l(1+5u)(σ_l+γ_{n_l}F_l) −
   * Π s_lσ_l) plus the double inner products' negligible rounding, where s_l = sup|g'| on the
   * visited range and F_l = ‖W_l‖_F.
   */
  @Property(tries = 200)
  void adjointIdentity(@ForAll("widths") int[] widths, @ForAll("chainScale") double scale,
      @ForAll("activations") Activation g, @ForAll("seeds") long seed) {
    DenseChain c = new DenseChain(widths, DenseChain.gaussianWeights(widths, scale, false,
        seed), g);
    c.forward(DenseChain.gaussian(widths[0], seed + 1));
    float[] u = DenseChain.gaussian(widths[c.depth()], seed + 2);
    float[] w = DenseChain.gaussian(widths[0], seed + 3);
    float[] jtu = c.backward(u);
    float[] jw = c.tangent(w);
    double lhs = dot(jtu, w);
    double rhs = dot(u, jw);
    double exact = 1;
    double perturbed = 1;
    for (int l = 1; l <= c.depth(); l++) {
      int n = Math.max(widths[l], widths[l - 1]);
      double s = g.supDerivative(c.zLo[l - 1], c.zHi[l - 1]);
      double smax = Exact.sigmaMax(c.w[l - 1], widths[l], widths[l - 1]);
      exact *= s * smax;
      perturbed *= s * (1 + 5 * U) * (smax + Exact.gamma(n) * DenseChain.frobenius(c.w[l - 1]));
    }
    double tol = 2 * Exact.norm(u) * Exact.norm(w) * (perturbed - exact)
        + 4 * widths[0] * Exact.U64 * (Math.abs(lhs) + Math.abs(rhs)) + Double.MIN_NORMAL;
    Statistics.label("|⟨Jᵀu,w⟩| vs ‖u‖‖w‖Πsσ").collect(Math.abs(lhs) > 0.1 * exact
        * Exact.norm(u) * Exact.norm(w) ? "large" : "small (cancellation)");
    assertTrue(Math.abs(lhs - rhs) <= tol, () -> "⟨Jᵀu,w⟩=" + lhs + " ⟨u,Jw⟩=" + rhs
        + " tol=" + tol);
  }

  /**
   * Residual chain a_l = a_{l-1} + g(W_l a_{l-1}) (square W), Jacobian I + D_l W_l: with
   * q_l = sup|g'|·σ_max(W_l), Π(1 − q_l) ≤ ‖v_0‖/‖v_L‖ ≤ Π(1 + q_l), the lower side only where
   * every q_l < 1 (I + J invertible by the Neumann series). The backward step
   * v ← v + W_lᵀ(v ⊙ g') runs as one gemvᵀ with β = 1, whose rounding is
   * γ_{n+2}(‖W‖_F‖δ‖ + ‖v‖).
   */
  @Property(tries = 200)
  void residualChainBounds(@ForAll("square") int[] widths, @ForAll("resScale") double scale,
      @ForAll("activations") Activation g, @ForAll("seeds") long seed) {
    int n = widths[0];
    int depth = widths.length - 1;
    float[][] w = DenseChain.gaussianWeights(widths, scale, false, seed);
    float[] a = DenseChain.gaussian(n, seed + 1);
    float[][] z = new float[depth][];
    double[] sup = new double[depth];
    for (int l = 0; l < depth; l++) {
      z[l] = new float[n];
      Blas.gemv(1f, Matrix.of(w[l], n, n), Vec.of(a), 0f, Vec.of(z[l]));
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (float v : z[l]) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      sup[l] = g.supDerivative(lo, hi);
      float[] ga = new float[n];
      g.forward(z[l], 0, ga, 0, n);
      float[] next = a.clone();
      Blas.axpy(1f, Vec.of(ga), Vec.of(next));
      a = next;
    }
    float[] vL = DenseChain.gaussian(n, seed + 2);
    float[] v = vL;
    double upper = Exact.norm(vL);
    double lower = upper;
    boolean invertible = true;
    double gam = Exact.gamma(n + 2);
    for (int l = depth - 1; l >= 0; l--) {
      float[] delta = new float[n];
      g.backward(v, 0, z[l], 0, delta, 0, n);
      float[] prev = v.clone();
      Blas.gemvT(1f, Matrix.of(w[l], n, n), Vec.of(delta), 1f, Vec.of(prev));
      v = prev;
      double q = sup[l] * (1 + 5 * U) * (Exact.sigmaMax(w[l], n, n)
          + gam * DenseChain.frobenius(w[l]));
      upper *= 1 + gam + q;
      double f = 1 - gam - q;
      invertible &= f > 0;
      lower *= Math.max(0, f);
    }
    double n0 = Exact.norm(v);
    Statistics.label("lower bound").collect(invertible ? "I+J provably invertible" : "trivial");
    double up = upper;
    double lo = lower;
    assertTrue(n0 <= upper, () -> "‖v_0‖=" + n0 + " > Π(1+q) bound " + up);
    assertTrue(n0 >= lower, () -> "‖v_0‖=" + n0 + " < Π(1−q) bound " + lo);
  }

  @Provide
  Arbitrary<int[]> square() {
    return Arbitraries.integers().between(1, 16).edgeCases(c -> c.includeOnly(1))
        .flatMap(d -> Gen.width().map(n -> {
          int[] w = new int[d + 1];
          java.util.Arrays.fill(w, n);
          return w;
        }));
  }

  @Provide
  Arbitrary<Double> resScale() {
    // Around 1/σ so both the invertible (q < 1) and the non-invertible regime occur.
    return Arbitraries.doubles().between(0.01, 2.0).edgeCases(c -> c.includeOnly(0.01));
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
