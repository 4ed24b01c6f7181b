package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.chain.Chain;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.Gru;
import gradkernel.chain.Layer;
import gradkernel.chain.Lstm;
import gradkernel.chain.Rnn;
import gradkernel.chain.SequenceLayer;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Probes a {@link RecurrentStack} with the library's own sequence layers ({@link Rnn},
 * {@link Lstm}, {@link Gru} in a {@link Chain}): layers 0 … L−2 output every step, the top layer
 * only h_T; a seeded batch x ~ N(0, 1) of T steps runs forward from h_0 = c_0 = 0, and BPTT runs
 * back from a random upstream ∂L/∂h_T of unit Frobenius norm. Reported per layer k and step
 * t = 0 … T: ‖∂L/∂h_t‖ (the total gradient: through time and, below the top, from the layer
 * above) and for an LSTM ‖∂L/∂c_t‖ (t &lt; T; the top step's δc is not recorded by the profile).
 */
final class RecurrentProbe {
  private RecurrentProbe() {}

  /** The chain for {@code s} run over {@code steps} steps; {@code act} is the RNN's g. */
  static Chain chain(RecurrentStack s, Activation act, int steps) {
    List<Layer> layers = new ArrayList<>();
    int last = s.layers().size() - 1;
    for (int k = 0; k <= last; k++) {
      RecurrentStack.Layer l = s.layers().get(k);
      int rows = l.weightHh().shape()[0];
      Matrix wih = Matrix.of(l.weightIh().data(), rows, l.input());
      Matrix whh = Matrix.of(l.weightHh().data(), rows, l.hidden());
      Vec bih = Vec.of(l.biasIh() == null ? new float[rows] : l.biasIh().data());
      Vec bhh = Vec.of(l.biasHh() == null ? new float[rows] : l.biasHh().data());
      SequenceOutput out = k == last ? SequenceOutput.LAST_STEP : SequenceOutput.ALL_STEPS;
      layers.add(switch (s.cell()) {
        case RNN -> new Rnn(wih, whh, bih, bhh, act, steps, out);
        case LSTM -> new Lstm(wih, whh, bih, bhh, steps, out);
        case GRU -> new Gru(wih, whh, bih, bhh, steps, out);
      });
    }
    return Chain.of(layers);
  }

  /**
   * What one forward/backward measured: per-step rows, ‖∂L/∂x^(k)‖ of each layer's input
   * sequence (entry L: the upstream), the profile.
   */
  record Measured(List<StepStat> steps, double[] inputGradNorm, GradientProfile profile,
      Tape tape) {}

  /**
   * Runs x [batch, T, m] forward (h_0 = c_0 = 0) and backward from {@code upstream} ∂L/∂h_T
   * [batch, n] of the top layer, and reads the per-step norms. T is the chain's capacity.
   */
  static Measured measure(Chain net, float[] x, float[] upstream, int batch) {
    Tape tape = net.newTape(Tape.Keep.INPUT_GRADIENTS);
    net.forward(tape, x, 0, batch);
    GradientProfile prof = new GradientProfile(net);
    net.backward(tape, upstream, 0, new Gradients(net), prof);
    int depth = net.size();
    int steps = net.sequenceCapacity();
    double[] inNorm = new double[depth + 1];
    List<StepStat> rows = new ArrayList<>();
    for (int k = 0; k <= depth; k++) {
      inNorm[k] = k == depth ? prof.gradientNorm(net.profileSlots()) : norm(net.inputGradient(tape, k));
    }
    for (int k = 0; k < depth; k++) {
      SequenceLayer l = (SequenceLayer) net.layer(k);
      int first = net.firstSlot(k);
      for (int t = 0; t <= steps; t++) {
        double h;
        if (t < steps) {
          h = prof.gradientNorm(first + t);
        } else if (k == depth - 1) {
          h = prof.gradientNorm(net.profileSlots());
        } else {
          // h_T of a lower layer: no slot holds it (the next slot is the layer above's h_0);
          // its gradient is the last step of the layer above's input gradient.
          h = lastStepNorm(net.inputGradient(tape, k + 1), steps, l.hiddenSize());
        }
        double c = l.hasCell() && t < steps ? prof.cellGradientNorm(first + t) : Double.NaN;
        rows.add(new StepStat(k, t, h, c));
      }
    }
    return new Measured(rows, inNorm, prof, tape);
  }

  /** Probes {@code s} as {@code gradkernel probe --weights} does; see the class doc. */
  static NetworkResult probe(RecurrentStack s, Activation act, int steps, int batch,
      double clipNorm, long seed, String name, String source, Progress progress) throws ProbeFailure {
    int m = s.layers().get(0).input();
    int top = s.layers().get(s.layers().size() - 1).hidden();
    checkSizes(s, steps, batch);
    Chain net = chain(s, act, steps);
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = NetworkProbe.gaussian(batch * steps * m, 1, rnd);
    float[] up = NetworkProbe.unitGaussian(batch * top, rnd);
    progress.step(name + ": forward and BPTT through " + s.layers().size() + " " + s.cell().label()
        + " layer(s), " + steps + " steps");
    Measured r = measure(net, x, up, batch);
    GradientProfile prof = r.profile();
    int depth = s.layers().size();
    List<LayerStat> layers = new ArrayList<>();
    boolean uniform = true;
    NetworkProbe.SpectraNote note = new NetworkProbe.SpectraNote();
    for (int k = 0; k < depth; k++) {
      progress.step(name + ": spectra, layer " + k + " of " + depth);
      RecurrentStack.Layer l = s.layers().get(k);
      Matrix whh = Matrix.of(l.weightHh().data(), l.weightHh().shape()[0], l.hidden());
      double sigma = NetworkProbe.extremeSingularValues(whh, false)[0];
      note.add(whh, false, Double.NaN);
      double gain = r.inputGradNorm()[k] / r.inputGradNorm()[k + 1];
      // No growth bound for a recurrent layer's input sequence: both bound fields stay undefined.
      layers.add(new LayerStat(k, r.inputGradNorm()[k], gain, sigma, Double.NaN, Double.NaN,
          prof.weightGradientNorm(net.firstSlot(k)), l.input(), l.hidden()));
      uniform &= l.input() == l.hidden() && l.hidden() == top;
    }
    double rho = Double.NaN;
    if (s.cell() == RecurrentStack.Cell.RNN && depth == 1) {
      Matrix w = Matrix.of(s.layers().get(0).weightHh().data(), top, top);
      rho = NetworkProbe.spectralRadius(w);
    }
    NonFiniteAt nonFinite = null;
    if (prof.firstNonFiniteSlot() >= 0) {
      int layer = prof.firstNonFiniteLayer();
      int index = (int) prof.firstNonFiniteIndex();
      float value = Float.NaN;
      if (layer < depth && prof.firstNonFiniteSlot() == net.firstSlot(layer)) {
        Matrix h0 = net.initialStateGradient(r.tape(), layer); // the only stored per-step gradient
        value = h0.data()[h0.offset() + index];
      }
      nonFinite = new NonFiniteAt(layer, index, value);
    }
    double global = NetworkProbe.globalNorm(prof);
    String gates = s.cell() == RecurrentStack.Cell.RNN ? act.name() : "sigmoid,tanh";
    String description = String.format(Locale.ROOT, "%d-layer %s from %s (%s%d → %d), %d steps,"
        + " h_0 = 0%s, x ~ N(0, 1), upstream at h_T of the top layer", depth, s.cell().label(),
        source, s.prefix().isEmpty() ? "" : "prefix '" + Text.name(s.prefix()) + "', ", m, top,
        steps, s.cell() == RecurrentStack.Cell.LSTM ? ", c_0 = 0" : "")
        + note.text(s.cell() == RecurrentStack.Cell.RNN && depth == 1 && Double.isNaN(rho));
    return new NetworkResult(name, description, "recurrent", s.cell().label(), gates, "loaded",
        Double.NaN, uniform ? top : -1, steps, rho, NetworkProbe.verdict(prof), prof.totalGain(),
        global, clipNorm, NetworkProbe.clipCoefficient(global, clipNorm), nonFinite, layers,
        r.steps());
  }

  /** Fails early, with the numbers, for sequences whose tape cannot exist or fit in the heap. */
  private static void checkSizes(RecurrentStack s, int steps, int batch) throws ProbeFailure {
    long perExample = 0;
    long params = 0;
    for (RecurrentStack.Layer l : s.layers()) {
      long gn = l.weightHh().shape()[0];
      params += gn * (l.input() + l.hidden() + 2);
      // Tape per layer: x, h, gates, cell scratch; work: gate gradients, dx.
      perExample += steps * (2L * l.input() + 2 * gn + 4L * l.hidden()) + 8L * l.hidden();
    }
    long floats = perExample * batch;
    if (floats > Integer.MAX_VALUE - 8) {
      throw new ProbeFailure("--batch " + batch + " × --steps " + steps + " × the layers' widths = "
          + floats + " values exceed the largest Java array; reduce --batch or --steps");
    }
    long bytes = 4 * (params + 2 * floats);
    long max = Runtime.getRuntime().maxMemory();
    if (bytes > max * 0.7) {
      throw new ProbeFailure(String.format(Locale.ROOT, "this network needs about %.1f GB but the"
          + " JVM may use %.1f GB; reduce --batch or --steps, or raise the heap"
          + " (GRADKERNEL_JVM_OPTS=-Xmx...)", bytes / 1e9, max / 1e9));
    }
  }

  /** Frobenius norm of a [batch, w] view. */
  private static double norm(Matrix v) {
    NormAccumulator acc = NormAccumulator.l2();
    for (int r = 0; r < v.rows(); r++) {
      acc.add(new Vec(v.data(), v.offset() + r * v.ld(), v.cols()));
    }
    return acc.norm();
  }

  /** Frobenius norm over the batch of the last step [n] of each row of a [batch, T·n] view. */
  private static double lastStepNorm(Matrix v, int steps, int n) {
    NormAccumulator acc = NormAccumulator.l2();
    for (int r = 0; r < v.rows(); r++) {
      acc.add(new Vec(v.data(), v.offset() + r * v.ld() + (steps - 1) * n, n));
    }
    return acc.norm();
  }

  /** For tests: the per-step hidden norms of layer k as an array over t = 0 … T. */
  static double[] hidden(Measured r, int k) {
    return r.steps().stream().filter(s -> s.layer() == k).mapToDouble(StepStat::hiddenGradNorm)
        .toArray();
  }

  /** For tests: the per-step cell norms of layer k as an array over t = 0 … T (NaN at T). */
  static double[] cell(Measured r, int k) {
    return r.steps().stream().filter(s -> s.layer() == k).mapToDouble(StepStat::cellGradNorm)
        .toArray();
  }
}
