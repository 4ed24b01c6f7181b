package gradkernel;

import gradkernel.tensor.Parallelism;
import static gradkernel.TestChains.dense;
import static gradkernel.TestChains.random;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.LayerNorm;
import gradkernel.chain.Recurrent;
import gradkernel.chain.Residual;
import gradkernel.chain.Tape;
import gradkernel.clip.Clip;
import gradkernel.clip.NonFinite;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Transpose;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import gradkernel.tensor.Views;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Child-JVM half of {@link DeterminismTest}: computes every public numeric entry point on fixed
 * seeded data and prints one line per result, {@code name bits}, where bits is the raw IEEE bit
 * pattern (hex) of a scalar or a 64-bit hash of the raw bits of an array. Run under different JIT
 * configurations (-Xint, C1 only, C2 after warm-up), the outputs must be byte-identical.
 *
 * <p>Arguments: {@code WARMUP [SECTION...]} computes the sections (default all: blas, activation,
 * chain, clip, probe) once, then WARMUP more times, and prints the first results, a line
 * {@code ==}, and the last. The probe section runs {@code gradkernel probe --format json} in
 * this JVM and records a hash of its bytes.
 */
public final class DeterminismProbe {
  /** Sections in the order they are printed. */
  static final List<String> SECTIONS = List.of("blas", "activation", "chain", "clip", "probe");
  /** A small, fast configuration of {@code gradkernel probe} (all built-in networks). */
  static final String[] PROBE_ARGS = {"probe", "--format", "json", "--quiet", "--depth", "6",
      "--width", "48", "--batch", "8", "--rnn-steps", "10"};
  /** Thread counts the parallel entry points are run with. */
  static final int[] THREADS = {1, 2, 3, 4};
  /** Odd sizes that cover vector tails, 4-row blocks and several clip chunks. */
  private static final int C = NormAccumulator.CHUNK;

  private final Map<String, String> out = new LinkedHashMap<>();
  private final Parallelism[] pools;

  private DeterminismProbe(Parallelism[] pools) {
    this.pools = pools;
  }

  public static void main(String[] args) {
    int warm = Integer.parseInt(args[0]);
    List<String> sections = args.length > 1 ? List.of(args).subList(1, args.length) : SECTIONS;
    Parallelism[] pools = new Parallelism[THREADS.length];
    for (int i = 0; i < pools.length; i++) {
      pools[i] = Parallelism.threads(THREADS[i]);
    }
    String first = run(pools, sections);
    String last = first;
    for (int i = 0; i < warm; i++) {
      last = run(pools, sections);
    }
    System.out.print(first);
    System.out.println("==");
    System.out.print(last);
    System.out.flush();
  }

  static String run(Parallelism[] pools, List<String> sections) {
    DeterminismProbe p = new DeterminismProbe(pools);
    for (String s : sections) {
      switch (s) {
        case "blas" -> p.blas();
        case "activation" -> p.activations();
        case "chain" -> p.chains();
        case "clip" -> p.clip();
        case "probe" -> p.probe();
        default -> throw new IllegalArgumentException("unknown section " + s);
      }
    }
    StringBuilder b = new StringBuilder();
    p.out.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
    return b.toString();
  }

  // ---- recording ----

  private void put(String name, String bits) {
    if (out.put(name, bits) != null) {
      throw new IllegalStateException("duplicate result name " + name);
    }
  }

  private void put(String name, float v) {
    put(name, String.format("%08x", Float.floatToRawIntBits(v)));
  }

  private void put(String name, double v) {
    put(name, String.format("%016x", Double.doubleToRawLongBits(v)));
  }

  private void put(String name, float[] a) {
    long h = 0xcbf29ce484222325L;
    for (float v : a) {
      h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
      h ^= h >>> 29;
    }
    put(name, a.length + ":" + String.format("%016x", h));
  }

  // ---- sections ----

