package gradkernel.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A standalone SVG chart of gradient norm per layer on a log scale: one line per network, its
 * lower–upper bound band shaded in the same colour, decade ticks, a dashed line at norm 1 (the
 * upstream gradient), and a legend with each verdict. Bounds far outside the measured norms are
 * cut at the frame so they do not flatten the lines.
 */
final class SvgPlot {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  private static final int W = 1000;
  private static final int H = 600;
  private static final int LEFT = 90;
  private static final int RIGHT = 300;
  private static final int TOP = 56;
  private static final int BOTTOM = 70;
  /** How many decades a bound may reach beyond the measured norms before it is cut. */
  private static final double BOUND_MARGIN = 6;

  private SvgPlot() {}

  /** The SVG document for {@code r}. */
  static String render(ProbeResult r) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int maxIndex = 1;
    for (NetworkResult n : r.networks()) {
      maxIndex = Math.max(maxIndex, n.layers().size());
      for (LayerStat s : n.layers()) {
        if (s.gradNorm() > 0 && Double.isFinite(s.gradNorm())) {
          lo = Math.min(lo, Math.log10(s.gradNorm()));
          hi = Math.max(hi, Math.log10(s.gradNorm()));
        }
      }
    }
    if (lo > hi) {
      lo = -1;
      hi = 1;
    }
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
    double dataLo = lo;
    double dataHi = hi;
    for (NetworkResult n : r.networks()) {
      for (LayerStat s : n.layers()) {
        if (s.lowerBound() > 0 && Double.isFinite(s.lowerBound())) {
          lo = Math.min(lo, Math.max(Math.log10(s.lowerBound()), dataLo - BOUND_MARGIN));
        }
        if (s.upperBound() > 0 && Double.isFinite(s.upperBound())) {
          hi = Math.max(hi, Math.min(Math.log10(s.upperBound()), dataHi + BOUND_MARGIN));
        }
      }
    }
    double yLo = Math.floor(lo - 0.05);
    double yHi = Math.ceil(hi + 0.05);
    Frame f = new Frame(0, maxIndex, yLo, yHi);

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">%n",
        W, H, W, H));
    sb.append("<title>gradkernel probe: gradient norm per layer</title>\n");
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    sb.append(String.format(Locale.ROOT, "<defs><clipPath id=\"frame\"><rect x=\"%d\" y=\"%d\" width=\"%d\" "
        + "height=\"%d\"/></clipPath></defs>%n", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"17\" font-weight=\"bold\">"
        + "Gradient norm per layer, backward from the output (‖v_L‖ = 1)</text>%n", LEFT));
    axes(sb, f, maxIndex);
    sb.append("<g clip-path=\"url(#frame)\">\n");
    for (int k = 0; k < r.networks().size(); k++) {
      band(sb, f, r.networks().get(k), COLORS[k % COLORS.length]);
    }
    for (int k = 0; k < r.networks().size(); k++) {
      line(sb, f, r.networks().get(k), COLORS[k % COLORS.length]);
    }
    sb.append("</g>\n");
    legend(sb, r);
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** Maps data (layer index, log10 norm) to pixels. */
  private record Frame(double x0, double x1, double y0, double y1) {
    double px(double x) {
      return LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    }

    double py(double log10) {
      return H - BOTTOM - (log10 - y0) / (y1 - y0) * (H - TOP - BOTTOM);
    }
  }

  private static void axes(StringBuilder sb, Frame f, int maxIndex) {
    int x0 = LEFT;
    int x1 = W - RIGHT;
    int yTop = TOP;
    int yBot = H - BOTTOM;
    int decades = (int) Math.round(f.y1 - f.y0);
    int step = decades <= 12 ? 1 : decades <= 24 ? 2 : decades <= 60 ? 5 : 10;
    for (int e = (int) f.y0; e <= f.y1; e++) {
      double y = f.py(e);
      boolean labelled = Math.floorMod(e, step) == 0;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
          x0, y, x1, y, labelled ? "#dddddd" : "#f1f1f1"));
      if (labelled) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">10<tspan dy=\"-6\" "
            + "font-size=\"10\">%d</tspan></text>%n", x0 - 8, y + 4, e));
      }
    }
    double xStep = niceStep(maxIndex / 8.0);
    for (double x = 0; x <= maxIndex + 1e-9; x += xStep) {
      double px = f.px(x);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>%n",
          px, yTop, px, yBot));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>%n",
          px, yBot, px, yBot + 5));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
          px, yBot + 20, Math.round(x)));
    }
    if (f.y0 <= 0 && f.y1 >= 0) {
      double y = f.py(0);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555555\" "
          + "stroke-dasharray=\"6 4\"/>%n", x0, y, x1, y));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"black\"/>%n", x0, yTop, x1 - x0, yBot - yTop));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">layers (time steps for "
        + "RNNs) crossed backward from the output</text>%n", (x0 + x1) / 2, H - 22));
    sb.append(String.format(Locale.ROOT, "<text transform=\"translate(24 %d) rotate(-90)\" text-anchor=\"middle\">"
        + "‖gradient at layer input‖₂ (log scale)</text>%n", (yTop + yBot) / 2));
  }

  private static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** Shaded polygon between the bounds where both exist, plus dotted edges for each bound. */
  private static void band(StringBuilder sb, Frame f, NetworkResult n, String color) {
    List<double[]> upper = new ArrayList<>();
    List<double[]> lower = new ArrayList<>();
    double top = upstream(n);
    upper.add(new double[] {f.px(0), f.py(clampLog(top, f))});
    lower.add(new double[] {f.px(0), f.py(clampLog(top, f))});
    for (LayerStat s : n.layers()) {
      if (s.upperBound() > 0 && s.lowerBound() > 0 && Double.isFinite(s.upperBound())) {
        double x = f.px(crossed(n, s));
        upper.add(new double[] {x, f.py(clampLog(s.upperBound(), f))});
        lower.add(new double[] {x, f.py(clampLog(s.lowerBound(), f))});
      }
    }
    upper.sort(java.util.Comparator.comparingDouble(p -> p[0]));
    lower.sort(java.util.Comparator.comparingDouble(p -> p[0]));
    if (upper.size() >= 2) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : upper) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
      }
      for (int i = lower.size() - 1; i >= 0; i--) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", lower.get(i)[0], lower.get(i)[1]));
      }
      sb.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.13\" stroke=\"none\"/>%n",
          pts.toString().strip(), color));
    }
    for (boolean up : new boolean[] {true, false}) {
      String d = path(f, n, s -> up ? s.upperBound() : s.lowerBound());
      if (d.contains("L")) {
        sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1\" "
            + "stroke-dasharray=\"2 3\" stroke-opacity=\"0.8\"/>%n", d, color));
      }
    }
  }

  private static void line(StringBuilder sb, Frame f, NetworkResult n, String color) {
    String d = path(f, n, LayerStat::gradNorm);
    if (d.contains("L")) {
      sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
          + "stroke-linejoin=\"round\"/>%n", d, color));
    }
    if (n.nonFinite() != null) {
      // Marks where the gradient stopped being finite, at the top edge of the frame.
      double x = f.px(n.layers().size() - n.nonFinite().layer() + 1);
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"16\" "
          + "font-weight=\"bold\" text-anchor=\"middle\">×</text>%n", x, TOP + 16, color));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\" "
          + "text-anchor=\"start\">%s</text>%n", x + 8, TOP + 14, color, n.nonFinite().value()));
    }
  }

  /** Layers the gradient has crossed when it reaches the input of row {@code s}'s layer. */
  private static int crossed(NetworkResult n, LayerStat s) {
    return n.layers().size() - s.index() + 1;
  }

  /** ‖v_L‖, recovered from the output-side row: its gradNorm over its gain. */
  private static double upstream(NetworkResult n) {
    LayerStat top = n.layers().get(n.layers().size() - 1);
    double u = top.gradNorm() / top.gain();
    return u > 0 && Double.isFinite(u) ? u : 1;
  }

  /**
   * A polyline from the output (x = 0, the upstream norm) through the positive finite values,
   * broken where a value is missing.
   */
  private static String path(Frame f, NetworkResult n, java.util.function.ToDoubleFunction<LayerStat> v) {
    StringBuilder d = new StringBuilder();
    d.append(String.format(Locale.ROOT, "M%.1f %.1f ", f.px(0), f.py(clampLog(upstream(n), f))));
    boolean pen = true;
    for (int i = n.layers().size() - 1; i >= 0; i--) {
      LayerStat s = n.layers().get(i);
      double y = v.applyAsDouble(s);
      if (y > 0 && Double.isFinite(y)) {
        d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", f.px(crossed(n, s)),
            f.py(clampLog(y, f))));
        pen = true;
      } else {
        pen = false;
      }
    }
    return d.toString().strip();
  }

  /** log10(v) kept a little beyond the frame, so clipped segments keep their direction. */
  private static double clampLog(double v, Frame f) {
    double span = f.y1 - f.y0;
    return Math.max(f.y0 - span, Math.min(f.y1 + span, Math.log10(v)));
  }

  private static void legend(StringBuilder sb, ProbeResult r) {
    int x = W - RIGHT + 20;
    int y = TOP + 10;
    for (int k = 0; k < r.networks().size(); k++) {
      NetworkResult n = r.networks().get(k);
      String c = COLORS[k % COLORS.length];
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>%n", x, y, x + 24, y, c));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 32, y + 4, escape(n.name())));
      String detail = n.nonFinite() != null ? "non-finite at layer " + n.nonFinite().layer()
          : "‖v_0‖ = " + ReportWriter.sci(n.growth());
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555555\">%s, "
          + "%s</text>%n", x + 32, y + 19, n.verdict(), detail));
      y += 40;
    }
    y += 4;
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"14\" fill=\"#888888\" "
        + "fill-opacity=\"0.25\"/>%n", x, y - 7));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">band: lower–upper bound from "
        + "</text>%n", x + 32, y + 4));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">σ_min, σ_max and g′ "
        + "(dotted edges)</text>%n", x + 32, y + 18));
    y += 34;
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555555\" "
        + "stroke-dasharray=\"6 4\"/>%n", x, y, x + 24, y));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">norm 1 (upstream)</text>%n",
        x + 32, y + 4));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
