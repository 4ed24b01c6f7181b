package gradkernel.props;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activation;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.Layer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * The bounds of {@link GradientBoundProperties} and the adjoint identity of
 * {@link ChainIdentityProperties}, checked on the library's own {@link Chain} (Dense layers,
 * zero bias): backward (VJP) and {@link Chain#jvp} against σ-based bounds from {@link Exact}.
 */
@AddLifecycleHook(ReproducibleSeed.class)
class ChainApiProperties {
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
   * Chain.backward obeys ‖v_0‖ ≤ ‖v_L‖·Π sup|g_l'|·σ_max(W_l) (sup over the z range the test's
   * own forward pass visited, widened by 1e-4 relative, times 1+4u), with the per-layer gemvᵀ allowance γ_n‖W‖_F;
   * and the adjoint identity ⟨Jᵀu, w⟩ = ⟨u, J w⟩ holds between Chain.backward and Chain.jvp
   * within 2‖u‖‖w‖(Π s(1+5u)(σ+γF) − Π sσ).
   */
  @Property(tries = 200)
  void chainBackwardObeysUpperBoundAndAdjoint(@ForAll("widths") int[] widths,
      @ForAll("chainScale") double scale, @ForAll("activations") Activation g,
      @ForAll boolean singular, @ForAll("seeds") long seed) {
    float[][] w = DenseChain.gaussianWeights(widths, scale, singular, seed);
    List<Layer> layers = new ArrayList<>();
    for (int l = 1; l < widths.length; l++) {
      layers.add(Dense.of(w[l - 1], widths[l], widths[l - 1], new float[widths[l]], g));
    }
    Chain chain = Chain.of(layers);
    DenseChain ref = new DenseChain(widths, w, g);
    float[] x = DenseChain.gaussian(widths[0], seed + 1);
    ref.forward(x);
    var tape = chain.newTape();
    chain.forward(tape, x);
    int depth = widths.length - 1;
    float[] u = DenseChain.gaussian(widths[depth], seed + 2);
    float[] dir = DenseChain.gaussian(widths[0], seed + 3);
    float[] v0 = chain.backward(tape, u, null, null).row(0).toArray();
    float[] jw = new float[widths[depth]];
    chain.jvp(tape, dir, 0, jw, 0);
    double bound = Exact.norm(u);
    double exact = 1;
    double perturbed = 1;
    for (int l = 1; l <= depth; l++) {
      int n = Math.max(widths[l], widths[l - 1]);
      // Chain's own gemv may round z differently from the reference pass: widen the range by
      // more than γ_n·Σ|w·a| could move it.
      double pad = 1e-4 * (1 + Math.max(Math.abs(ref.zLo[l - 1]), Math.abs(ref.zHi[l - 1])));
      double s = g.supDerivative(ref.zLo[l - 1] - pad, ref.zHi[l - 1] + pad) * (1 + 4 * U);
      double smax = Exact.sigmaMax(w[l - 1], widths[l], widths[l - 1]);
      double layer = s * (1 + 5 * U) * (smax + Exact.gamma(n) * DenseChain.frobenius(w[l - 1]));
      bound *= layer;
      exact *= s * smax;
      perturbed *= layer;
    }
    double n0 = Exact.norm(v0);
    Statistics.label("growth").collect(GradientBoundProperties.growth(n0, Exact.norm(u)));
    double b = bound;
    assertTrue(n0 <= bound, () -> "Chain.backward ‖v_0‖=" + n0 + " > bound " + b);
    double lhs = ChainIdentityProperties.dot(v0, dir);
    double rhs = ChainIdentityProperties.dot(u, jw);
    double tol = 2 * Exact.norm(u) * Exact.norm(dir) * (perturbed - exact)
        + 4 * widths[0] * Exact.U64 * (Math.abs(lhs) + Math.abs(rhs)) + Double.MIN_NORMAL;
    assertTrue(Math.abs(lhs - rhs) <= tol, () -> "⟨Jᵀu,w⟩=" + lhs + " ⟨u,Jw⟩=" + rhs
        + " tol=" + tol);
  }
}
