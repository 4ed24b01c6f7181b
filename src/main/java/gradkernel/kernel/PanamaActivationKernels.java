package gradkernel.kernel;

import static gradkernel.kernel.ScalarActivationKernels.CLAMP_F;
import static gradkernel.kernel.ScalarActivationKernels.E0;
import static gradkernel.kernel.ScalarActivationKernels.E1;
import static gradkernel.kernel.ScalarActivationKernels.E10;
import static gradkernel.kernel.ScalarActivationKernels.E2;
import static gradkernel.kernel.ScalarActivationKernels.E3;
import static gradkernel.kernel.ScalarActivationKernels.E4;
import static gradkernel.kernel.ScalarActivationKernels.E5;
import static gradkernel.kernel.ScalarActivationKernels.E6;
import static gradkernel.kernel.ScalarActivationKernels.E7;
import static gradkernel.kernel.ScalarActivationKernels.E8;
import static gradkernel.kernel.ScalarActivationKernels.E9;
import static gradkernel.kernel.ScalarActivationKernels.EXPM1_MIN;
import static gradkernel.kernel.ScalarActivationKernels.EXP_BIAS;
import static gradkernel.kernel.ScalarActivationKernels.EXP_BIAS64;
import static gradkernel.kernel.ScalarActivationKernels.EXP_MIN;
import static gradkernel.kernel.ScalarActivationKernels.GELU_CLAMP;
import static gradkernel.kernel.ScalarActivationKernels.HALF_INV_SQRT2;
import static gradkernel.kernel.ScalarActivationKernels.INV_SQRT_2PI_F;
import static gradkernel.kernel.ScalarActivationKernels.K1;
import static gradkernel.kernel.ScalarActivationKernels.K1_LO;
import static gradkernel.kernel.ScalarActivationKernels.K3;
import static gradkernel.kernel.ScalarActivationKernels.K3_LO;
import static gradkernel.kernel.ScalarActivationKernels.LN2_HI;
import static gradkernel.kernel.ScalarActivationKernels.LN2_LO;
import static gradkernel.kernel.ScalarActivationKernels.LN2_SHORT;
import static gradkernel.kernel.ScalarActivationKernels.LN2_SHORT_LO;
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

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activation kernels (loaded reflectively by {@link VectorSupport}): float lanes, masks
 * and blends, and our own exp/expm1/log1p/tanh built from add/mul/fma/div/min/max and exponent bit
 * manipulation — never the JDK's lanewise transcendentals, whose results differ between the
 * interpreter (Java fallback) and C2 (an intrinsic stub). A tail (n mod lanes elements) is covered by
 * the loop once more on the last full vector, overlapping the body, or (in place, or below one
 * vector) by one vector through a per-thread scratch copy or by the scalar twin, which evaluates
 * the same lane formulas operation for operation, so an element's result never depends on its
 * position, length or offset.
 *
 * <p>Every lane formula is {@link ScalarActivationKernels}' float formula, operation for operation
 * and in the same order (the class comment there describes the approximations), so the two
 * implementations agree bit for bit and each gives the same bits at every JIT tier. Where float
 * would lose accuracy the formulas compensate: exponents such as β|z| and the tanh-GELU argument
 * are carried as exact hi + lo pairs (FMA), applied as e^hi·(1 − lo); GELU's −z²/2 enters the
 * exp's range reduction as an exact product (FMA).
 */