  private void blas() {
    SplittableRandom r = new SplittableRandom(1);
    for (int n : new int[] {1, 7, 64, 67, 1000, 4099}) {
      Vec x = Vec.of(random(r, n, 3));
      Vec y = Vec.of(random(r, n, 1e-3));
      put("blas/dot/" + n, Blas.dot(x, y));
      put("blas/nrm2/" + n, Blas.nrm2(x));
      put("blas/sumOfSquares/" + n, Blas.sumOfSquares(y));
      put("blas/maxAbs/" + n, Blas.maxAbs(x));
    }
    for (int[] s : new int[][] {{1, 1}, {4, 64}, {7, 67}, {33, 129}, {130, 257}}) {
      int m = s[0];
      int n = s[1];
      Matrix a = Matrix.of(random(r, m * n, 1), m, n);
      Vec x = Vec.of(random(r, n, 1));
      Vec xt = Vec.of(random(r, m, 1));
      float[] y = random(r, m, 1);
      Blas.gemv(0.75f, a, x, 0.5f, Vec.of(y));
      put("blas/gemv/" + m + "x" + n, y);
      float[] yt = random(r, n, 1);
      Blas.gemvT(1.25f, a, xt, -0.5f, Vec.of(yt));
      put("blas/gemvT/" + m + "x" + n, yt);
      float[] g = a.data().clone();
      Blas.ger(0.5f, xt, x, Matrix.of(g, m, n));
      put("blas/ger/" + m + "x" + n, g);
    }
    // n = 260: up to 3 column blocks of 128 in gemmParallel; k = 270 spans two KC panels.
    for (int[] s : new int[][] {{7, 260, 9, 4}, {13, 67, 270, 1}}) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      for (int trans = 0; trans < s[3]; trans++) {
        boolean ta = (trans & 1) != 0;
        boolean tb = (trans & 2) != 0;
        Matrix a = ta ? Matrix.of(random(r, k * m, 1), k, m) : Matrix.of(random(r, m * k, 1), m, k);
        Matrix b = tb ? Matrix.of(random(r, n * k, 1), n, k) : Matrix.of(random(r, k * n, 1), k, n);
        float[] c0 = random(r, m * n, 1);
        String name = "blas/gemm/" + m + "x" + n + "x" + k + (ta ? "T" : "N") + (tb ? "T" : "N");
        float[] c = c0.clone();
        Blas.gemm((ta ? Transpose.YES : Transpose.NO), (tb ? Transpose.YES : Transpose.NO), 1.5f, a, b, 0.25f, Matrix.of(c, m, n));
        put(name, c);
        for (int t : THREADS) {
          float[] cp = c0.clone();
          Blas.gemm(Parallelism.threads(t), (ta ? Transpose.YES : Transpose.NO), (tb ? Transpose.YES : Transpose.NO), 1.5f, a, b, 0.25f, Matrix.of(cp, m, n));
          put(name + "/threads=" + t, cp);
        }
      }
    }
  }

  /** Every built-in activation and the parameterized ones, scalar and array entry points. */
  static List<Activation> allActivations() {
    return List.of(Activations.IDENTITY, Activations.RELU, Activations.SIGMOID, Activations.TANH,
        Activations.SELU, Activations.SILU, Activations.GELU, Activations.GELU_TANH,
        Activations.HARD_TANH, Activations.leakyRelu(0.01f), Activations.elu(0.7f),
        Activations.softplus(1f), Activations.softplus(2.5f), Activations.hardTanh(-2f, 3f));
  }

  private void activations() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 1000 + 13;
    float[] z = random(r, n, 12);
    z[0] = 0f;
    z[1] = -0f;
    z[2] = 1e-30f;
    z[3] = -90f;
    z[4] = 90f;
    z[5] = Float.MIN_VALUE;
    float[] up = random(r, n, 2);
    for (Activation g : allActivations()) {
      String name = "activation/" + g.name();
      float[] v = new float[n];
      float[] d = new float[n];
      float[] b = new float[n];
      g.forward(z, 0, v, 0, n);
      g.derivative(z, 0, d, 0, n);
      g.backward(up, 0, z, 0, b, 0, n);
      put(name + "/forward", v);
      put(name + "/derivative", d);
      put(name + "/backward", b);
      float[] sv = new float[n];
      float[] sd = new float[n];
      for (int i = 0; i < n; i++) {
        sv[i] = g.value(z[i]);
        sd[i] = g.derivative(z[i]);
      }
      put(name + "/value(z)", sv);
      put(name + "/derivative(z)", sd);
      if (g.hasDerivativeFromOutput()) {
        float[] dy = new float[n];
        float[] by = new float[n];
        g.derivativeFromOutput(v, 0, dy, 0, n);
        g.backwardFromOutput(up, 0, v, 0, by, 0, n);
        put(name + "/derivativeFromOutput", dy);
        put(name + "/backwardFromOutput", by);
      }
    }
  }

  /** Chains of every layer kind; "piecewise" uses no transcendental activation. */
  static Chain chain(String kind) {
    SplittableRandom r = new SplittableRandom(7);
    return switch (kind) {
      case "dense" -> Chain.of(dense(r, 67, 45, "tanh"), dense(r, 64, 67, "relu"),
          dense(r, 17, 64, "softplus"));
      case "residual" -> Chain.of(dense(r, 64, 45, "gelu"),
          Residual.of(dense(r, 33, 64, "silu"), dense(r, 64, 33, "identity")),
          new LayerNorm(Vec.of(random(r, 64, 1)), Vec.of(random(r, 64, 1)), 1e-5),
          dense(r, 17, 64, "sigmoid"));
      case "recurrent" -> Chain.of(new Recurrent(Matrix.of(random(r, 37 * 37, 0.2), 37, 37),
          Matrix.of(random(r, 37 * 5, 0.3), 37, 5), Vec.of(random(r, 37, 0.1)),
          Activations.TANH, 12), dense(r, 9, 37, "gelu_tanh"));
      case "piecewise" -> Chain.of(dense(r, 64, 45, "relu"),
          Residual.of(dense(r, 33, 64, "leaky_relu:0.1"), dense(r, 64, 33, "identity")),
          new LayerNorm(Vec.of(random(r, 64, 1)), Vec.of(random(r, 64, 1)), 1e-5),
          new Recurrent(Matrix.of(random(r, 64 * 64, 0.1), 64, 64), Matrix.of(new float[0], 64, 0),
              Vec.of(random(r, 64, 0.1)), Activations.HARD_TANH, 7),
          dense(r, 17, 64, "hardtanh:-2:3"));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private void chains() {
    for (String kind : List.of("dense", "residual", "recurrent", "piecewise")) {
      Chain net = chain(kind);
      SplittableRandom r = new SplittableRandom(11);
      int batch = 5;
      float[] x = random(r, batch * net.inputSize(), 1);
      float[] up = random(r, batch * net.outputSize(), 1);
      float[] dir = random(r, net.inputSize(), 1);
      Tape tape = net.newTape();
      Gradients grads = new Gradients(net);
      GradientProfile profile = new GradientProfile(net);
      String name = "chain/" + kind;
      put(name + "/forward", net.forward(tape, x, 0, batch).copy().data());
      put(name + "/backward", net.backward(tape, up, 0, grads, profile).copy().data());
      put(name + "/gradients", grads.data().clone());
      float[] maxAbs = new float[profile.slots() + 1];
      for (int s = 0; s <= profile.slots(); s++) {
        put(name + "/profile/" + s + "/gradientNorm", profile.gradientNorm(s));
        put(name + "/profile/" + s + "/weightGradientNorm", profile.weightGradientNorm(s));
        maxAbs[s] = profile.maxAbs(s);
      }
      put(name + "/profile/maxAbs", maxAbs);
      put(name + "/profile/weightGradientNorm", profile.globalWeightGradientNorm());
      Tape single = net.newTape();
      net.forward(single, x, 0, 1);
      float[] dOut = new float[net.outputSize()];
      net.jvp(single, dir, 0, dOut, 0);
      put(name + "/jvp", dOut);
    }
  }

  /** Tensors with odd sizes spanning 6 fixed chunks, so every pool size splits the work. */
  private static float[][] grads(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] lengths = {C + 3, 1, 0, 17, C / 2 + 5, 33};
    float[][] g = new float[lengths.length][];
    for (int t = 0; t < g.length; t++) {
      g[t] = random(r, lengths[t], Math.pow(10, r.nextInt(-3, 4)));
    }
    return g;
  }

  private static float[][] copy(float[][] g) {
    float[][] c = new float[g.length][];
    for (int i = 0; i < g.length; i++) {
      c[i] = g[i].clone();
    }
    return c;
  }

  private void putAll(String name, float[][] g) {
    for (int t = 0; t < g.length; t++) {
      put(name + "/" + t, g[t]);
    }
  }

  /** Clipping with p = 2 on every pool size; p = 3 and ∞ on 2 and 4 threads (keeps -Xint fast). */
  private void clip() {
    float[][] g = grads(3);
    for (double p : new double[] {2, 3, Double.POSITIVE_INFINITY}) {
      put("clip/globalNorm/p=" + p, Clip.globalNorm(p, Views.all(g)));
      for (int i = p == 2 ? 0 : 1; i < pools.length; i += p == 2 ? 1 : 2) {
        put("clip/globalNorm/p=" + p + "/threads=" + THREADS[i],
            Clip.globalNorm(pools[i], p, NonFinite.THROW, Views.all(g)));
      }
    }
    put("clip/globalNorm", Clip.globalNorm(Views.all(g)));
    put("clip/globalNorm/threads=default", Clip.globalNorm(Parallelism.allCores(), Views.all(g)));
    for (double p : new double[] {2, 3}) {
      float[][] seq = copy(g);
      String name = "clip/byGlobalNorm/p=" + p;
      put(name + "/norm", Clip.byGlobalNorm(p == 2 ? 1e-2 : 0.5, p, NonFinite.THROW, Views.all(seq)));
      putAll(name, seq);
      for (int i = p == 2 ? 0 : 2; i < pools.length; i += p == 2 ? 1 : 4) {
        float[][] par = copy(g);
        String pname = name + "/threads=" + THREADS[i];
        put(pname + "/norm",
            Clip.byGlobalNorm(pools[i], p == 2 ? 1e-2 : 0.5, p, NonFinite.THROW, Views.all(par)));
        putAll(pname, par);
      }
    }

    NormAccumulator whole = NormAccumulator.l2();
    NormAccumulator left = NormAccumulator.l2();
    NormAccumulator right = NormAccumulator.l2();
    for (int t = 0; t < g.length; t++) {
      whole.add(new Vec(g[t], 0, g[t].length));
      (t < 3 ? left : right).add(Vec.of(g[t]));
    }
    put("clip/normAccumulator/add", whole.norm());
    put("clip/normAccumulator/merge", left.merge(right).norm());
    put("clip/normAccumulator/merge/sumOfSquares", left.sumOfSquares());
    NormAccumulator partials = NormAccumulator.l2().addSumOfSquares(1e300).addNorm(3e200)
        .addNorm(Blas.nrm2(Vec.of(g[4])));
    put("clip/normAccumulator/partials", partials.norm());
    put("clip/normAccumulator/p=3", NormAccumulator.of(3).addAll(Views.all(g)).norm());
    put("clip/normAccumulator/p=3/merge",
        NormAccumulator.of(3).add(Vec.of(g[0])).merge(NormAccumulator.of(3).add(Vec.of(g[4]))).norm());
  }

  /** The probe's JSON output: its bytes' hash and length (byte-identical output, same line). */
  private void probe() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = gradkernel.probe.Main.run(PROBE_ARGS,
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("probe exit " + code + ": "
          + err.toString(StandardCharsets.UTF_8));
    }
    byte[] b = bytes.toByteArray();
    long h = 0xcbf29ce484222325L;
    for (byte v : b) {
      h = (h ^ (v & 0xff)) * 0x100000001b3L;
    }
    put("probe/json", b.length + ":" + String.format("%016x", h));
  }

  /** Parses the output of {@link #main}: the first and the last result maps, in order. */
  static List<Map<String, String>> parse(String text) {
    List<Map<String, String>> parts = new ArrayList<>();
    Map<String, String> cur = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.equals("==")) {
        parts.add(cur);
        cur = new LinkedHashMap<>();
      } else if (!line.isBlank()) {
        int sp = line.indexOf(' ');
        cur.put(line.substring(0, sp), line.substring(sp + 1));
      }
    }
    parts.add(cur);
    return parts;
  }
}
