package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.EXPM1;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_INFINITE;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LOG1P;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.TANH;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activation kernels (loaded reflectively by {@link VectorSupport}): float lanes, the
 * JDK's lanewise EXP/EXPM1/LOG1P/TANH, masks and blends. The tail runs the same full-vector code
 * on a padded per-thread copy, so an element's result never depends on its position, length or
 * offset.
 *
 * <p>The lane formulas mirror {@link ScalarActivationKernels}' stable double forms; where float
 * would lose accuracy they compensate: exponents such as z²/2, β|z| and the tanh-GELU argument are
 * carried as exact hi + lo pairs (FMA), so exponentials keep relative accuracy down to underflow.
 */
final class PanamaActivationKernels implements ActivationKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final float CLAMP = (float) ScalarActivationKernels.CLAMP;
  private static final double K1_EXACT = 2 * ScalarActivationKernels.GELU_TANH_C;
  private static final double K3_EXACT = K1_EXACT * ScalarActivationKernels.GELU_TANH_A;
  /** The tanh-GELU constants as float pairs hi + lo, so w = c(K1 + K3c²) carries ~40 bits. */
  private static final float K1 = (float) K1_EXACT;
  private static final float K1_LO = (float) (K1_EXACT - K1);
  private static final float K3 = (float) K3_EXACT;
  private static final float K3_LO = (float) (K3_EXACT - K3);
  private static final float INV_SQRT_2PI = 0.3989422804014327f;
  private static final float HALF_INV_SQRT2 = 0.35355339059327373f;

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
      z.min(0f).lanewise(EXPM1).mul(p).blend(z, z.compare(GT, 0f)).mul(q).intoArray(out, outOff + i);
    }
  }

  private static void derivativeElu(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      z.lanewise(EXP).mul(p).blend(1f, z.compare(GT, 0f)).mul(q).intoArray(out, outOff + i);
    }
  }

  private static void backwardElu(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = z.lanewise(EXP).mul(p).blend(1f, z.compare(GT, 0f)).mul(q);
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
      z.lanewise(TANH).intoArray(out, outOff + i);
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

  private static void forwardGeluTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      geluTanh(z).intoArray(out, outOff + i);
    }
  }

  private static void derivativeGeluTanh(float p, float q, float[] zs, int zOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      geluTanhDerivative(z).intoArray(out, outOff + i);
    }
  }

  private static void backwardGeluTanh(float p, float q, float[] u, int uOff, float[] zs, int zOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, zs, zOff + i);
      FloatVector d = geluTanhDerivative(z);
      FloatVector.fromArray(S, u, uOff + i).mul(d).intoArray(out, outOff + i);
    }
  }

  @Override public void derivativeFromOutput(Fn f, float[] y, int yOff, float[] out, int outOff,
      int n) {
    backwardFromOutput(f, null, 0, y, yOff, out, outOff, n);
  }

  // Sigmoid (c = 0): y − y²; tanh (c = 1): 1 − y²; one rounding each, as the scalar twin. The
  // addend y·(1 − c) + c is exactly y or 1 (a vector-valued conditional would box).

  /** u == null: derivative only. */
  @Override public void backwardFromOutput(Fn f, float[] u, int uOff, float[] y, int yOff,
      float[] out, int outOff, int n) {
    float c = ScalarActivationKernels.fromOutputIsSigmoid(f) ? 0f : 1f;
    int body = S.loopBound(n);
    if (u == null) {
      derivativeFromOutputBody(c, y, yOff, out, outOff, body);
    } else {
      backwardFromOutputBody(c, u, uOff, y, yOff, out, outOff, body);
    }
    if (body < n) {
      Scratch t = Scratch.of(y, yOff + body, u, uOff + body, n - body);
      if (u == null) {
        derivativeFromOutputBody(c, t.z, 0, t.out, 0, S.length());
      } else {
        backwardFromOutputBody(c, t.u, 0, t.z, 0, t.out, 0, S.length());
      }
      t.copyOut(out, outOff + body);
    }
  }

  private static void derivativeFromOutputBody(float c, float[] y, int yOff, float[] out,
      int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + i);
      v.neg().fma(v, v.fma(1f - c, c)).intoArray(out, outOff + i);
    }
  }

  private static void backwardFromOutputBody(float c, float[] u, int uOff, float[] y, int yOff,
      float[] out, int outOff, int n) {
    for (int i = 0; i < n; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + i);
      FloatVector d = v.neg().fma(v, v.fma(1f - c, c));
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
    FloatVector e = z.abs().neg().lanewise(EXP);
    FloatVector r = reciprocalOnePlus(e);
    return r.blend(e.mul(r), z.compare(LT, 0f));
  }

  /** σ'(z) = e·r², e = exp(−|z|), r = 1/(1+e): relative accuracy in both tails. */
  private static FloatVector sigmoidDerivative(FloatVector z) {
    FloatVector e = z.abs().neg().lanewise(EXP);
    FloatVector r = reciprocalOnePlus(e);
    return e.mul(r).mul(r);
  }

  private static FloatVector reciprocalOnePlus(FloatVector e) {
    return FloatVector.broadcast(S, 1f).div(e.add(1f));
  }

  private static FloatVector softplus(FloatVector z, float beta) {
    return expNegAbsScaled(z, beta).lanewise(LOG1P).div(beta).add(z.max(0f));
  }

  /** σ(βz) with e = exp(−β|z|) from {@link #expNegAbsScaled}. */
  private static FloatVector softplusDerivative(FloatVector z, float beta) {
    FloatVector e = expNegAbsScaled(z, beta);
    FloatVector r = reciprocalOnePlus(e);
    return r.blend(e.mul(r), z.compare(LT, 0f));
  }

  /**
   * exp(−β|z|) with β|z| split exactly into hi + lo (FMA): a rounded product would cost up to
   * β|z|·2⁻²⁴ relative error in the exponential (2e-6 at β|z| = 40).
   */
  private static FloatVector expNegAbsScaled(FloatVector z, float beta) {
    FloatVector a = z.abs();
    FloatVector hi = a.mul(beta);
    FloatVector lo = a.fma(FloatVector.broadcast(S, beta), hi.neg());
    FloatVector e = hi.neg().lanewise(EXP);
    // at β|z| = ∞ the split is ∞ − ∞; e is already exact (0) there
    return e.mul(lo.neg().add(1f)).blend(e, hi.test(IS_INFINITE));
  }

  private static FloatVector silu(FloatVector z) {
    FloatVector lo = z.max(-CLAMP);
    return lo.mul(sigmoid(lo));
  }

  /** σ(c) + c·σ'(c) with c = z clamped to ±1e4 (the float limits 0 and 1 hold beyond). */
  private static FloatVector siluDerivative(FloatVector z) {
    FloatVector c = z.max(-CLAMP).min(CLAMP);
    FloatVector e = c.abs().neg().lanewise(EXP);
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
    return c.mul(gauss).mul(INV_SQRT_2PI).add(normalCdf(c, gauss));
  }

  /** exp(−c²/2) with c²/2 = hi + lo split exactly (FMA): full relative accuracy up to underflow. */
  private static FloatVector gaussian(FloatVector c) {
    FloatVector half = c.mul(0.5f);
    FloatVector hi = half.mul(c);
    FloatVector lo = half.fma(c, hi.neg());
    return hi.neg().lanewise(EXP).mul(lo.neg().add(1f));
  }

  /**
   * Φ(c) from gauss = exp(−c²/2): Φ(−|c|) = erfc(x)/2 = ½·t·gauss·Q(t) with x = |c|/√2 and
   * t = 1/(1 + x/2); Q(t) = erfc(x)e^{x²}/t is smooth on t ∈ (0, 1] (from 1 at t = 1 to 1/(2√π) at
   * t → 0), and the degree-10 polynomial below is a weighted least-squares Chebyshev fit to it
   * (fit relative error 1.2e-8, 1.3e-7 with float Horner rounding). One EXP serves Φ and φ.
   */
  private static FloatVector normalCdf(FloatVector c, FloatVector gauss) {
    FloatVector t = FloatVector.broadcast(S, 1f).div(c.abs().mul(HALF_INV_SQRT2).add(1f));
    FloatVector q = t.mul(0.04319543391466141f).add(-0.23473359644412994f);
    q = t.fma(q, FloatVector.broadcast(S, 0.493694931268692f));
    q = t.fma(q, FloatVector.broadcast(S, -0.4549739956855774f));
    q = t.fma(q, FloatVector.broadcast(S, 0.13217703998088837f));
    q = t.fma(q, FloatVector.broadcast(S, -0.059211358428001404f));
    q = t.fma(q, FloatVector.broadcast(S, 0.09346243739128113f));
    q = t.fma(q, FloatVector.broadcast(S, 0.1753159761428833f));
    q = t.fma(q, FloatVector.broadcast(S, 0.2468845695257187f));
    q = t.fma(q, FloatVector.broadcast(S, 0.28209376335144043f));
    q = t.fma(q, FloatVector.broadcast(S, 0.282094806432724f));
    FloatVector halfTail = t.mul(gauss).mul(q).mul(0.5f);
    return halfTail.neg().add(1f).blend(halfTail, c.compare(LT, 0f));
  }

  /** z·σ(w), w = 2√(2/π)(c + 0.044715c³): the stable form of ½z(1 + tanh u). */
  private static FloatVector geluTanh(FloatVector z) {
    FloatVector lo = z.max(-CLAMP);
    FloatVector c = lo.min(CLAMP);
    FloatVector e = geluTanhExp(c);
    FloatVector r = reciprocalOnePlus(e);
    return lo.mul(r.blend(e.mul(r), c.compare(LT, 0f)));
  }

  /** σ(w) + c·σ'(w)·w' with σ'(w) = e·r², w' = K1 + 3K3c². */
  private static FloatVector geluTanhDerivative(FloatVector z) {
    FloatVector c = z.max(-CLAMP).min(CLAMP);
    FloatVector e = geluTanhExp(c);
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
    FloatVector tLo = c2.fma(FloatVector.broadcast(S, K3), t.neg()).add(c2Lo.mul(K3)).add(c2.mul(K3_LO));
    FloatVector s = t.add(K1);
    FloatVector bb = s.sub(t);
    FloatVector sLo = t.sub(s.sub(bb)).add(bb.neg().add(K1)).add(tLo).add(K1_LO);
    FloatVector a = c.abs();
    FloatVector wHi = a.mul(s);
    FloatVector wLo = a.fma(s, wHi.neg()).add(a.mul(sLo));
    return wHi.neg().lanewise(EXP).mul(wLo.neg().add(1f));
  }
}