final class PanamaActivationKernels implements ActivationKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final float CLAMP = CLAMP_F;

  private static final int FORWARD = 0;
  private static final int DERIVATIVE = 1;
  private static final int BACKWARD = 2;
  private static final int FAMILIES = Fn.values().length;

  // Each family's loop in each direction (over whole vectors; u is read only by the backward
  // loops) is reached from ONE call site, in invoke, through a method handle read from an array: not
  // a compile-time constant, so C2 never inlines a loop into its caller, whatever the call site's
  // profile. Each loop is compiled as its own root with the whole inlining budget and keeps its
  // vectors in registers. Inlined loops (a switch, or a virtual call site that saw one or two loop
  // classes — per direction, or forward and backward of a single family) grew the caller (e.g. a
  // recurrent step, or an LSTM's tanh and sigmoid while training the temporal-order task) past
  // C2's inlining cutoff, and vectors were boxed: hundreds of bytes of garbage and a large slowdown
  // per call. An invokeExact of a non-constant handle costs an indirect call and allocates nothing.
  private static final MethodHandle[] LOOPS = loopTable();

  PanamaActivationKernels() {
    if (S.length() < 4) {
      throw new UnsupportedOperationException("vector width " + S.vectorBitSize() + " bits too small");
    }
  }

  @Override public String name() { return "panama-" + S.vectorBitSize(); }

  // Each direction sends a length that the twin takes whole straight to it (b = 0), before
  // run()'s table lookups: those cost 2–4 ns at 7 elements (0.90× the twin, session 7; with the
  // check first 0.98–1.08×, ActivationBench.activeKernel against scalarTwin).

  @Override public void forward(Fn f, float p, float q, float[] z, int zOff, float[] out,
      int outOff, int n) {
    int b = twinOnly(f, n) ? 0 : run(FORWARD, f, p, q, null, 0, z, zOff, out, outOff, n);
    if (b < n) {
      ScalarActivationKernels.INSTANCE.forward(f, p, q, z, zOff + b, out, outOff + b, n - b);
    }
  }

  @Override public void derivative(Fn f, float p, float q, float[] z, int zOff, float[] out,
      int outOff, int n) {
    int b = twinOnly(f, n) ? 0 : run(DERIVATIVE, f, p, q, null, 0, z, zOff, out, outOff, n);
    if (b < n) {
      ScalarActivationKernels.INSTANCE.derivative(f, p, q, z, zOff + b, out, outOff + b, n - b);
    }
  }

  @Override public void backward(Fn f, float p, float q, float[] u, int uOff, float[] z, int zOff,
      float[] out, int outOff, int n) {
    int b = twinOnly(f, n) ? 0 : run(BACKWARD, f, p, q, u, uOff, z, zOff, out, outOff, n);
    if (b < n) {
      ScalarActivationKernels.INSTANCE.backward(f, p, q, u, uOff + b, z, zOff + b, out, outOff + b,
          n - b);
    }
  }

  /** Whether n elements of family f go to the twin whole: below one vector and below the tail threshold. */
  private static boolean twinOnly(Fn f, int n) {
    return n < S.length() && n < MIN_VECTOR_TAIL[f.ordinal()];
  }

  /**
   * Runs direction op's loop of family f over [0, n) and returns how many leading elements are
   * done; the caller finishes the rest with the scalar twin, whose lane formulas are these,
   * operation for operation (same bits). The loop covers the whole vectors, and a tail is covered
   * by running the loop once more on the last full vector [n − lanes, n): its overlap with the
   * body is computed again from the same inputs, so it is rewritten with the same bits. That
   * needs the inputs unchanged, so in place (out the array of z or u), and below one vector, a
   * tail of at least {@link #MIN_VECTOR_TAIL} elements runs as one vector through a per-thread
   * scratch copy, and a shorter one goes to the twin.
   */
  private static int run(int op, Fn f, float p, float q, float[] u, int uOff, float[] z, int zOff,
      float[] out, int outOff, int n) {
    int body = S.loopBound(n);
    MethodHandle loop = LOOPS[op * FAMILIES + f.ordinal()];
    if (body > 0) {
      invoke(loop, p, q, u, uOff, z, zOff, out, outOff, body);
    }
    if (body == n) {
      return n;
    }
    if (body > 0 && out != z && out != u) {
      int last = n - S.length();
      invoke(loop, p, q, u, uOff + last, z, zOff + last, out, outOff + last, S.length());
      return n;
    }
    int r = n - body;
    if (r < MIN_VECTOR_TAIL[f.ordinal()]) {
      return body;
    }
    Tail t = TAIL.get();
    // Lanes past r hold an earlier call's inputs: computed and discarded (lanes never interact).
    System.arraycopy(z, zOff + body, t.z, 0, r);
    if (u != null) {
      System.arraycopy(u, uOff + body, t.u, 0, r);
    }
    invoke(loop, p, q, t.u, 0, t.z, 0, t.out, 0, S.length());
    System.arraycopy(t.out, 0, out, outOff + body, r);
    return n;
  }

  /**
   * The shortest tail that runs as one vector through {@link Tail} instead of the twin, per
   * family. That path costs 40–50 ns whatever the tail (measured, ActivationBench at 3–15
   * elements, JDK 25, AVX-512; one vector's formula is one chain of dependent operations); the
   * twin, once its lane switch inlines (session 8), 4.4 ns per element for tanh and sigmoid
   * (41 ns at 9, 55 at 12, against 44–46 for the vector) and 8.4 ns for GELU and SiLU, so the
   * crossovers are near 10 and 6 elements. ELU, softplus and tanh-GELU (not benchmarked) take the
   * tanh threshold; piecewise-linear families (a few operations per element) always use the twin.
   */
  private static final int[] MIN_VECTOR_TAIL = new int[FAMILIES];

  static {
    java.util.Arrays.fill(MIN_VECTOR_TAIL, Integer.MAX_VALUE);
    for (Fn f : new Fn[] {Fn.TANH, Fn.SIGMOID, Fn.ELU, Fn.SOFTPLUS, Fn.GELU_TANH}) {
      MIN_VECTOR_TAIL[f.ordinal()] = 11;
    }
    MIN_VECTOR_TAIL[Fn.GELU.ordinal()] = 6;
    MIN_VECTOR_TAIL[Fn.SILU.ordinal()] = 6;
  }

  /** One vector of inputs and output per thread for a short tail (see run). */
  private static final class Tail {
    final float[] u = new float[S.length()];
    final float[] z = new float[S.length()];
    final float[] out = new float[S.length()];
  }

  private static final ThreadLocal<Tail> TAIL = ThreadLocal.withInitial(Tail::new);

  /** The one place a loop is called: handle.invokeExact (never inlined, see LOOPS). */
  private static void invoke(MethodHandle loop, float p, float q, float[] u, int uOff, float[] z,
      int zOff, float[] out, int outOff, int n) {
    try {
      loop.invokeExact(p, q, u, uOff, z, zOff, out, outOff, n);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new AssertionError("the loops throw no checked exception", e);
    }
  }

  /** Handles of type (p, q, u, uOff, z, zOff, out, outOff, n)void, indexed op·FAMILIES + family. */
  private static MethodHandle[] loopTable() {
    MethodType unary = MethodType.methodType(void.class, float.class, float.class, float[].class,
        int.class, float[].class, int.class, int.class);
    MethodType binary = unary.insertParameterTypes(2, float[].class, int.class);
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    MethodHandle[] t = new MethodHandle[3 * FAMILIES];
    try {
      for (Fn f : Fn.values()) {
        String family = java.util.Arrays.stream(f.name().split("_"))
            .map(w -> w.charAt(0) + w.substring(1).toLowerCase(java.util.Locale.ROOT))
            .collect(java.util.stream.Collectors.joining());
        Class<?> c = PanamaActivationKernels.class;
        // forward and derivative ignore u: the same handle type serves all three directions
        t[FORWARD * FAMILIES + f.ordinal()] = MethodHandles.dropArguments(
            lookup.findStatic(c, "forward" + family, unary), 2, float[].class, int.class);
        t[DERIVATIVE * FAMILIES + f.ordinal()] = MethodHandles.dropArguments(
            lookup.findStatic(c, "derivative" + family, unary), 2, float[].class, int.class);
        t[BACKWARD * FAMILIES + f.ordinal()] = lookup.findStatic(c, "backward" + family, binary);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("activation loop missing", e);
    }
    return t;
  }

  // One loop method per family and direction: each is compiled on its own, so the lane formulas
  // inline fully (a shared loop dispatching on the family outgrows the inlining budget once several
  // families are hot, and vectors then get boxed; one loop serving both derivative and backward
  // measured up to 2x slower in cache). n is a multiple of the lane count here: see run.

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
    float[] ebuf = EXPS.get();
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
    float[] ebuf = EXPS.get();
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
    float[] ebuf = EXPS.get();
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
      // the tail by the scalar twin (same operations, same bits), as in forward
      if (u == null) {
        ScalarActivationKernels.INSTANCE.derivativeFromOutput(f, y, yOff + body, out, outOff + body,
            n - body);
      } else {
        ScalarActivationKernels.INSTANCE.backwardFromOutput(f, u, uOff + body, y, yOff + body, out,
            outOff + body, n - body);
      }
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

  /** Per-thread buffer for the tanh-GELU's exponentials of one chunk (see geluTanhExps). */
  private static final ThreadLocal<float[]> EXPS = ThreadLocal.withInitial(() -> new float[CHUNK]);

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

  /** z·Φ(c), c = z clamped to ±GELU_CLAMP: Φ(c) = e^{−c²/2}·t·E(t) for c < 0, 1 minus that above. */
  private static FloatVector gelu(FloatVector z) {
    FloatVector c = z.max(-GELU_CLAMP).min(GELU_CLAMP);
    FloatVector tail = gaussian(c).mul(millsHalf(c.abs()));
    return z.max(-CLAMP).mul(tail.neg().add(1f).blend(tail, c.compare(LT, 0f)));
  }

  /**
   * Φ(c) + c·φ(c) = e^{−c²/2}·h for c < 0 and 1 − e^{−c²/2}·h for c ≥ 0, with
   * h = t·E(t) − |c|/√(2π): one exp, one division, one polynomial, one blend.
   */
  private static FloatVector geluDerivative(FloatVector z) {
    FloatVector c = z.max(-GELU_CLAMP).min(GELU_CLAMP);
    FloatVector a = c.abs();
    FloatVector gh = gaussian(c).mul(a.fma(FloatVector.broadcast(S, -INV_SQRT_2PI_F), millsHalf(a)));
    return gh.neg().add(1f).blend(gh, c.compare(LT, 0f));
  }

  /**
   * e^{−c²/2} for |c| ≤ GELU_CLAMP: k from the rounded square, r = −c²/2 − k·ln 2 from c itself
   * (exact product in the FMA), then our exp's polynomial and scaling.
   */
  private static FloatVector gaussian(FloatVector c) {
    FloatVector m = c.mul(-0.5f);
    FloatVector t = m.mul(c).fma(LOG2E, SHIFTER);
    FloatVector k = t.sub(SHIFTER);
    FloatVector r = m.fma(c, k.mul(-LN2_SHORT));
    return expFinish(t, k.fma(FloatVector.broadcast(S, -LN2_SHORT_LO), r));
  }

  /**
   * t·E(t) = Φ(−a)·e^{a²/2} for a ≥ 0, t = 1/(1 + a/(2√2)), E the degree-10
   * {@link ScalarActivationKernels#E0} polynomial.
   */
  private static FloatVector millsHalf(FloatVector a) {
    FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(HALF_INV_SQRT2, 1f));
    FloatVector q = t.fma(E10, E9);
    q = t.fma(q, FloatVector.broadcast(S, E8));
    q = t.fma(q, FloatVector.broadcast(S, E7));
    q = t.fma(q, FloatVector.broadcast(S, E6));
    q = t.fma(q, FloatVector.broadcast(S, E5));
    q = t.fma(q, FloatVector.broadcast(S, E4));
    q = t.fma(q, FloatVector.broadcast(S, E3));
    q = t.fma(q, FloatVector.broadcast(S, E2));
    q = t.fma(q, FloatVector.broadcast(S, E1));
    q = t.fma(q, FloatVector.broadcast(S, E0));
    return t.mul(q);
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
