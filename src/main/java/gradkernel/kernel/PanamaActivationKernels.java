package gradkernel.kernel;

import static gradkernel.kernel.ScalarActivationKernels.CLAMP_F;
import static gradkernel.kernel.ScalarActivationKernels.ERFC_Q;
import static gradkernel.kernel.ScalarActivationKernels.EXPM1_MIN;
import static gradkernel.kernel.ScalarActivationKernels.EXP_BIAS;
import static gradkernel.kernel.ScalarActivationKernels.EXP_BIAS64;
import static gradkernel.kernel.ScalarActivationKernels.EXP_MIN;
import static gradkernel.kernel.ScalarActivationKernels.HALF_INV_SQRT2;
import static gradkernel.kernel.ScalarActivationKernels.INV_SQRT_2PI_F;
import static gradkernel.kernel.ScalarActivationKernels.K1;
import static gradkernel.kernel.ScalarActivationKernels.K1_LO;
import static gradkernel.kernel.ScalarActivationKernels.K3;
import static gradkernel.kernel.ScalarActivationKernels.K3_LO;
import static gradkernel.kernel.ScalarActivationKernels.LN2_HI;
import static gradkernel.kernel.ScalarActivationKernels.LN2_LO;
import static gradkernel.kernel.ScalarActivationKernels.LOG2E;
import static gradkernel.kernel.ScalarActivationKernels.Q0;
import static gradkernel.kernel.ScalarActivationKernels.Q1;
import static gradkernel.kernel.ScalarActivationKernels.Q2;
import static gradkernel.kernel.ScalarActivationKernels.Q3;
import static gradkernel.kernel.ScalarActivationKernels.Q4;
import static gradkernel.kernel.ScalarActivationKernels.R0;
import static gradkernel.kernel.ScalarActivationKernels.R1;
import static gradkernel.kernel.ScalarActivationKernels.R2;
import static gradkernel.kernel.ScalarActivationKernels.R3;
import static gradkernel.kernel.ScalarActivationKernels.SHIFTER;
import static gradkernel.kernel.ScalarActivationKernels.SIGN_BIT;
import static gradkernel.kernel.ScalarActivationKernels.TWO_M64;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activation kernels (loaded reflectively by {@link VectorSupport}): float lanes, masks
 * and blends, and our own exp/expm1/log1p/tanh built from add/mul/fma/div/min/max and exponent bit
 * manipulation — never the JDK's lanewise transcendentals, whose results differ between the
 * interpreter (Java fallback) and C2 (an intrinsic stub). The tail runs the same full-vector code
 * on a padded per-thread copy, so an element's result never depends on its position, length or
 * offset.
 *
 * <p>Every lane formula is {@link ScalarActivationKernels}' float formula, operation for operation
 * and in the same order (the class comment there describes the approximations), so the two
 * implementations agree bit for bit and each gives the same bits at every JIT tier. Where float
 * would lose accuracy the formulas compensate: exponents such as z²/2, β|z| and the tanh-GELU
 * argument are carried as exact hi + lo pairs (FMA), applied as e^hi·(1 − lo).
 */
