package gradkernel.activation;

import gradkernel.kernel.ActivationKernels;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs in a forked JVM (see {@link #fork}) so that the JIT state is known: {@code determinism W}
 * computes every family's value, derivative, backward (and from-output forms) on a fixed input at
 * the first call, warms up W rounds over many lengths, recomputes, and prints one digest line per
 * family and operation — failing if warm ≠ cold or active ≠ scalar twin; {@code allocation}
 * prints the bytes allocated by 6000 compiled calls per family; {@code mixed} prints the bytes
 * allocated by compiled callers that use several families at once (see {@link #mixedAllocation}).
 */
public final class JitProbe {
  private JitProbe() {}

  static final List<String> ALLOCATION_SPECS =
      List.of("relu", "tanh", "sigmoid", "silu", "gelu", "gelu_tanh", "softplus:3");

  public static void main(String[] args) throws ReflectiveOperationException {
    if (args[0].equals("determinism")) {
      determinism(Integer.parseInt(args[1]));
    } else if (args[0].equals("mixed")) {
      mixedAllocation();
    } else {
      allocation();
    }
  }

  static float[] fixedInput() {
    float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-7f,
        0.3466f, -0.3466f, 17.4f, -43.7f, 87.4f, -88.8f, -104f, 110f, -1e4f, 3e12f, 1e30f, -1e30f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN};
    int n = 16 * 20 + 3;
    float[] z = new float[n];
    for (int i = 0; i < n; i++) {
      z[i] = i < edges.length ? edges[i] : -25f + 50f * i / n + (float) Math.sin(i) * 1e-3f;
    }
    return z;
  }

  private static float[][] all(ActivationKernels k, Elementwise a, float[] u, float[] z) {
    int n = z.length;
    float[][] r = new float[a.hasDerivativeFromOutput() ? 5 : 3][n];
    k.forward(a.fn(), a.p(), a.q(), z, 0, r[0], 0, n);
    k.derivative(a.fn(), a.p(), a.q(), z, 0, r[1], 0, n);
    k.backward(a.fn(), a.p(), a.q(), u, 0, z, 0, r[2], 0, n);
    if (r.length == 5) {
      k.derivativeFromOutput(a.fn(), r[0], 0, r[3], 0, n);
      k.backwardFromOutput(a.fn(), u, 0, r[0], 0, r[4], 0, n);
    }
    return r;
  }

  private static void determinism(int warm) {
    float[] z = fixedInput();
    float[] u = new float[z.length];
    for (int i = 0; i < u.length; i++) {
      u[i] = 1f + i / 64f;
    }
    ActivationKernels active = ActivationKernels.active();
    boolean ok = true;
    for (String spec : Reference.SPECS) {
      Elementwise a = (Elementwise) Activations.of(spec);
      float[][] cold = all(active, a, u, z);
      float[] buf = new float[z.length];
      for (int w = 0; w < warm; w++) {
        int n = 1 + (w * 37) % z.length;
        active.forward(a.fn(), a.p(), a.q(), z, 0, buf, 0, n);
        active.derivative(a.fn(), a.p(), a.q(), z, 0, buf, 0, n);
        active.backward(a.fn(), a.p(), a.q(), u, 0, z, 0, buf, 0, n);
        if (a.hasDerivativeFromOutput()) {
          active.backwardFromOutput(a.fn(), u, 0, z, 0, buf, 0, n);
          active.derivativeFromOutput(a.fn(), z, 0, buf, 0, n);
        }
      }
      float[][] hot = all(active, a, u, z);
      float[][] twin = all(ActivationKernels.scalar(), a, u, z);
      for (int op = 0; op < cold.length; op++) {
        int[] bits = new int[z.length];
        for (int i = 0; i < z.length; i++) {
          bits[i] = Float.floatToIntBits(cold[op][i]);
          if (bits[i] != Float.floatToIntBits(hot[op][i])
              || bits[i] != Float.floatToIntBits(twin[op][i])) {
            System.out.println("MISMATCH " + spec + " op " + op + " z=" + z[i] + ": cold " + cold[op][i]
                + ", warm " + hot[op][i] + ", scalar twin " + twin[op][i]);
            ok = false;
          }
        }
        System.out.println("DIGEST " + spec + " op " + op + " " + Arrays.hashCode(bits));
      }
    }
    System.exit(ok ? 0 : 1);
  }

  private static void allocation() throws ReflectiveOperationException {
    Data d = new Data();
    for (String spec : ALLOCATION_SPECS) {
      Activation a = Activations.of(spec);
      System.out.println("ALLOCATED " + spec + " " + leastAllocated(() -> {
        a.backward(d.u, 0, d.z, 0, d.out, 0, d.n);
        a.derivative(d.z, 0, d.out, 0, d.n);
        a.forward(d.z, 0, d.out, 0, d.n);
      }));
    }
  }

  /**
   * Callers that use several families, as a model's step does: first an LSTM-like step (sigmoid
   * gates and tanh, forward then backward, the temporal-order task's mix), then every family of
   * {@link #ALLOCATION_SPECS} from one caller, with lengths that do and do not fill whole vectors.
   * C2 compiles each caller with all it inlines; once that outgrows its budget, vectors of an
   * inlined kernel loop are boxed (allocated) on every call.
   */
  private static void mixedAllocation() throws ReflectiveOperationException {
    Data d = new Data();
    Activation sigmoid = Activations.of("sigmoid");
    Activation tanh = Activations.of("tanh");
    System.out.println("ALLOCATED lstm-step " + leastAllocated(() -> lstmStep(sigmoid, tanh, d)));
    Activation[] all = ALLOCATION_SPECS.stream().map(Activations::of).toArray(Activation[]::new);
    System.out.println("ALLOCATED all-families " + leastAllocated(() -> {
      for (Activation a : all) {
        for (int n : d.lengths) {
          a.forward(d.z, 0, d.out, 0, n);
          a.derivative(d.z, 0, d.out, 0, n);
          a.backward(d.u, 0, d.z, 0, d.out, 0, n);
        }
      }
    }));
  }

  private static void lstmStep(Activation sigmoid, Activation tanh, Data d) {
    int n = d.n;
    sigmoid.forward(d.z, 0, d.out, 0, n);
    tanh.forward(d.z, 0, d.h, 0, n);
    tanh.forward(d.out, 0, d.h, 0, n);
    tanh.backward(d.u, 0, d.h, 0, d.out, 0, n);
    sigmoid.backward(d.u, 0, d.z, 0, d.h, 0, n);
    sigmoid.derivative(d.z, 0, d.out, 0, n);
  }

  /** Inputs of n = 4·16 + 3 (a tail at every vector width) and output buffers. */
  private static final class Data {
    final int n = 4 * 16 + 3;
    final float[] z = new float[n];
    final float[] u = new float[n];
    final float[] out = new float[n];
    final float[] h = new float[n];
    /** A length with a tail and one of whole vectors (at 4 to 32 lanes). */
    final int[] lengths = {n, 32};

    Data() {
      for (int i = 0; i < n; i++) {
        z[i] = (i - n / 2) / 7f;
        u[i] = 1 + i;
      }
    }
  }

  /**
   * The fewest bytes this thread allocated over rounds of 2000 calls of body; rounds repeat until
   * one allocates at most 1 KiB, at most 100 of them. Compilation is synchronous
   * (-XX:-BackgroundCompilation): a few rounds reach C2; the bound only stops a genuinely
   * allocating kernel from looping forever.
   */
  private static long leastAllocated(Runnable body) throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 100 && best > 1024; round++) {
      long before = (Long) allocated.invoke(mx);
      for (int r = 0; r < 2000; r++) {
        body.run();
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    return best;
  }

  /** Runs this class in a fresh JVM with the given flags; returns its stdout lines (exit code last). */
  static List<String> fork(String... flagsAndArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    String kernels = System.getProperty("gradkernel.kernels");
    if (kernels != null) {
      cmd.add("-Dgradkernel.kernels=" + kernels);
    }
    int split = Arrays.asList(flagsAndArgs).indexOf("--");
    cmd.addAll(Arrays.asList(flagsAndArgs).subList(0, split));
    cmd.add(JitProbe.class.getName());
    cmd.addAll(Arrays.asList(flagsAndArgs).subList(split + 1, flagsAndArgs.length));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.startsWith("WARNING: Using incubator")) {
          lines.add(line);
        }
      }
    }
    lines.add("EXIT " + p.waitFor());
    return lines;
  }
}
