package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Gradient growth through dense and linear recurrent chains against singular-value and
 * eigenvalue bounds, with rounding allowances derived from the shapes (Higham's γ_n for gemvᵀ,
 * one rounding for v ⊙ g'). σ_max/σ_min come from {@link Exact} (double Jacobi on WᵀW).
 *
 * <p>Per layer the computed v_{l-1} = fl(W_lᵀ fl(v_l ⊙ g'(z_l))) satisfies
 * ‖v_{l-1}‖ ≤ ‖v_l‖·sup|g'|·(1+4u)(1+u)·(σ_max + γ_n‖W‖_F) and
 * ‖v_{l-1}‖ ≥ ‖v_l‖·inf|g'|·(1−4u)(1−u)·(σ_min − γ_n‖W‖_F), n = n_l (rows of W_l),
 * allowing four ulps for the derivative's own evaluation.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class GradientBoundProperties {
  static final double U = Exact.U32;

  @Provide
  Arbitrary<int[]> widths() {
    return Gen.widths();
  }

  @Provide
  Arbitrary<int[]> squareWidths() {
    return Arbitraries.integers().between(1, 24).edgeCases(c -> c.includeOnly(1))
        .flatMap(d -> Gen.width().map(n -> {
          int[] w = new int[d + 1];
          java.util.Arrays.fill(w, n);
          return w;
        }));
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
   * Upper bound (submultiplicativity of the spectral norm, ‖D_l‖ ≤ sup|g_l'|):
   * ‖v_0‖ ≤ ‖v_L‖ · Π_l sup_{z∈[z_lo,z_hi]}|g_l'| · σ_max(W_l), times the per-layer rounding
   * factor in the class comment. Any widths, depth 1..24, scales 0.1..10, singular weights.
   */
  @Property(tries = 200)
  void upperBound(@ForAll("widths") int[] widths, @ForAll("chainScale") double scale,
      @ForAll("activations") Activation g, @ForAll boolean singular, @ForAll("seeds") long seed) {
    DenseChain c = new DenseChain(widths, DenseChain.gaussianWeights(widths, scale, singular,
        seed), g);
    c.forward(DenseChain.gaussian(widths[0], seed + 1));
    float[] vL = DenseChain.gaussian(widths[c.depth()], seed + 2);
    float[] v0 = c.backward(vL);
    double bound = Exact.norm(vL);
    for (int l = 1; l <= c.depth(); l++) {
      double sup = g.supDerivative(c.zLo[l - 1], c.zHi[l - 1]);
      assertTrue(sup <= g.supDerivative() * (1 + 4 * U), () -> g + ": sup over a range "
          + "exceeds sup over ℝ");
      double smax = Exact.sigmaMax(c.w[l - 1], widths[l], widths[l - 1]);
      bound *= sup * (1 + 4 * U) * (1 + U) * (smax + Exact.gamma(widths[l])
          * DenseChain.frobenius(c.w[l - 1]));
    }
    double n0 = Exact.norm(v0);
    double nL = Exact.norm(vL);
    Statistics.label("growth").collect(growth(n0, nL));
    Statistics.label("activation").collect(g.name());
    double b = bound;
    assertTrue(n0 <= bound, () -> "‖v_0‖=" + n0 + " > bound " + b);
  }

  /**
   * Lower bound (‖J x‖ ≥ σ_min(J)‖x‖ and σ_min(AB) ≥ σ_min(A)σ_min(B) for square A, B):
   * square invertible W and inf|g'| > 0 over the visited z range give
   * ‖v_0‖ ≥ ‖v_L‖ · Π inf|g_l'| · σ_min(W_l), minus the per-layer rounding. Identity, leaky ReLU
   * and ELU satisfy it on ℝ; tanh/sigmoid on any bounded range (the range actually visited).
   */
  @Property(tries = 200)
  void lowerBound(@ForAll("squareWidths") int[] widths, @ForAll("chainScale") double scale,
      @ForAll("activations") Activation g, @ForAll("seeds") long seed) {
    DenseChain c = new DenseChain(widths, DenseChain.gaussianWeights(widths, scale, false,
        seed), g);
    c.forward(DenseChain.gaussian(widths[0], seed + 1));
    float[] vL = DenseChain.gaussian(widths[c.depth()], seed + 2);
    float[] v0 = c.backward(vL);
    double bound = Exact.norm(vL);
    int n = widths[0];
    for (int l = 1; l <= c.depth(); l++) {
      double inf = g.infDerivative(c.zLo[l - 1], c.zHi[l - 1]);
      double smin = Exact.sigmaMin(c.w[l - 1], n);
      double f = inf * (1 - 4 * U) * (1 - U) * (smin - Exact.gamma(n)
          * DenseChain.frobenius(c.w[l - 1]));
      bound *= Math.max(0, f);
    }
    Statistics.label("lower bound").collect(bound == 0 ? "trivial (ill-conditioned/saturated)"
        : "non-trivial");
    Assume.that(bound == 0 || bound > 1e-30); // below that, float underflow makes ‖v_0‖ absolute
    double n0 = Exact.norm(v0);
    Statistics.label("growth").collect(growth(n0, Exact.norm(vL)));
    double b = bound;
    assertTrue(n0 >= bound, () -> "‖v_0‖=" + n0 + " < lower bound " + b);
  }

  /**
   * Isometry: with identity activation and orthogonal W, ‖Qᵀv‖ = ‖v‖, so ‖v_0‖ = c^L‖v_L‖ for
   * weights c·Q. Float Q and c·Q are within u√n (Frobenius) of exact, and gemvᵀ adds γ_n√n, so
   * |‖v_0‖/(c^L‖v_L‖) − 1| ≤ (1+ε)^L − 1 with ε = √n(γ_n + 2u) + u.
   */
  @Property(tries = 200)
  void orthogonalChainIsAnIsometryUpToCToTheL(@ForAll("squareWidths") int[] widths,
      @ForAll("cs") double cScale, @ForAll("seeds") long seed) {
    int n = widths[0];
    int depth = widths.length - 1;
    float[][] w = new float[depth][];
    for (int l = 0; l < depth; l++) {
      float[] q = Exact.orthogonal(n, seed + l);
      for (int i = 0; i < q.length; i++) {
        q[i] = (float) (cScale * q[i]);
      }
      w[l] = q;
    }
    DenseChain c = new DenseChain(widths, w, Activations.IDENTITY);
    c.forward(DenseChain.gaussian(n, seed + 1000));
    float[] vL = DenseChain.gaussian(n, seed + 2000);
    double ratio = Exact.norm(c.backward(vL)) / (Exact.norm(vL) * Math.pow(cScale, depth));
    double eps = Math.sqrt(n) * (Exact.gamma(n) + 2 * U) + U;
    double tol = Math.pow(1 + eps, depth) - 1;
    Statistics.label("regime").collect(cScale > 1 ? "explodes (c>1)" : cScale < 1
        ? "vanishes (c<1)" : "isometry (c=1)");
    assertTrue(Math.abs(ratio - 1) <= tol, () -> "‖v_0‖/(c^L‖v_L‖)=" + ratio + " tol " + tol);
  }

  @Provide
  Arbitrary<Double> cs() {
    return Arbitraries.of(1.0, 0.5, 0.9, 1.1, 2.0);
  }

  /** A symmetric n×n W = Q diag(λ) Qᵀ built in double; Q's columns are the eigenvectors. */
  record Sym(int n, double[] q, double[] lambda, float[] w) {}

  static Sym symmetric(int n, double rho, long seed) {
    float[] qf = Exact.orthogonal(n, seed);
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = qf[i]; // rows of qf are orthonormal to ~u; use them as exact-enough eigenvectors
    }
    Random r = new Random(seed ^ 0x5DEECE66DL);
    double[] lambda = new double[n];
    lambda[0] = r.nextBoolean() ? rho : -rho;
    for (int i = 1; i < n; i++) {
      lambda[i] = rho * (2 * r.nextDouble() - 1) * 0.9;
    }
    float[] w = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += q[k * n + i] * lambda[k] * q[k * n + j];
        }
        w[i * n + j] = (float) s;
        w[j * n + i] = (float) s;
      }
    }
    return new Sym(n, q, lambda, w);
  }

  /** T steps of the linear RNN's backward map v ← Wᵀv through the library's gemvᵀ. */
  static float[] iterate(float[] w, int n, float[] v, int steps) {
    Matrix m = Matrix.of(w, n, n);
    float[] cur = v.clone();
    float[] next = new float[n];
    for (int t = 0; t < steps; t++) {
      Blas.gemvT(1f, m, Vec.of(cur), 0f, Vec.of(next));
      float[] tmp = cur;
      cur = next;
      next = tmp;
    }
    return cur;
  }

  /**
   * Linear RNN eigen growth (Pascanu, Mikolov & Bengio 2013, §3): for symmetric W and v on the
   * top eigenvector, ‖(Wᵀ)^T v‖ = |λ_max|^T‖v‖. The exact W and eigenvectors are built in double,
   * so with ρ = |λ_max| and η = ‖W_f − W‖₂ + γ_n‖W_f‖_F ≤ (u + γ_n)‖W_f‖_F·(1+u), the computed
   * iterate differs from ρ^T by at most (ρ+η)^T(1+d) − ρ^T (d bounding the start's rounding,
   * plus the eigenvector's own deviation from the exact one).
   */
  @Property(tries = 200)
  void topEigenvectorGrowsAsLambdaMaxToTheT(@ForAll("rnnWidth") int n,
      @ForAll("rhos") double rho, @ForAll("steps") int steps, @ForAll("seeds") long seed) {
    Sym s = symmetric(n, rho, seed);
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      v[k] = (float) s.q[k]; // row 0 of Q: eigenvector of λ_0
    }
    double v0 = Exact.norm(v);
    double vt = Exact.norm(iterate(s.w, n, v, steps));
    double eta = (U + Exact.gamma(n)) * Exact.norm(s.w) * (1 + U);
    // Rows of the float Q are orthonormal only to ~√n·γ_n; that residual acts like a start error.
    double d = 2 * Math.sqrt(n) * Exact.gamma(2 * n) + U;
    double err = Math.pow(rho + eta, steps) * (1 + d) - Math.pow(rho, steps);
    double expected = Math.pow(rho, steps) * v0;
    Statistics.label("regime").collect(rho > 1 ? "explodes" : rho < 1 ? "vanishes" : "ρ=1");
    assertTrue(Math.abs(vt - expected) <= err * v0,
        () -> "‖v_T‖=" + vt + " expected " + expected + " ± " + err);
  }

  /**
   * Gelfand / power-iteration rate for symmetric W from a random start v:
   * |⟨v,q_1⟩|·ρ^T ≤ ‖(Wᵀ)^T v‖ ≤ ρ^T‖v‖ (up to rounding), hence
   * ‖v_T‖^{1/T} → ρ(W) with a tolerance |cos θ|^{1/T} that shrinks as T grows.
   */
  @Property(tries = 150)
  void randomStartGrowsAtSpectralRadius(@ForAll("rnnWidth") int n, @ForAll("rhos") double rho,
      @ForAll("steps") int steps, @ForAll("seeds") long seed) {
    Sym s = symmetric(n, rho, seed);
    float[] v = DenseChain.gaussian(n, seed + 7);
    double nv = Exact.norm(v);
    double c1 = 0;
    for (int k = 0; k < n; k++) {
      c1 += s.q[k] * v[k];
    }
    double eta = (U + Exact.gamma(n)) * Exact.norm(s.w) * (1 + U)
        + 2 * Math.sqrt(n) * Exact.gamma(2 * n) * rho;
    double vt = Exact.norm(iterate(s.w, n, v, steps));
    double rate = Math.pow(vt / nv, 1.0 / steps);
    double hi = (rho + eta);
    double lo = Math.pow(Math.abs(c1) / nv, 1.0 / steps) * Math.max(0, rho - eta);
    Statistics.label("|cos θ| with top eigenvector").collect(Math.abs(c1) / nv > 0.5 ? ">0.5"
        : Math.abs(c1) / nv > 0.1 ? "0.1..0.5" : "<0.1");
    // The lower side also loses ‖rounding‖ ≤ (ρ+η)^T − ρ^T relative to ρ^T; fold into lo.
    double loose = Math.pow(1 + eta / rho, steps) - 1;
    double loAdj = Math.pow(Math.max(0, Math.abs(c1) / nv - loose), 1.0 / steps) * rho;
    assertTrue(rate <= hi, () -> "rate " + rate + " > ρ+η " + hi);
    assertTrue(rate >= Math.min(lo, loAdj), () -> "rate " + rate + " < " + Math.min(lo, loAdj));
  }

  /**
   * Pascanu et al.'s vanishing condition: with |g'| ≤ γ and σ_max(W) < 1/γ, the BPTT gradient of
   * an RNN h_t = g(W h_{t-1}) shrinks at least geometrically: ‖v_0‖ ≤ (γσ_max)^T‖v_T‖ (times
   * the per-step rounding factor). Checked with tanh (γ = 1) and shared weights over T steps.
   */
  @Property(tries = 150)
  void pascanuVanishingCondition(@ForAll("rnnWidth") int n, @ForAll("steps") int steps,
      @ForAll("thetas") double theta, @ForAll("seeds") long seed) {
    Activation g = Activations.TANH;
    float[] w0 = DenseChain.gaussianWeights(new int[] {n, n}, 1, false, seed)[0];
    double s0 = Exact.sigmaMax(w0, n, n);
    Assume.that(s0 > 0);
    double gamma = g.supDerivative();
    float[] w = new float[n * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (w0[i] * theta / (gamma * s0));
    }
    double smax = Exact.sigmaMax(w, n, n);
    Assume.that(smax * gamma < 1);
    int[] widths = new int[steps + 1];
    java.util.Arrays.fill(widths, n);
    float[][] shared = new float[steps][];
    java.util.Arrays.fill(shared, w);
    DenseChain c = new DenseChain(widths, shared, g);
    c.forward(DenseChain.gaussian(n, seed + 3));
    float[] vT = DenseChain.gaussian(n, seed + 4);
    double perStep = gamma * (1 + 4 * U) * (1 + U) * (smax + Exact.gamma(n) * Exact.norm(w));
    double bound = Math.pow(perStep, steps) * Exact.norm(vT);
    double n0 = Exact.norm(c.backward(vT));
    Statistics.label("vanished below 1e-3·‖v_T‖").collect(n0 < 1e-3 * Exact.norm(vT));
    assertTrue(n0 <= bound, () -> "‖v_0‖=" + n0 + " > (γσ)^T bound " + bound);
  }

  @Provide
  Arbitrary<Double> thetas() {
    return Arbitraries.doubles().between(0.05, 0.99).edgeCases(c -> c.includeOnly(0.99));
  }

  @Provide
  Arbitrary<Integer> rnnWidth() {
    return Arbitraries.integers().between(1, 10).edgeCases(c -> c.includeOnly(1));
  }

  @Provide
  Arbitrary<Double> rhos() {
    return Arbitraries.doubles().between(0.5, 1.5).edgeCases(c -> c.includeOnly(1.0));
  }

  @Provide
  Arbitrary<Integer> steps() {
    return Arbitraries.integers().between(1, 60).edgeCases(c -> c.includeOnly(1, 60));
  }

  static String growth(double n0, double nL) {
    double r = n0 / nL;
    return r > 1e3 ? "exploded (>1e3)" : r < 1e-3 ? "vanished (<1e-3)" : "stable";
  }
}
