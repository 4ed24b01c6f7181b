package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.chain.Chain;
import gradkernel.chain.Decay;
import gradkernel.chain.Parameter;
import gradkernel.clip.NormAccumulator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer against an independent double-precision reference of torch.optim's equations
 * (written here from torch's documentation, not from the kernels) over 50 steps on a network with
 * decaying and exempt tensors, with global-norm clipping active on every other step, L2 and L1
 * penalties and a schedule.
 *
 * <p><b>Tolerance.</b> The float run differs from the exact (double) one by rounding only: each
 * float operation errs by ≤ u = 2⁻²⁴ relative; an update of w performs ≤ 12 of them, so one step
 * adds ≤ u·|w| (rounding w itself) + 12u·|Δw| and the states' relative errors (≤ 12u per step, not
 * amplified: every state recursion is a contraction with factors β, α ≤ 1 or a sum of squares).
 * Adding state errors carried into w over T = 50 steps gives the bound asserted,
 * |w − w_ref| ≤ T·(2u·max|w| + 16·T·u·max|Δw|), and for each state buffer
 * |s − s_ref| ≤ 16·T·u·max|s|. Measured errors are reported alongside.
 */
class OptimizerReferenceTest {
  private static final double U = 0x1p-24;
  private static final int T = 50;
  private static final double MAX_NORM = 1.0;

  /** A double-precision reference optimizer over the flat layout. */
  abstract static class Ref {
    final double[] w;
    final boolean[] decays;
    final Map<String, double[]> state = new LinkedHashMap<>();
    double l2;
    double l1;
    double maxStep;

    Ref(ParameterSet p) {
      w = new double[p.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = p.values()[i];
      }
      decays = new boolean[p.size()];
      for (Parameter t : p.tensors()) {
        for (int i = 0; i < t.size(); i++) {
          decays[t.offset() + i] = t.decay() == Decay.APPLY;
        }
      }
    }

    Ref penalties(double l2, double l1) {
      this.l2 = l2;
      this.l1 = l1;
      return this;
    }

    double[] slot(String name, double init) {
      return state.computeIfAbsent(name, k -> {
        double[] s = new double[w.length];
        java.util.Arrays.fill(s, init);
        return s;
      });
    }

    double grad(int i, float g, double c) {
      double x = c * g;
      if (decays[i]) {
        x += l2 * w[i] + l1 * Math.signum(w[i]);
      }
      return x;
    }

    void move(int i, double to) {
      maxStep = Math.max(maxStep, Math.abs(to - w[i]));
      w[i] = to;
    }

    abstract void step(float[] g, double c, int t, double lr);
  }

  static Ref sgdRef(ParameterSet p, double mu, double tau, boolean nesterov) {
    return new Ref(p) {
      @Override
      void step(float[] g, double c, int t, double lr) {
        double[] b = mu != 0 ? slot("momentum_buffer", 0) : null;
        for (int i = 0; i < w.length; i++) {
          double d = grad(i, g[i], c);
          if (b != null) {
            b[i] = t == 1 ? d : mu * b[i] + (1 - tau) * d;
            d = nesterov ? d + mu * b[i] : b[i];
          }
          move(i, w[i] - lr * d);
        }
      }
    };
  }

  static Ref rmsRef(ParameterSet p, double alpha, double eps, double mu, boolean centered) {
    return new Ref(p) {
      @Override
      void step(float[] g, double c, int t, double lr) {
        double[] v = slot("square_avg", 0);
        double[] a = centered ? slot("grad_avg", 0) : null;
        double[] b = mu > 0 ? slot("momentum_buffer", 0) : null;
        for (int i = 0; i < w.length; i++) {
          double d = grad(i, g[i], c);
          v[i] = alpha * v[i] + (1 - alpha) * d * d;
          double avg;
          if (centered) {
            a[i] = alpha * a[i] + (1 - alpha) * d;
            avg = Math.sqrt(v[i] - a[i] * a[i]) + eps;
          } else {
            avg = Math.sqrt(v[i]) + eps;
          }
          if (b != null) {
            b[i] = mu * b[i] + d / avg;
            move(i, w[i] - lr * b[i]);
          } else {
            move(i, w[i] - lr * d / avg);
          }
        }
      }
    };
  }

  static Ref adagradRef(ParameterSet p, double lrDecay, double init, double eps) {
    return new Ref(p) {
      @Override
      void step(float[] g, double c, int t, double lr) {
        double[] s = slot("sum", init);
        double clr = lr / (1 + (t - 1) * lrDecay);
        for (int i = 0; i < w.length; i++) {
          double d = grad(i, g[i], c);
          s[i] += d * d;
          move(i, w[i] - clr * d / (Math.sqrt(s[i]) + eps));
        }
      }
    };
  }