final class PanamaActivationKernels implements ActivationKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final float CLAMP = CLAMP_F;

  /** One family's loop over whole vectors, for n a multiple of the lane count. */
  @FunctionalInterface
  private interface Unary {
    void run(float p, float q, float[] z, int zOff, float[] out, int outOff, int n);
  }

  /** One family's fused backward loop over whole vectors. */
  @FunctionalInterface
  private interface Binary {
    void run(float p, float q, float[] u, int uOff, float[] z, int zOff, float[] out, int outOff,
        int n);
  }

  // Dispatch through one object per family, not a switch: once three or more families are hot the
  // call site is megamorphic, so no caller inlines the family loops; each loop is then compiled as
  // its own root with the whole inlining budget, and its vectors stay in registers. A switch let
  // C2 inline every hot family into the caller (e.g. a chain's backward), run out of budget and
  // box the vectors: hundreds of bytes of garbage and a large slowdown per call.
  private static final Unary[] FORWARD = forwardTable();
  private static final Unary[] DERIVATIVE = derivativeTable();
  private static final Binary[] BACKWARD = backwardTable();

  PanamaActivationKernels() {
    if (S.length() < 4) {
      throw new UnsupportedOperationException("vector width " + S.vectorBitSize() + " bits too small");
    }
  }

  @Override public String name() { return "panama-" + S.vectorBitSize(); }

  @Override public void forward(Fn f, float p, float q, float[] z, int zOff, float[] out,
      int outOff, int n) {
    int body = S.loopBound(n);
    FORWARD[f.ordinal()].run(p, q, z, zOff, out, outOff, body);
    if (body < n) {
      Scratch t = Scratch.of(z, zOff + body, null, 0, n - body);
      FORWARD[f.ordinal()].run(p, q, t.z, 0, t.out, 0, S.length());
      t.copyOut(out, outOff + body);
    }
  }


  @Override public void derivative(Fn f, float p, float q, float[] z, int zOff, float[] out,
      int outOff, int n) {
    int body = S.loopBound(n);
    DERIVATIVE[f.ordinal()].run(p, q, z, zOff, out, outOff, body);
    if (body < n) {
      Scratch t = Scratch.of(z, zOff + body, null, 0, n - body);
      DERIVATIVE[f.ordinal()].run(p, q, t.z, 0, t.out, 0, S.length());
      t.copyOut(out, outOff + body);
    }
  }


  @Override public void backward(Fn f, float p, float q, float[] u, int uOff, float[] z, int zOff,
      float[] out, int outOff, int n) {
    int body = S.loopBound(n);
    BACKWARD[f.ordinal()].run(p, q, u, uOff, z, zOff, out, outOff, body);
    if (body < n) {
      Scratch t = Scratch.of(z, zOff + body, u, uOff + body, n - body);
      BACKWARD[f.ordinal()].run(p, q, t.u, 0, t.z, 0, t.out, 0, S.length());
      t.copyOut(out, outOff + body);
    }
  }


  private static Unary[] forwardTable() {
    Unary[] t = new Unary[Fn.values().length];
    for (Fn f : Fn.values()) {
      t[f.ordinal()] = switch (f) {
        case IDENTITY -> PanamaActivationKernels::forwardIdentity;
        case RELU -> PanamaActivationKernels::forwardRelu;
        case LEAKY_RELU -> PanamaActivationKernels::forwardLeakyRelu;
        case ELU -> PanamaActivationKernels::forwardElu;
        case SIGMOID -> PanamaActivationKernels::forwardSigmoid;
        case TANH -> PanamaActivationKernels::forwardTanh;
        case HARD_TANH -> PanamaActivationKernels::forwardHardTanh;
        case SOFTPLUS -> PanamaActivationKernels::forwardSoftplus;
        case SILU -> PanamaActivationKernels::forwardSilu;
        case GELU -> PanamaActivationKernels::forwardGelu;
        case GELU_TANH -> PanamaActivationKernels::forwardGeluTanh;
      };
    }
    return t;
  }

  private static Unary[] derivativeTable() {
    Unary[] t = new Unary[Fn.values().length];
    for (Fn f : Fn.values()) {
      t[f.ordinal()] = switch (f) {
        case IDENTITY -> PanamaActivationKernels::derivativeIdentity;
        case RELU -> PanamaActivationKernels::derivativeRelu;
        case LEAKY_RELU -> PanamaActivationKernels::derivativeLeakyRelu;
        case ELU -> PanamaActivationKernels::derivativeElu;
        case SIGMOID -> PanamaActivationKernels::derivativeSigmoid;
        case TANH -> PanamaActivationKernels::derivativeTanh;
        case HARD_TANH -> PanamaActivationKernels::derivativeHardTanh;
        case SOFTPLUS -> PanamaActivationKernels::derivativeSoftplus;
        case SILU -> PanamaActivationKernels::derivativeSilu;
        case GELU -> PanamaActivationKernels::derivativeGelu;
        case GELU_TANH -> PanamaActivationKernels::derivativeGeluTanh;
      };
    }
    return t;
  }

  private static Binary[] backwardTable() {
    Binary[] t = new Binary[Fn.values().length];
    for (Fn f : Fn.values()) {
      t[f.ordinal()] = switch (f) {
        case IDENTITY -> PanamaActivationKernels::backwardIdentity;
        case RELU -> PanamaActivationKernels::backwardRelu;
        case LEAKY_RELU -> PanamaActivationKernels::backwardLeakyRelu;
        case ELU -> PanamaActivationKernels::backwardElu;
        case SIGMOID -> PanamaActivationKernels::backwardSigmoid;
        case TANH -> PanamaActivationKernels::backwardTanh;
        case HARD_TANH -> PanamaActivationKernels::backwardHardTanh;
        case SOFTPLUS -> PanamaActivationKernels::backwardSoftplus;
        case SILU -> PanamaActivationKernels::backwardSilu;
        case GELU -> PanamaActivationKernels::backwardGelu;
        case GELU_TANH -> PanamaActivationKernels::backwardGeluTanh;
      };
    }
    return t;
  }

  // One loop method per family and direction: each is compiled on its own, so the lane formulas
  // inline fully (a shared loop dispatching on the family outgrows the inlining budget once several
  // families are hot, and vectors then get boxed; one loop serving both derivative and backward
  // measured up to 2x slower in cache). n is a multiple of the lane count here: see Scratch.

  private static void forwardIdentity(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      z.intoArray(out, outOff + i);
    }
  }

  private static void derivativeIdentity(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      nanFrom(z, FloatVector.broadcast(S, 1f)).intoArray(out, outOff + i);
    }
  }

  private static void backwardIdentity(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = nanFrom(z, FloatVector.broadcast(S, 1f));
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardRelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      z.max(0f).intoArray(out, outOff + i);
    }
  }

  private static void derivativeRelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      nanFrom(z, FloatVector.zero(S).blend(1f, z.compare(GT, 0f))).intoArray(out, outOff + i);
    }
  }

  private static void backwardRelu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = nanFrom(z, FloatVector.zero(S).blend(1f, z.compare(GT, 0f)));
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardLeakyRelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      z.mul(p).blend(z, z.compare(GT, 0f)).intoArray(out, outOff + i);
    }
  }

  private static void derivativeLeakyRelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      nanFrom(z, FloatVector.broadcast(S, p).blend(1f, z.compare(GT, 0f))).intoArray(out, outOff + i);
    }
  }

  private static void backwardLeakyRelu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = nanFrom(z, FloatVector.broadcast(S, p).blend(1f, z.compare(GT, 0f)));
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardElu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      expm1Neg(z.min(0f)).mul(p).blend(z, z.compare(GT, 0f)).mul(q).intoArray(out, outOff + i);
    }
  }

  private static void derivativeElu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      expNeg(z.min(0f)).mul(p).blend(1f, z.compare(GT, 0f)).mul(q).intoArray(out, outOff + i);
    }
  }

  private static void backwardElu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = expNeg(z.min(0f)).mul(p).blend(1f, z.compare(GT, 0f)).mul(q);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardSigmoid(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      sigmoid(z).intoArray(out, outOff + i);
    }
  }

  private static void derivativeSigmoid(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      sigmoidDerivative(z).intoArray(out, outOff + i);
    }
  }

  private static void backwardSigmoid(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = sigmoidDerivative(z);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      tanh(z).intoArray(out, outOff + i);
    }
  }

  private static void derivativeTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      sigmoidDerivative(z.add(z)).mul(4f).intoArray(out, outOff + i);
    }
  }

  private static void backwardTanh(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = sigmoidDerivative(z.add(z)).mul(4f);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardHardTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      z.max(p).min(q).intoArray(out, outOff + i);
    }
  }

  private static void derivativeHardTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      nanFrom(z, FloatVector.zero(S).blend(1f, z.compare(GT, p).and(z.compare(LT, q)))).intoArray(out, outOff + i);
    }
  }

  private static void backwardHardTanh(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = nanFrom(z, FloatVector.zero(S).blend(1f, z.compare(GT, p).and(z.compare(LT, q))));
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardSoftplus(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      softplus(z, p).intoArray(out, outOff + i);
    }
  }

  private static void derivativeSoftplus(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      softplusDerivative(z, p).intoArray(out, outOff + i);
    }
  }

  private static void backwardSoftplus(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = softplusDerivative(z, p);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardSilu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      silu(z).intoArray(out, outOff + i);
    }
  }

  private static void derivativeSilu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      siluDerivative(z).intoArray(out, outOff + i);
    }
  }

  private static void backwardSilu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = siluDerivative(z);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  private static void forwardGelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      gelu(z).intoArray(out, outOff + i);
    }
  }

  private static void derivativeGelu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      geluDerivative(z).intoArray(out, outOff + i);
    }
  }

  private static void backwardGelu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = geluDerivative(z);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  // The tanh-GELU's exponent (a double-float w) plus our exp exceed C2's parse-node budget
  // (NodeCountInliningCutoff) when fused with the rest of the lane formula, and vectors would be
  // boxed. So these loops run in chunks of two passes: geluTanhExps writes e = exp(−|w|) of a
  // chunk to a per-thread buffer (only arrays cross that call, never vectors), then the loop
  // finishes each lane from z and e. Same operations, same bits; in place stays correct since a
  // lane reads z[i] (and u[i]) before writing out[i].
  private static final int CHUNK = 256;

  /** e[i] = exp(−|w(c_i)|) for i in [0, m), c = z clamped to ±CLAMP; m a multiple of the lanes. */
  private static void geluTanhExps(float[] zs, int zOff, float[] e, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector c = FloatVector.fromArray(S, zs, zOff + i).max(-CLAMP).min(CLAMP);
      geluTanhExp(c).intoArray(e, i);
    }
  }

  private static void forwardGeluTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    float[] ebuf = Scratch.LOCAL.get().e;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      int m = Math.min(CHUNK, n - c0);
      geluTanhExps(zs, zOff + c0, ebuf, m);
      for (int i = 0; i < m; i += S.length()) {
        FloatVector lo = FloatVector.fromArray(S, zs, zOff + c0 + i).max(-CLAMP);
        FloatVector e = FloatVector.fromArray(S, ebuf, i);
        lo.mul(sigmoidFromExp(e, lo.min(CLAMP))).intoArray(out, outOff + c0 + i);
      }
    }
  }

  private static void derivativeGeluTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    float[] ebuf = Scratch.LOCAL.get().e;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      int m = Math.min(CHUNK, n - c0);
      geluTanhExps(zs, zOff + c0, ebuf, m);
      for (int i = 0; i < m; i += S.length()) {
        FloatVector z = FloatVector.fromArray(S, zs, zOff + c0 + i);
        FloatVector e = FloatVector.fromArray(S, ebuf, i);
        geluTanhDerivative(z, e).intoArray(out, outOff + c0 + i);
      }
    }
  }

  private static void backwardGeluTanh(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    float[] ebuf = Scratch.LOCAL.get().e;
    for (int c0 = 0; c0 < n; c0 += CHUNK) {
      int m = Math.min(CHUNK, n - c0);
      geluTanhExps(zs, zOff + c0, ebuf, m);
      for (int i = 0; i < m; i += S.length()) {
        FloatVector z = FloatVector.fromArray(S, zs, zOff + c0 + i);
        FloatVector d = geluTanhDerivative(z, FloatVector.fromArray(S, ebuf, i));
        FloatVector.fromArray(S, u, uOff + c0 + i).mul(d).intoArray(out, outOff + c0 + i);
      }
    }
  }

  @Override public void derivativeFromOutput(Fn f, float[] y, int yOff, float[] out, int outOff,
      int n) {
    backwardFromOutput(f, null, 0, y, yOff, out, outOff, n);
  }

  // Sigmoid: y − y²; tanh: 1 − y²; one rounding each (FMA), as the scalar twin. The addend is
  // exactly y or 1, chosen by an all-true/all-false mask (a vector-valued conditional would box;
  // an arithmetic select such as y·(1 − c) + c turns −0 into +0 and ∞ into NaN).

  /** u == null: derivative only. */
  @Override public void backwardFromOutput(Fn f, float[] u, int uOff, float[] y, int yOff,
      float[] out, int outOff, int n) {
    boolean sigmoid = ScalarActivationKernels.fromOutputIsSigmoid(f);
    int body = S.loopBound(n);
    if (u == null) {
      derivativeFromOutputBody(sigmoid, y, yOff, out, outOff, body);
    } else {
      backwardFromOutputBody(sigmoid, u, uOff, y, yOff, out, outOff, body);
    }
    if (body < n) {
      Scratch t = Scratch.of(y, yOff + body, u, uOff + body, n - body);
      if (u == null) {
        derivativeFromOutputBody(sigmoid, t.z, 0, t.out, 0, S.length());
      } else {
        backwardFromOutputBody(sigmoid, t.u, 0, t.z, 0, t.out, 0, S.length());
      }
      t.copyOut(out, outOff + body);
    }
  }

  private static void derivativeFromOutputBody(boolean sigmoid, float[] y, int yOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + i);
      FloatVector addend = FloatVector.broadcast(S, 1f).blend(v, S.maskAll(sigmoid));
      v.neg().fma(v, addend).intoArray(out, outOff + i);
    }
  }

  private static void backwardFromOutputBody(boolean sigmoid, float[] u, int uOff, float[] y,
      int yOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + i);
      FloatVector addend = FloatVector.broadcast(S, 1f).blend(v, S.maskAll(sigmoid));
      FloatVector d = v.neg().fma(v, addend);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  /**
   * Per-thread, one-vector buffers for the tail (n mod lanes elements): the tail runs through the
   * very same full-vector loop, so its results are bit-identical to the body's, the inputs are
   * copied first (in-place calls stay correct), and nothing is allocated after a thread's first
   * tail. (A masked tail iteration is a second inlined copy of the lane formulas, which C2 declines
   * for the larger families — it then boxes vectors and allocates on every call.)
   */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    final float[] z = new float[S.length()];
    final float[] u = new float[S.length()];
    final float[] out = new float[S.length()];
    /** The tanh-GELU's exponentials of one chunk (see geluTanhExps). */
    final float[] e = new float[CHUNK];
    private int len;

    static Scratch of(float[] z, int zOff, float[] u, int uOff, int len) {
      Scratch t = LOCAL.get();
      java.util.Arrays.fill(t.z, len, t.z.length, 0f);
      System.arraycopy(z, zOff, t.z, 0, len);
      if (u != null) {
        System.arraycopy(u, uOff, t.u, 0, len);
      }
      t.len = len;
      return t;
    }

    void copyOut(float[] dst, int dstOff) {
      System.arraycopy(out, 0, dst, dstOff, len);
    }
  }

  /** d with NaN wherever z is NaN: piecewise-constant derivatives would otherwise hide a NaN. */
  private static FloatVector nanFrom(FloatVector z, FloatVector d) {
    return d.blend(z, z.test(IS_NAN));
  }

  /** σ(z): 1/(1+e) for z ≥ 0, e/(1+e) for z < 0, e = exp(−|z|); never overflows. */
  private static FloatVector sigmoid(FloatVector z) {
    return sigmoidFromExp(expNeg(z.abs().neg()), z);
  }

  /** σ from e = exp(−|w|) and the sign of w: r = 1/(1+e), then r or e·r. */
  private static FloatVector sigmoidFromExp(FloatVector e, FloatVector w) {
    FloatVector r = reciprocalOnePlus(e);
    return r.blend(e.mul(r), w.compare(LT, 0f));
  }

  /** σ'(z) = e·r², e = exp(−|z|), r = 1/(1+e): relative accuracy in both tails. */
  private static FloatVector sigmoidDerivative(FloatVector z) {
    FloatVector e = expNeg(z.abs().neg());
    FloatVector r = reciprocalOnePlus(e);
    return e.mul(r).mul(r);
  }

  private static FloatVector reciprocalOnePlus(FloatVector e) {
    return FloatVector.broadcast(S, 1f).div(e.add(1f));
  }

  /** tanh z = ±|m|/(2 + m), m = e^{−2|z|} − 1, with z's sign bit (so tanh(−0) = −0). */
  private static FloatVector tanh(FloatVector z) {
    FloatVector m = expm1Neg(z.abs().mul(-2f));
    FloatVector t = m.abs().div(m.add(2f));
    return t.reinterpretAsInts().or(z.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats();
  }

  /**
   * e^x for x ≤ 0 (see {@link ScalarActivationKernels#expNeg(float)}); x must have the preferred
   * float species. Shared with {@link PanamaSoftmaxKernels}.
   */
  static FloatVector expNeg(FloatVector x) {
    FloatVector xc = x.max(EXP_MIN);
    FloatVector t = xc.fma(LOG2E, SHIFTER);
    return expFinish(t, reduce(xc, t));
  }

  /** e^(x + lo) ≈ e^x·(1 + lo) for x ≤ 0 and |lo| ≤ ulp(x); lo must not be NaN. */
  private static FloatVector expNeg(FloatVector x, FloatVector lo) {
    return expNeg(x).mul(lo.add(1f));
  }

  /** e^x − 1 for x ≤ 0, relative accuracy near 0: fma(p, 2^k, 2^k − 1). */
  private static FloatVector expm1Neg(FloatVector x) {
    FloatVector xc = x.max(EXPM1_MIN);
    FloatVector t = xc.fma(LOG2E, SHIFTER);
    FloatVector r = reduce(xc, t);
    // the polynomial is written out (not a call) here and in expFinish: one inlining level less
    FloatVector q = r.fma(Q4, Q3);
    q = q.fma(r, FloatVector.broadcast(S, Q2));
    q = q.fma(r, FloatVector.broadcast(S, Q1));
    q = q.fma(r, FloatVector.broadcast(S, Q0));
    FloatVector p = r.mul(r).fma(q, r);
    FloatVector s = t.reinterpretAsInts().sub(EXP_BIAS).lanewise(LSHL, 23).reinterpretAsFloats();
    return p.fma(s, s.sub(1f));
  }

  /** r = x − k·ln 2, k = t − SHIFTER, in two FMA steps (Cody–Waite). */
  private static FloatVector reduce(FloatVector x, FloatVector t) {
    FloatVector k = t.sub(SHIFTER);
    FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
    return k.fma(FloatVector.broadcast(S, -LN2_LO), r);
  }

  /** fma(p, s, s)·2⁻⁶⁴ with p = e^r − 1 and s = 2^(k+64) from the exponent bits of t. */
  private static FloatVector expFinish(FloatVector t, FloatVector r) {
    FloatVector q = r.fma(Q4, Q3);
    q = q.fma(r, FloatVector.broadcast(S, Q2));
    q = q.fma(r, FloatVector.broadcast(S, Q1));
    q = q.fma(r, FloatVector.broadcast(S, Q0));
    FloatVector p = r.mul(r).fma(q, r);
    FloatVector s = t.reinterpretAsInts().sub(EXP_BIAS64).lanewise(LSHL, 23).reinterpretAsFloats();
    return p.fma(s, s).mul(TWO_M64);
  }

  /** log(1 + e) for e ∈ [0, 1]: 2s + s³·R(s²), s = e/(2 + e). */
  private static FloatVector log1pUnit(FloatVector e) {
    FloatVector s = e.div(e.add(2f));
    FloatVector w = s.mul(s);
    FloatVector r = w.fma(R3, R2);
    r = r.fma(w, FloatVector.broadcast(S, R1));
    r = r.fma(w, FloatVector.broadcast(S, R0));
    return s.mul(w).fma(r, s.add(s));
  }

  private static FloatVector softplus(FloatVector z, float beta) {
    return log1pUnit(expNegAbsScaled(z, beta)).div(beta).add(z.max(0f));
  }

  /** σ(βz) with e = exp(−β|z|) from {@link #expNegAbsScaled}. */
  private static FloatVector softplusDerivative(FloatVector z, float beta) {
    return sigmoidFromExp(expNegAbsScaled(z, beta), z);
  }

  /**
   * exp(−β|z|) with β|z| split exactly into hi + lo (FMA): a rounded product would cost up to
   * β|z|·2⁻²⁴ relative error in the exponential (2e-6 at β|z| = 40).
   */
  private static FloatVector expNegAbsScaled(FloatVector z, float beta) {
    FloatVector a = z.abs();
    FloatVector hi = a.mul(beta);
    FloatVector lo = a.fma(FloatVector.broadcast(S, beta), hi.neg());
    // at β|z| = ∞ the split is ∞ − ∞ (or −∞); e is exactly 0 there
    return expNeg(hi.neg(), FloatVector.zero(S).blend(lo.neg(), hi.compare(LT, Float.POSITIVE_INFINITY)));
  }

  private static FloatVector silu(FloatVector z) {
    FloatVector lo = z.max(-CLAMP);
    return lo.mul(sigmoid(lo));
  }

  /** σ(c) + c·σ'(c) with c = z clamped to ±1e4 (the float limits 0 and 1 hold beyond). */
  private static FloatVector siluDerivative(FloatVector z) {
    FloatVector c = z.max(-CLAMP).min(CLAMP);
    FloatVector e = expNeg(c.abs().neg());
    FloatVector r = reciprocalOnePlus(e);
    FloatVector sig = r.blend(e.mul(r), c.compare(LT, 0f));
    return c.mul(e).mul(r).mul(r).add(sig);
  }

  private static FloatVector gelu(FloatVector z) {
    FloatVector lo = z.max(-CLAMP);
    FloatVector c = lo.min(CLAMP);
    return lo.mul(normalCdf(c, gaussian(c)));
  }

  /** Φ(c) + c·φ(c), sharing exp(−c²/2) between the two terms. */
  private static FloatVector geluDerivative(FloatVector z) {
    FloatVector c = z.max(-CLAMP).min(CLAMP);
    FloatVector gauss = gaussian(c);
    return c.mul(gauss).mul(INV_SQRT_2PI_F).add(normalCdf(c, gauss));
  }

  /** exp(−c²/2) with c²/2 = hi + lo split exactly (FMA): full relative accuracy up to underflow. */
  private static FloatVector gaussian(FloatVector c) {
    FloatVector half = c.mul(0.5f);
    FloatVector hi = half.mul(c);
    FloatVector lo = half.fma(c, hi.neg());
    return expNeg(hi.neg(), lo.neg());
  }

  /**
   * Φ(c) from gauss = exp(−c²/2): Φ(−|c|) = erfc(x)/2 = ½·t·gauss·Q(t) with x = |c|/√2 and
   * t = 1/(1 + x/2); Q(t) = erfc(x)e^{x²}/t is smooth on t ∈ (0, 1] and approximated by the
   * degree-10 polynomial {@link ScalarActivationKernels#ERFC_Q}. One exp serves Φ and φ.
   */
  private static FloatVector normalCdf(FloatVector c, FloatVector gauss) {
    FloatVector t = FloatVector.broadcast(S, 1f).div(c.abs().mul(HALF_INV_SQRT2).add(1f));
    FloatVector q = t.fma(ERFC_Q[0], ERFC_Q[1]);
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[2]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[3]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[4]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[5]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[6]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[7]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[8]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[9]));
    q = t.fma(q, FloatVector.broadcast(S, ERFC_Q[10]));
    FloatVector halfTail = t.mul(gauss).mul(q).mul(0.5f);
    return halfTail.neg().add(1f).blend(halfTail, c.compare(LT, 0f));
  }

  /** σ(w) + c·σ'(w)·w' with σ'(w) = e·r², w' = K1 + 3K3c², e = exp(−|w|) from geluTanhExps. */
  private static FloatVector geluTanhDerivative(FloatVector z, FloatVector e) {
    FloatVector c = z.max(-CLAMP).min(CLAMP);
    FloatVector r = reciprocalOnePlus(e);
    FloatVector sig = r.blend(e.mul(r), c.compare(LT, 0f));
    FloatVector dw = c.mul(c).fma(3 * K3, K1);
    return c.mul(e).mul(r).mul(r).mul(dw).add(sig);
  }

  /**
   * e = exp(−|w|), w = c(K1 + K3c²) (w has c's sign), with w carried as hi + lo: |w| reaches 88
   * before e underflows, and a float w would cost up to 88·2⁻²⁴ ≈ 5e-6 relative error in e.
   */
  private static FloatVector geluTanhExp(FloatVector c) {
    FloatVector c2 = c.mul(c);
    FloatVector c2Lo = c.fma(c, c2.neg());
    FloatVector t = c2.mul(K3);
    FloatVector k3 = FloatVector.broadcast(S, K3);
    // fused forms keep C2's node count under its inlining cutoff (and are a little more accurate)
    FloatVector tLo = c2Lo.fma(k3, c2.fma(FloatVector.broadcast(S, K3_LO), c2.fma(k3, t.neg())));
    FloatVector s = t.add(K1);
    FloatVector bb = s.sub(t);
    FloatVector sLo = t.sub(s.sub(bb)).add(bb.neg().add(K1)).add(tLo).add(K1_LO);
    FloatVector a = c.abs();
    FloatVector wHi = a.mul(s);
    FloatVector wLo = a.fma(sLo, a.fma(s, wHi.neg()));
    return expNeg(wHi.neg(), wLo.neg());
  }
}
