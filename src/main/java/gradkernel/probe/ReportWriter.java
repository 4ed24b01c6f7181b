package gradkernel.probe;

import gradkernel.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a {@link ProbeResult} as JSON, CSV or a human-readable table. JSON and CSV hold every
 * layer in index order; undefined values (NaN) are JSON {@code null} and empty CSV cells. Names
 * and descriptions come from file names: control characters in them are escaped in every format
 * ({@link Text#printable} in the table and CSV, {@code \\uXXXX} in JSON).
 */
final class ReportWriter {
  private ReportWriter() {}

  /** The JSON document: run fields, then {@code networks}, each with its {@code layers}. */
  static String json(ProbeResult r) {
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("kernels", r.kernels());
    top.put("seed", r.seed());
    top.put("batch", r.batch());
    List<Object> nets = new ArrayList<>();
    for (NetworkResult n : r.networks()) {
      nets.add(toMap(n));
    }
    top.put("networks", nets);
    return Json.pretty(top, 2);
  }

  static Map<String, Object> toMap(NetworkResult n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", n.name());
    m.put("description", n.description());
    m.put("kind", n.kind());
    m.put("cell", n.cell());
    m.put("depth", n.layers().size());
    m.put("width", n.width() < 0 ? null : n.width()); // null: non-uniform, see layers[].in/out
    m.put("sequenceLength", n.sequenceLength() == 0 ? null : n.sequenceLength());
    m.put("activation", n.activation());
    m.put("init", n.init());
    m.put("initGain", n.initGain());
    m.put("spectralRadius", n.spectralRadius());
    m.put("verdict", n.verdict());
    m.put("growth", n.growth());
    m.put("globalNorm", n.globalNorm());
    m.put("clipNorm", n.clipNorm());
    m.put("clipCoefficient", n.clipCoefficient());
    m.put("clippedNorm", n.clippedNorm());
    if (n.nonFinite() == null) {
      m.put("nonFinite", null);
    } else {
      Map<String, Object> nf = new LinkedHashMap<>();
      nf.put("layer", n.nonFinite().layer());
      nf.put("index", n.nonFinite().index());
      nf.put("value", Float.toString(n.nonFinite().value()));
      m.put("nonFinite", nf);
    }
    List<Object> layers = new ArrayList<>();
    for (LayerStat s : n.layers()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("index", s.index());
      l.put("gradNorm", s.gradNorm());
      l.put("gain", s.gain());
      l.put("spectralNorm", s.spectralNorm());
      l.put("upperBound", s.upperBound());
      l.put("lowerBound", s.lowerBound());
      l.put("log10UpperBound", s.log10UpperBound());
      l.put("log10LowerBound", s.log10LowerBound());
      l.put("weightGradNorm", s.weightGradNorm());
      l.put("in", s.in());
      l.put("out", s.out());
      layers.add(l);
    }
    m.put("layers", layers);
    List<Object> steps = new ArrayList<>();
    for (StepStat t : n.steps()) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("layer", t.layer());
      st.put("step", t.step());
      st.put("hiddenGradNorm", t.hiddenGradNorm());
      st.put("cellGradNorm", t.cellGradNorm());
      steps.add(st);
    }
    m.put("steps", steps);
    return m;
  }

  static final String CSV_HEADER = "network,kind,index,gradNorm,gain,spectralNorm,upperBound,"
      + "lowerBound,weightGradNorm,verdict,growth,globalNorm,clipCoefficient,in,out,cell,step,"
      + "hiddenGradNorm,cellGradNorm";

  /**
   * One CSV row per layer, network fields repeated on each row (ready for a data frame); a
   * recurrent network adds one row per layer and time step, with index = the layer, the step
   * columns filled and the per-layer columns empty.
   */
  static String csv(ProbeResult r) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (NetworkResult n : r.networks()) {
      for (LayerStat s : n.layers()) {
        sb.append(csvText(Text.printable(n.name()))).append(',').append(n.kind()).append(',').append(s.index());
        for (double v : new double[] {s.gradNorm(), s.gain(), s.spectralNorm(), s.upperBound(),
            s.lowerBound(), s.weightGradNorm()}) {
          sb.append(',').append(csvNumber(v));
        }
        sb.append(',').append(n.verdict()).append(',').append(csvNumber(n.growth()))
            .append(',').append(csvNumber(n.globalNorm()))
            .append(',').append(csvNumber(n.clipCoefficient()))
            .append(',').append(s.in()).append(',').append(s.out())
            .append(',').append(n.cell() == null ? "" : n.cell()).append(",,,\n");
      }
      for (StepStat t : n.steps()) {
        sb.append(csvText(Text.printable(n.name()))).append(',').append(n.kind()).append(',')
            .append(t.layer()).append(",,,,,,,").append(n.verdict())
            .append(',').append(csvNumber(n.growth()))
            .append(',').append(csvNumber(n.globalNorm()))
            .append(',').append(csvNumber(n.clipCoefficient())).append(",,,").append(n.cell())
            .append(',').append(t.step()).append(',').append(csvNumber(t.hiddenGradNorm()))
            .append(',').append(csvNumber(t.cellGradNorm())).append('\n');
      }
    }
    return sb.toString();
  }

  private static String csvNumber(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private static String csvText(String s) {
    return s.matches("[^,\"\\n]*") ? s : '"' + s.replace("\"", "\"\"") + '"';
  }

  /**
   * The table: a summary line per network, then per network its layers from the output down to
   * the input (the order backward visits them), sampled to about ten rows unless {@code all}.
   */
  static String table(ProbeResult r, boolean all) {
    StringBuilder sb = new StringBuilder();
    sb.append("gradkernel probe · kernels ").append(r.kernels()).append(" · seed ").append(r.seed())
        .append(" · batch ").append(r.batch())
        .append(" · upstream gradient ‖v_L‖ = 1, norms are L2 over the batch\n\n");
    int w = Math.max(8, r.networks().stream().mapToInt(n -> Text.printable(n.name()).length()).max().orElse(8));
    sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-9s  %10s  %10s  %10s  %10s%n", "network",
        "verdict", "‖v_0‖", "min gain", "max gain", "‖∇W‖"));
    boolean anyClip = r.networks().stream().anyMatch(n -> !Double.isNaN(n.clipCoefficient()));
    for (NetworkResult n : r.networks()) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double g : gains(n)) {
        if (Double.isFinite(g)) {
          min = Math.min(min, g);
          max = Math.max(max, g);
        }
      }
      if (min > max) {
        min = Double.NaN;
        max = Double.NaN;
      }
      sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-9s  %10s  %10s  %10s  %10s", Text.printable(n.name()),
          n.verdict(), sci(n.growth()), fixed(min), fixed(max), sci(n.globalNorm())));
      if (!Double.isNaN(n.clipCoefficient())) {
        sb.append(String.format(Locale.ROOT, "  clip at %s: ×%s → %s", plain(n.clipNorm()),
            sci(n.clipCoefficient()), sci(n.clippedNorm())));
      }
      if (n.nonFinite() != null) {
        sb.append("  non-finite at layer ").append(n.nonFinite().layer());
      }
      sb.append('\n');
    }
    if (anyClip) {
      sb.append("\n(clip: the update is scaled by min(1, clip norm / ‖∇W‖); "
          + "per-layer directions are unchanged)\n");
    }
    for (NetworkResult n : r.networks()) {
      sb.append('\n').append(Text.printable(n.name())).append(": ").append(Text.printable(n.description()));
      if (!Double.isNaN(n.spectralRadius())) {
        sb.append(", ρ(W) = ").append(fixed(n.spectralRadius()));
      }
      sb.append('\n');
      String unit = n.kind().equals("rnn") ? "step" : "layer";
      sb.append(String.format(Locale.ROOT, "  %6s  %10s  %8s  %8s  %10s  %10s  %10s%n", unit,
          "‖v‖", "gain", "σ_max(W)", "lower", "upper", "‖∇W_l‖"));
      for (int i : rows(n, all)) {
        LayerStat s = n.layers().get(i);
        sb.append(String.format(Locale.ROOT, "  %6d  %10s  %8s  %8s  %10s  %10s  %10s%n", s.index(),
            sci(s.gradNorm()), fixed(s.gain()), fixed(s.spectralNorm()), sci(s.lowerBound()),
            sci(s.upperBound()), sci(s.weightGradNorm())));
      }
      if (!n.steps().isEmpty()) {
        stepTable(sb, n, all);
      }
      if (n.nonFinite() != null) {
        sb.append(String.format(Locale.ROOT, "  first non-finite gradient: layer %d, element %d = %s%n",
            n.nonFinite().layer(), n.nonFinite().index(), n.nonFinite().value()));
      }
    }
    return sb.toString();
  }

  /**
   * The gains the summary line ranges over: per layer, or for a recurrent network per time step
   * (‖∂L/∂h_t‖/‖∂L/∂h_(t+1)‖ within each layer), where vanishing and exploding show.
   */
  private static double[] gains(NetworkResult n) {
    if (n.steps().isEmpty()) {
      return n.layers().stream().mapToDouble(LayerStat::gain).toArray();
    }
    List<StepStat> st = n.steps();
    double[] g = new double[st.size()];
    for (int i = 0; i < st.size(); i++) {
      boolean last = i + 1 == st.size() || st.get(i + 1).layer() != st.get(i).layer();
      g[i] = last ? Double.NaN : st.get(i).hiddenGradNorm() / st.get(i + 1).hiddenGradNorm();
    }
    return g;
  }

  /**
   * The per-step rows of a recurrent network, top layer first and within a layer from t = T down
   * to 0 (the order BPTT visits them), sampled to about ten steps per layer unless {@code all}.
   */
  private static void stepTable(StringBuilder sb, NetworkResult n, boolean all) {
    boolean cell = n.steps().stream().anyMatch(t -> !Double.isNaN(t.cellGradNorm()));
    sb.append(String.format(Locale.ROOT, "  %6s  %6s  %10s  %8s%s%n", "layer", "step", "‖∂L/∂h_t‖",
        "gain", cell ? String.format(Locale.ROOT, "  %10s", "‖∂L/∂c_t‖") : ""));
    int steps = n.sequenceLength();
    for (int k = n.layers().size() - 1; k >= 0; k--) {
      List<StepStat> rows = new ArrayList<>();
      for (StepStat t : n.steps()) {
        if (t.layer() == k) {
          rows.add(t);
        }
      }
      TreeSet<Integer> pick = new TreeSet<>((a, b) -> Integer.compare(b, a));
      for (int i = 0; i <= steps; i++) {
        if (all || steps <= 12 || i % Math.max(1, (steps + 9) / 10) == 0 || i == steps) {
          pick.add(i);
        }
      }
      for (int i : pick) {
        StepStat t = rows.get(i);
        double gain = i < steps ? t.hiddenGradNorm() / rows.get(i + 1).hiddenGradNorm() : Double.NaN;
        sb.append(String.format(Locale.ROOT, "  %6d  %6d  %10s  %8s%s%n", k, t.step(),
            sci(t.hiddenGradNorm()), fixed(gain),
            cell ? String.format(Locale.ROOT, "  %10s", sci(t.cellGradNorm())) : ""));
      }
    }
  }

  /** Row positions to show, output first: all, or the ends, ~10 evenly spaced and the first non-finite. */
  static List<Integer> rows(NetworkResult n, boolean all) {
    int size = n.layers().size();
    TreeSet<Integer> pick = new TreeSet<>((a, b) -> Integer.compare(b, a));
    if (all || size <= 12) {
      for (int i = 0; i < size; i++) {
        pick.add(i);
      }
    } else {
      for (int k = 0; k <= 10; k++) {
        pick.add((int) Math.round((size - 1) * k / 10.0));
      }
      if (n.nonFinite() != null) {
        for (int i = 0; i < size; i++) {
          if (n.layers().get(i).index() == n.nonFinite().layer()) {
            pick.add(i);
          }
        }
      }
    }
    return new ArrayList<>(pick);
  }

  /** A norm: 3 significant digits in scientific notation; "-" for undefined. */
  static String sci(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }

  /** A ratio near 1: fixed point when moderate, scientific otherwise. */
  static String fixed(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4)) {
      return sci(v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