  static Ref adamRef(ParameterSet p, double b1, double b2, double eps, double wd, boolean ams) {
    return new Ref(p) {
      @Override
      void step(float[] g, double c, int t, double lr) {
        double[] m = slot("exp_avg", 0);
        double[] v = slot("exp_avg_sq", 0);
        double[] vmax = ams ? slot("max_exp_avg_sq", 0) : null;
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < w.length; i++) {
          double d = grad(i, g[i], c);
          double wi = decays[i] ? w[i] * (1 - lr * wd) : w[i];
          m[i] = b1 * m[i] + (1 - b1) * d;
          v[i] = b2 * v[i] + (1 - b2) * d * d;
          double vh = v[i];
          if (vmax != null) {
            vmax[i] = Math.max(vmax[i], v[i]);
            vh = vmax[i];
          }
          double denom = Math.sqrt(vh) / Math.sqrt(bc2) + eps;
          double to = wi - lr / bc1 * m[i] / denom;
          maxStep = Math.max(maxStep, Math.abs(to - w[i]));
          w[i] = to;
        }
      }
    };
  }

  record Case(String name, Function<ParameterSet, Optimizer<?>> opt,
      Function<ParameterSet, Ref> ref) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final LearningRate SCHEDULE = LearningRate.warmup(0.05, 10, 0.1)
      .then(10, LearningRate.cosine(0.05, 40, 0.005));

  static Stream<Arguments> cases() {
    return Stream.of(
        new Case("SGD", p -> new Sgd(p, SCHEDULE).l2(1e-2).l1(1e-3),
            p -> sgdRef(p, 0, 0, false).penalties(1e-2, 1e-3)),
        new Case("SGD momentum dampening", p -> new Sgd(p, SCHEDULE).momentum(0.9)
            .dampening(0.1).l2(1e-2), p -> sgdRef(p, 0.9, 0.1, false).penalties(1e-2, 0)),
        new Case("SGD Nesterov", p -> new Sgd(p, 0.02).momentum(0.9).variant(Sgd.Variant.NESTEROV).l1(1e-3),
            p -> sgdRef(p, 0.9, 0, true).penalties(0, 1e-3)),
        new Case("RMSprop", p -> new RmsProp(p, 0.01).l2(1e-2),
            p -> rmsRef(p, 0.99, 1e-8, 0, false).penalties(1e-2, 0)),
        new Case("RMSprop centered momentum", p -> new RmsProp(p, SCHEDULE.times(0.2))
            .alpha(0.9).eps(1e-6).momentum(0.5).variant(RmsProp.Variant.CENTERED).l2(1e-3).l1(1e-4),
            p -> rmsRef(p, 0.9, 1e-6, 0.5, true).penalties(1e-3, 1e-4)),
        new Case("Adagrad", p -> new Adagrad(p, 0.05).lrDecay(0.01).initialAccumulatorValue(0.1)
            .l2(1e-2), p -> adagradRef(p, 0.01, 0.1, 1e-10).penalties(1e-2, 0)),
        new Case("Adam", p -> new Adam(p, SCHEDULE.times(0.1)).weightDecay(1e-2).l1(1e-4),
            p -> adamRef(p, 0.9, 0.999, 1e-8, 0, false).penalties(1e-2, 1e-4)),
        new Case("Adam amsgrad", p -> new Adam(p, 0.005).betas(0.8, 0.99).eps(1e-6)
            .variant(Adam.Variant.AMSGRAD), p -> adamRef(p, 0.8, 0.99, 1e-6, 0, true)),
        new Case("AdamW", p -> new AdamW(p, SCHEDULE.times(0.1)).weightDecay(0.1),
            p -> adamRef(p, 0.9, 0.999, 1e-8, 0.1, false)),
        new Case("AdamW amsgrad L1", p -> new AdamW(p, 0.003).weightDecay(0.05).variant(Adam.Variant.AMSGRAD)
            .l1(1e-3), p -> adamRef(p, 0.9, 0.999, 1e-8, 0.05, true).penalties(0, 1e-3)))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheDoublePrecisionReference(Case c) {
    Chain net = Nets.mixed(3);
    ParameterSet p = ParameterSet.of(net);
    Optimizer<?> opt = c.opt().apply(p);
    Ref ref = c.ref().apply(p);
    SplittableRandom r = new SplittableRandom(17);
    NormAccumulator acc = NormAccumulator.l2();
    double maxW = 0;
    int clipped = 0;
    for (int t = 1; t <= T; t++) {
      double scale = t % 2 == 0 ? 1.0 : 0.03; // even steps: norm ≈ 11 > 1, clipped
      Nets.fillGradients(p, r, scale, acc);
      double norm = acc.norm();
      double lr = opt.learningRate();
      assertTrue(opt.step(acc, MAX_NORM));
      double exactNorm = 0;
      for (float g : p.gradients()) {
        exactNorm += (double) g * g;
      }
      exactNorm = Math.sqrt(exactNorm);
      double coef = Math.min(1, MAX_NORM / exactNorm);
      clipped += coef < 1 ? 1 : 0;
      assertEquals(exactNorm, norm, 1e-12 * exactNorm);
      ref.step(p.gradients(), coef, t, lr);
      for (double w : ref.w) {
        maxW = Math.max(maxW, Math.abs(w));
      }
    }
    assertEquals(T / 2, clipped);
    assertEquals(T, opt.steps());
    double bound = T * (2 * U * maxW + 16 * T * U * ref.maxStep);
    double err = 0;
    for (int i = 0; i < ref.w.length; i++) {
      err = Math.max(err, Math.abs(p.values()[i] - ref.w[i]));
    }
    System.out.printf("%s: max |w - w_ref| = %.3g, bound %.3g (max|w| %.3g, max|dw| %.3g)%n",
        c, err, bound, maxW, ref.maxStep);
    assertTrue(err <= bound, c + ": weight error " + err + " > bound " + bound);
    assertEquals(ref.state.keySet(), new java.util.LinkedHashSet<>(p.stateSlots()), c.name());
    for (Map.Entry<String, double[]> e : ref.state.entrySet()) {
      double[] s = e.getValue();
      float[] f = p.state(e.getKey());
      double maxS = 0;
      double serr = 0;
      for (int i = 0; i < s.length; i++) {
        maxS = Math.max(maxS, Math.abs(s[i]));
        serr = Math.max(serr, Math.abs(f[i] - s[i]));
      }
      double sb = 16 * T * U * maxS;
      System.out.printf("  %s: max err %.3g, bound %.3g%n", e.getKey(), serr, sb);
      assertTrue(serr <= sb, c + " " + e.getKey() + ": error " + serr + " > bound " + sb);
    }
  }
}
