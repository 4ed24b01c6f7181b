package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link OptimizerKernels} (loaded reflectively by
 * {@link VectorSupport}). Each lane performs exactly the operations of
 * {@link ScalarOptimizerKernels} in the same order (mul, fma, div, sqrt, max: all correctly
 * rounded or exact), and tails run the scalar twin's range methods, so results are bit-identical.
 */
final class PanamaOptimizerKernels implements OptimizerKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  PanamaOptimizerKernels() {
    if (L < 4) {
      throw new UnsupportedOperationException("vector width " + F.vectorBitSize() + " bits too small");
    }
  }

  @Override
  public String name() {
    return "panama-" + F.vectorBitSize();
  }

  /** Lane-wise {@link ScalarOptimizerKernels#grad}. */
  private static FloatVector grad(FloatVector g, FloatVector w, float clip, float l2, float l1) {
    FloatVector x = g.mul(clip);
    if (l2 != 0) {
      x = FloatVector.broadcast(F, l2).fma(w, x);
    }
    if (l1 != 0) {
      FloatVector s = FloatVector.zero(F)
          .blend(l1, w.compare(GT, 0f))
          .blend(-l1, w.compare(LT, 0f));
      x = x.add(s);
    }
    return x;
  }

  // Each optimizer's loop repeats the same frame (broadcast scalars, load w and g, fold clip and
  // penalties with grad(), update, store): one fused memory pass per optimizer, kept as separate
  // straight-line loops so C2 keeps every state vector in registers; only the update differs.
  @Override
  public void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] b, int bOff,
      float clip, float l2, float l1, float lr, float momentum, float damp, boolean nesterov,
      boolean first) {
    FloatVector negLr = FloatVector.broadcast(F, -lr);
    FloatVector mu = FloatVector.broadcast(F, momentum);
    FloatVector dm = FloatVector.broadcast(F, damp);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector wi = FloatVector.fromArray(F, w, wOff + i);
      FloatVector gi = grad(FloatVector.fromArray(F, g, gOff + i), wi, clip, l2, l1);
      FloatVector d = gi;
      if (b != null) {
        FloatVector bi = first ? gi : dm.fma(gi, FloatVector.fromArray(F, b, bOff + i).mul(mu));
        bi.intoArray(b, bOff + i);
        d = nesterov ? mu.fma(bi, gi) : bi;
      }
      negLr.fma(d, wi).intoArray(w, wOff + i);
    }
    ScalarOptimizerKernels.sgd(i, n, w, wOff, g, gOff, b, bOff, clip, l2, l1, lr, momentum, damp,
        nesterov, first);
  }

  @Override
  public void rmsprop(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
      float[] a, int aOff, float[] b, int bOff, float clip, float l2, float l1, float lr,
      float alpha, float oneMinusAlpha, float eps, float momentum) {
    FloatVector negLr = FloatVector.broadcast(F, -lr);
    FloatVector al = FloatVector.broadcast(F, alpha);
    FloatVector oma = FloatVector.broadcast(F, oneMinusAlpha);
    FloatVector ep = FloatVector.broadcast(F, eps);
    FloatVector mu = FloatVector.broadcast(F, momentum);
    FloatVector zero = FloatVector.zero(F);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector wi = FloatVector.fromArray(F, w, wOff + i);
      FloatVector gi = grad(FloatVector.fromArray(F, g, gOff + i), wi, clip, l2, l1);
      FloatVector vi = oma.mul(gi).fma(gi, FloatVector.fromArray(F, v, vOff + i).mul(al));
      vi.intoArray(v, vOff + i);
      FloatVector s;
      if (a != null) {
        FloatVector ai = oma.fma(gi, FloatVector.fromArray(F, a, aOff + i).mul(al));
        ai.intoArray(a, aOff + i);
        s = ai.neg().fma(ai, vi).max(zero).sqrt();
      } else {
        s = vi.sqrt();
      }
      FloatVector q = gi.div(s.add(ep));
      if (b != null) {
        q = FloatVector.fromArray(F, b, bOff + i).fma(mu, q);
        q.intoArray(b, bOff + i);
      }
      negLr.fma(q, wi).intoArray(w, wOff + i);
    }
    ScalarOptimizerKernels.rmsprop(i, n, w, wOff, g, gOff, v, vOff, a, aOff, b, bOff, clip, l2,
        l1, lr, alpha, oneMinusAlpha, eps, momentum);
  }

  @Override
  public void adagrad(int n, float[] w, int wOff, float[] g, int gOff, float[] s, int sOff,
      float clip, float l2, float l1, float clr, float eps) {
    FloatVector negLr = FloatVector.broadcast(F, -clr);
    FloatVector ep = FloatVector.broadcast(F, eps);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector wi = FloatVector.fromArray(F, w, wOff + i);
      FloatVector gi = grad(FloatVector.fromArray(F, g, gOff + i), wi, clip, l2, l1);
      FloatVector si = gi.fma(gi, FloatVector.fromArray(F, s, sOff + i));
      si.intoArray(s, sOff + i);
      negLr.fma(gi.div(si.sqrt().add(ep)), wi).intoArray(w, wOff + i);
    }
    ScalarOptimizerKernels.adagrad(i, n, w, wOff, g, gOff, s, sOff, clip, l2, l1, clr, eps);
  }

  @Override
  public void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
      float[] v, int vOff, float[] vmax, int vmaxOff, float clip, float l2, float l1, float decay,
      float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
      float bc2Sqrt, float eps) {
    FloatVector b1 = FloatVector.broadcast(F, beta1);
    FloatVector omb1 = FloatVector.broadcast(F, oneMinusBeta1);
    FloatVector b2 = FloatVector.broadcast(F, beta2);
    FloatVector omb2 = FloatVector.broadcast(F, oneMinusBeta2);
    FloatVector negStep = FloatVector.broadcast(F, -stepSize);
    FloatVector bc2 = FloatVector.broadcast(F, bc2Sqrt);
    FloatVector ep = FloatVector.broadcast(F, eps);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += L) {
      FloatVector wi = FloatVector.fromArray(F, w, wOff + i);
      FloatVector gi = grad(FloatVector.fromArray(F, g, gOff + i), wi, clip, l2, l1);
      wi = wi.mul(decay);
      FloatVector mi = omb1.fma(gi, FloatVector.fromArray(F, m, mOff + i).mul(b1));
      mi.intoArray(m, mOff + i);
      FloatVector vi = omb2.mul(gi).fma(gi, FloatVector.fromArray(F, v, vOff + i).mul(b2));
      vi.intoArray(v, vOff + i);
      if (vmax != null) {
        vi = FloatVector.fromArray(F, vmax, vmaxOff + i).max(vi);
        vi.intoArray(vmax, vmaxOff + i);
      }
      FloatVector denom = vi.sqrt().div(bc2).add(ep);
      negStep.fma(mi.div(denom), wi).intoArray(w, wOff + i);
    }
    ScalarOptimizerKernels.adam(i, n, w, wOff, g, gOff, m, mOff, v, vOff, vmax, vmaxOff, clip,
        l2, l1, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, eps);
  }
}
