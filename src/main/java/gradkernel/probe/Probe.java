package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.activation.Activations;
import gradkernel.kernel.Kernels;
import gradkernel.tensor.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the networks a probe run asks for (the suite, one configured network, or loaded weights) and probes them. */
final class Probe {
  /** Clip norm the suite uses when none is given, so the table shows what clipping does. */
  static final double SUITE_CLIP_NORM = 1.0;

  private Probe() {}

  /** Runs the probe described by {@code o}. */
  static ProbeResult run(ProbeOptions o, Progress progress) throws ProbeFailure, WeightFileException,
      UsageException {
    progress.step("building networks");
    List<NetworkSpec> specs;
    double clip = o.clipNorm();
    if (!o.weights().isEmpty()) {
      List<Tensor> tensors = WeightStack.tensors(o.weights(), o.select(), o.orderByName());
      if (RecurrentStack.isRecurrent(tensors)) {
        return new ProbeResult(Kernels.active().name(), o.seed(), o.batch(),
            List.of(recurrent(o, tensors, progress)));
      }
      if (o.cell() != null || o.steps() > 0) {
        throw new UsageException("--cell and --steps apply to recurrent weights (weight_ih_l0, …);"
            + " " + String.join(", ", o.weights()) + " hold dense layers", ProbeCli.USAGE);
      }
      specs = List.of(fromWeights(o, WeightStack.group(tensors)));
    } else if (o.custom()) {
      checkMemory(o);
      specs = List.of(configured(o));
    } else {
      specs = suite(o.seed());
      clip = Double.isNaN(clip) ? SUITE_CLIP_NORM : clip;
    }
    List<NetworkResult> results = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      NetworkSpec s = specs.get(i);
      progress.step("probing " + s.name() + " (" + (i + 1) + "/" + specs.size() + ")");
      results.add(NetworkProbe.probe(s, o.batch(), clip, o.seed() + 1000L * i, progress));
    }
    return new ProbeResult(Kernels.active().name(), o.seed(), o.batch(), results);
  }

  /** Fails early, with the numbers, when a configured network cannot fit in the heap. */
  static void checkMemory(ProbeOptions o) throws ProbeFailure {
    long layers = o.rnnSteps() > 0 ? 2 : o.depth();
    long steps = o.rnnSteps() > 0 ? o.rnnSteps() : o.depth();
    long w = o.width();
    if (o.rnnSteps() > 0) {
      // The input sequence (x_1 … x_T) of every example is one array, the hidden states (h_0 …
      // h_T) another.
      checkArray("--batch " + o.batch() + " × (--rnn-steps " + o.rnnSteps() + " + 1) × --width " + w,
          o.batch() * (steps + 1) * w, "reduce --batch, --rnn-steps or --width");
    }
    // Weights, plus per layer or step the forward tape (pre-activations, activations, inputs).
    checkHeap(4 * (layers * w * w + 3 * (steps + 1) * o.batch() * w));
  }

  /**
   * Fails early for loaded weights whose batch arrays cannot exist (batch × width beyond a Java
   * array) or whose weights and forward tape cannot fit in the heap; all in long arithmetic.
   */
  static void checkSizes(List<Matrix> ws, int batch) throws ProbeFailure {
    long weights = 0;
    long activations = (long) batch * ws.get(0).cols();
    checkArray("--batch " + batch + " × input width " + ws.get(0).cols(), activations, "reduce --batch");
    for (Matrix w : ws) {
      weights += (long) w.rows() * w.cols();
      checkArray("--batch " + batch + " × layer width " + w.rows(), (long) batch * w.rows(), "reduce --batch");
      activations += (long) batch * w.rows();
    }
    checkHeap(4 * (weights + 3 * activations));
  }

  private static void checkArray(String what, long elements, String fix) throws ProbeFailure {
    if (elements > Integer.MAX_VALUE - 8) {
      throw new ProbeFailure(what + " = " + elements + " values exceed the largest Java array ("
          + (Integer.MAX_VALUE - 8) + "); " + fix);
    }
  }

  private static void checkHeap(long bytes) throws ProbeFailure {
    long max = Runtime.getRuntime().maxMemory();
    if (bytes > max * 0.7) {
      throw new ProbeFailure(String.format(java.util.Locale.ROOT,
          "this network needs about %.1f GB but the JVM may use %.1f GB; reduce --depth, --width,"
              + " --batch or --rnn-steps, or raise the heap (GRADKERNEL_JVM_OPTS=-Xmx...)", bytes / 1e9, max / 1e9));
    }
  }

  /** The built-in suite: the classic ways gradients explode, vanish or stay put. */
  static List<NetworkSpec> suite(long seed) throws UsageException {
    List<NetworkSpec> s = new ArrayList<>();
    int depth = 50;
    int width = 128;
    Activation tanh = Activations.TANH;
    s.add(dense("tanh-xavier", "50 tanh layers, Xavier init (gain 1)", NetworkSpec.Kind.DENSE, tanh,
        "xavier", 1, depth, width, seed));
    s.add(dense("tanh-gain-2.5", "50 tanh layers, Xavier init with a too-large gain 2.5",
        NetworkSpec.Kind.DENSE, tanh, "xavier", 2.5, depth, width, seed + 1));
    s.add(dense("tanh-gain-0.5", "50 tanh layers, Xavier init with a too-small gain 0.5",
        NetworkSpec.Kind.DENSE, tanh, "xavier", 0.5, depth, width, seed + 2));
    s.add(dense("relu-he", "50 ReLU layers, He init", NetworkSpec.Kind.DENSE, Activations.RELU, "he",
        1, depth, width, seed + 3));
    s.add(dense("residual-tanh", "50 residual tanh blocks a + tanh(W a + b), Xavier init",
        NetworkSpec.Kind.RESIDUAL, tanh, "xavier", 1, depth, width, seed + 4));
    Activation linear = Activations.IDENTITY;
    s.add(rnn("rnn-linear-0.9", "linear RNN, 100 steps, W = 0.9·orthogonal (ρ = 0.9)", linear, 0.9,
        100, width, seed + 5));
    s.add(rnn("rnn-linear-1.1", "linear RNN, 100 steps, W = 1.1·orthogonal (ρ = 1.1)", linear, 1.1,
        100, width, seed + 6));
    s.add(rnn("rnn-tanh-1.1", "tanh RNN, 100 steps, W = 1.1·orthogonal: saturation caps the growth",
        tanh, 1.1, 100, width, seed + 7));
    return s;
  }

  /**
   * Parses "--activation": one spec, or a comma-separated list of specs (one per layer).
   *
   * @throws IllegalArgumentException naming the first bad spec
   */
  static List<Activation> activations(String spec) {
    List<Activation> out = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      out.add(Activations.of(part.trim()));
    }
    return out;
  }

  /** The activation list for {@code depth} layers: one spec for all, or exactly one per layer. */
  static List<Activation> activations(String spec, int depth, String what) throws UsageException {
    List<Activation> acts = activations(spec);
    if (acts.size() != 1 && acts.size() != depth) {
      throw new UsageException("--activation: " + acts.size() + " activations given for " + depth
          + " " + what + "; give one for all or one per layer", ProbeCli.USAGE);
    }
    return acts;
  }

  static NetworkSpec configured(ProbeOptions o) throws UsageException {
    if (o.rnnSteps() > 0) {
      Activation act = activations(o.activation(), 1, "recurrent layer").get(0);
      String d = "vanilla " + act.name() + " RNN, " + o.rnnSteps() + " steps, width " + o.width()
          + ", W: " + o.init() + " init, gain " + o.gain();
      return rnnWith("rnn", d, act, o.init(), o.gain(), o.rnnSteps(), o.width(), o.seed());
    }
    NetworkSpec.Kind kind = o.residual() ? NetworkSpec.Kind.RESIDUAL : NetworkSpec.Kind.DENSE;
    List<Activation> acts = activations(o.activation(), o.depth(), "layers");
    String d = o.depth() + (o.residual() ? " residual " : " dense ") + names(acts) + " layers, width "
        + o.width() + ", " + o.init() + " init, gain " + o.gain();
    return dense(kind.label(), d, kind, acts, o.init(), o.gain(), o.depth(), o.width(), o.seed());
  }

  /** The recurrent network of a state_dict: checks the options that do not apply, then probes. */
  static NetworkResult recurrent(ProbeOptions o, List<Tensor> tensors, Progress progress)
      throws WeightFileException, ProbeFailure, UsageException {
    RecurrentStack stack = RecurrentStack.of(tensors,
        o.cell() == null ? null : RecurrentStack.Cell.parse(o.cell()));
    if (o.residual()) {
      throw new UsageException("--residual does not apply to recurrent weights", ProbeCli.USAGE);
    }
    List<Activation> acts = activations(o.activation(), 1, "recurrent network");
    if (stack.cell() != RecurrentStack.Cell.RNN && !o.activation().equals("tanh")) {
      throw new UsageException("--activation applies to an RNN cell only; the " + stack.cell().label()
          + " gates are fixed (sigmoid and tanh)", ProbeCli.USAGE);
    }
    int steps = o.steps() > 0 ? o.steps() : ProbeCli.DEFAULT_STEPS;
    progress.step("probing " + name(o.weights()));
    return RecurrentProbe.probe(stack, acts.get(0), steps, o.batch(), o.clipNorm(), o.seed(),
        name(o.weights()), String.join(", ", o.weights()), progress);
  }

  static NetworkSpec fromWeights(ProbeOptions o, WeightStack stack) throws ProbeFailure,
      UsageException {
    List<Matrix> ws = new ArrayList<>();
    List<float[]> bs = new ArrayList<>();
    for (WeightStack.Layer l : stack.layers()) {
      ws.add(Matrix.of(l.weight().data(), l.out(), l.in()));
      bs.add(l.bias() == null ? null : l.bias().data());
      if (o.residual() && l.out() != l.in()) {
        throw new ProbeFailure("--residual needs square weights, but '" + l.weight().name()
            + "' has shape " + l.weight().shapeString());
      }
    }
    checkSizes(ws, o.batch());
    List<Activation> acts = activations(o.activation(), ws.size(), "weight layers");
    NetworkSpec.Kind kind = o.residual() ? NetworkSpec.Kind.RESIDUAL : NetworkSpec.Kind.DENSE;
    String d = ws.size() + (o.residual() ? " residual " : " dense ") + names(acts) + " layers from "
        + String.join(", ", o.weights()) + " (" + ws.get(0).cols() + " → " + ws.get(ws.size() - 1).rows() + ")";
    return new NetworkSpec(name(o.weights()), d, kind, acts, "loaded", Double.NaN, ws, bs, 0);
  }

  private static String name(List<String> files) {
    String f = java.nio.file.Path.of(files.get(0)).getFileName().toString();
    return f.replaceFirst("\\.(npy|npz|safetensors)$", "") + (files.size() > 1 ? "+" : "");
  }

  private static String names(List<Activation> acts) {
    return String.join(",", acts.stream().map(Activation::name).toList());
  }

  static NetworkSpec dense(String name, String description, NetworkSpec.Kind kind, Activation act,
      String init, double gain, int depth, int width, long seed) throws UsageException {
    return dense(name, description, kind, List.of(act), init, gain, depth, width, seed);
  }

  static NetworkSpec dense(String name, String description, NetworkSpec.Kind kind,
      List<Activation> act, String init, double gain, int depth, int width, long seed) throws UsageException {
    List<Matrix> ws = new ArrayList<>();
    List<float[]> bs = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      ws.add(Initializers.weight(init, gain, width, width, seed * 7919 + l));
      bs.add(new float[width]);
    }
    return new NetworkSpec(name, description, kind, act, init, gain, ws, bs, 0);
  }

  static NetworkSpec rnn(String name, String description, Activation act, double rho, int steps,
      int width, long seed) throws UsageException {
    return rnnWith(name, description, act, "orthogonal", rho, steps, width, seed);
  }

  private static NetworkSpec rnnWith(String name, String description, Activation act, String init,
      double gain, int steps, int width, long seed) throws UsageException {
    Matrix w = Initializers.weight(init, gain, width, width, seed * 7919);
    Matrix u = Initializers.weight("xavier", 1, width, width, seed * 7919 + 1);
    return new NetworkSpec(name, description, NetworkSpec.Kind.RNN, List.of(act), init, gain,
        List.of(w, u),
        Arrays.asList(new float[width], null), steps);
  }
}
