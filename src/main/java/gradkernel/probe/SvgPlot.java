package gradkernel.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A standalone SVG chart of gradient norm per layer on a log scale. The x axis counts the layers
 * (time steps) the gradient has crossed backward from the output, so every network starts at its
 * upstream norm on the left. One network: one panel with its line and its lower–upper bound band.
 * Several networks: an overview panel with one line per network and a legend with each verdict,
 * then one small panel per network with its band — bands of different networks overlap too much
 * to read in one panel. Bounds far outside the measured norms are cut at the panel's frame.
 */
final class SvgPlot {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  private static final int W = 1000;
  private static final int OVERVIEW_H = 480;
  private static final int SMALL_H = 260;
  private static final int SMALL_COLS = 3;
  /** How many decades a bound may reach beyond the measured norms before the frame cuts it. */
  private static final double BOUND_MARGIN = 4;

  private SvgPlot() {}

  /** The SVG document for {@code r}. */
  static String render(ProbeResult r) {
    List<NetworkResult> nets = r.networks();
    boolean single = nets.size() == 1;
    int smallRows = single ? 0 : (nets.size() + SMALL_COLS - 1) / SMALL_COLS;
    int height = 40 + OVERVIEW_H + smallRows * SMALL_H + (single ? 0 : 30);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">%n",
        W, height, W, height));
    sb.append("<title>gradkernel probe: gradient norm per layer</title>\n");
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, height));
    text(sb, 90, 28, 17, "bold", "start", "#000000",
        "Gradient norm per layer, backward from the output (‖v_L‖ = 1, log scale)");
    Box overview = new Box(90, 50, W - 90 - 300, OVERVIEW_H - 110);
    panel(sb, overview, nets, 0, single, 13, "overview");
    legend(sb, overview.x + overview.w + 20, overview.y + 10, nets, single);
    text(sb, overview.x + overview.w / 2, overview.y + overview.h + 44, 13, "normal", "middle", "#000000",
        "layers (time steps for RNNs) crossed backward from the output");
    text(sb, 0, 0, 13, "normal", "middle", "#000000", "‖gradient at layer input‖₂", "translate(24 "
        + (overview.y + overview.h / 2) + ") rotate(-90)");
    if (!single) {
      int top = 40 + OVERVIEW_H;
      text(sb, 90, top, 14, "bold", "start", "#000000",
          "Each network with its bound band (lower bound from σ_min·inf|g′|, upper from σ_max·sup|g′|)");
      int cellW = (W - 40) / SMALL_COLS;
      for (int k = 0; k < nets.size(); k++) {
        int col = k % SMALL_COLS;
        int row = k / SMALL_COLS;
        Box b = new Box(20 + col * cellW + 55, top + 30 + row * SMALL_H, cellW - 75, SMALL_H - 75);
        panel(sb, b, List.of(nets.get(k)), k, true, 11, "p" + k);
        text(sb, b.x + b.w / 2, b.y - 8, 12, "bold", "middle", color(k), escape(nets.get(k).name()) + " · "
            + nets.get(k).verdict());
      }
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** A panel's frame in pixels. */
  private record Box(int x, int y, int w, int h) {}

  /** Maps (layers crossed, log10 norm) to pixels inside a box. */
  private record Frame(Box b, double x1, double y0, double y1) {
    double px(double x) {
      return b.x + x / x1 * b.w;
    }

    double py(double log10) {
      double c = Math.max(y0 - (y1 - y0), Math.min(y1 + (y1 - y0), log10));
      return b.y + b.h - (c - y0) / (y1 - y0) * b.h;
    }
  }

  private static String color(int k) {
    return COLORS[k % COLORS.length];
  }

  /** Draws axes, ticks, the norm-1 line, optional bands and one line per network. */
  private static void panel(StringBuilder sb, Box b, List<NetworkResult> nets, int firstColor, boolean bands,
      int font, String id) {
    double lo = 0;
    double hi = 0;
    int maxX = 1;
    for (NetworkResult n : nets) {
      maxX = Math.max(maxX, n.layers().size());
      for (LayerStat s : n.layers()) {
        if (s.gradNorm() > 0 && Double.isFinite(s.gradNorm())) {
          lo = Math.min(lo, Math.log10(s.gradNorm()));
          hi = Math.max(hi, Math.log10(s.gradNorm()));
        }
      }
    }
    if (bands) {
      double dataLo = lo;
      double dataHi = hi;
      for (NetworkResult n : nets) {
        for (LayerStat s : n.layers()) {
          if (!Double.isNaN(s.log10LowerBound())) {
            lo = Math.min(lo, Math.max(s.log10LowerBound(), dataLo - BOUND_MARGIN));
          }
          if (!Double.isNaN(s.log10UpperBound())) {
            hi = Math.max(hi, Math.min(s.log10UpperBound(), dataHi + BOUND_MARGIN));
          }
        }
      }
    }
    Frame f = new Frame(b, maxX, Math.floor(lo - 0.05), Math.ceil(hi + 0.05));
    axes(sb, f, maxX, font);
    sb.append(String.format(Locale.ROOT, "<clipPath id=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
        + "</clipPath>%n<g clip-path=\"url(#%s)\">%n", id, b.x, b.y, b.w, b.h, id));
    if (bands) {
      for (int k = 0; k < nets.size(); k++) {
        band(sb, f, nets.get(k), color(firstColor + k));
      }
    }
    for (int k = 0; k < nets.size(); k++) {
      line(sb, f, nets.get(k), color(firstColor + k));
    }
    sb.append("</g>\n");
  }

  private static void axes(StringBuilder sb, Frame f, int maxX, int font) {
    Box b = f.b();
    int decades = (int) Math.round(f.y1 - f.y0);
    int maxLabels = Math.max(3, b.h / (2 * font));
    int step = 1;
    for (int s : new int[] {1, 2, 5, 10, 20, 50, 100}) {
      step = s;
      if (decades / s <= maxLabels) {
        break;
      }
    }
    for (int e = (int) f.y0; e <= f.y1; e++) {
      boolean labelled = Math.floorMod(e, step) == 0;
      if (!labelled && decades > 3 * maxLabels) {
        continue;
      }
      double y = f.py(e);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
          b.x, y, b.x + b.w, y, labelled ? "#dddddd" : "#f3f3f3"));
      if (labelled) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%d\">10"
            + "<tspan dy=\"-%d\" font-size=\"%d\">%d</tspan></text>%n", b.x - 6, y + font / 3.0, font,
            font / 2, font * 3 / 4, e));
      }
    }
    double xStep = niceStep(maxX / (b.w > 400 ? 10.0 : 5.0));
    for (double x = 0; x <= maxX + 1e-9; x += xStep) {
      double px = f.px(x);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>%n",
          px, b.y, px, b.y + b.h));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>%n",
          px, b.y + b.h, px, b.y + b.h + 4));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\">%d"
          + "</text>%n", px, b.y + b.h + 6 + font, font, Math.round(x)));
    }
    if (f.y0 <= 0 && f.y1 >= 0) {
      double y = f.py(0);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555555\" "
          + "stroke-dasharray=\"6 4\"/>%n", b.x, y, b.x + b.w, y));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"black\"/>%n", b.x, b.y, b.w, b.h));
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
    double top = Math.log10(upstream(n));
    upper.add(new double[] {f.px(0), f.py(top)});
    lower.add(new double[] {f.px(0), f.py(top)});
    for (int i = n.layers().size() - 1; i >= 0; i--) {
      LayerStat s = n.layers().get(i);
      if (!Double.isNaN(s.log10UpperBound()) && !Double.isNaN(s.log10LowerBound())) {
        double x = f.px(crossed(n, s));
        upper.add(new double[] {x, f.py(s.log10UpperBound())});
        lower.add(new double[] {x, f.py(s.log10LowerBound())});
      } else {
        break; // the band ends where a bound stops being defined
      }
    }
    if (upper.size() >= 2) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : upper) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
      }
      for (int i = lower.size() - 1; i >= 0; i--) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", lower.get(i)[0], lower.get(i)[1]));
      }
      sb.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"none\"/>%n",
          pts.toString().strip(), color));
    }
    for (boolean up : new boolean[] {true, false}) {
      String d = path(f, n, s -> up ? s.log10UpperBound() : s.log10LowerBound(), true);
      if (d.contains("L")) {
        sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1\" "
            + "stroke-dasharray=\"2 3\"/>%n", d, color));
      }
    }
  }

  private static void line(StringBuilder sb, Frame f, NetworkResult n, String color) {
    String d = path(f, n, s -> s.gradNorm() > 0 ? Math.log10(s.gradNorm()) : Double.NaN, false);
    if (d.contains("L")) {
      sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
          + "stroke-linejoin=\"round\"/>%n", d, color));
    }
    if (n.nonFinite() != null) {
      // Marks where the gradient stopped being finite, at the top edge of the frame.
      double x = f.px(n.layers().size() - n.nonFinite().layer());
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"16\" "
          + "font-weight=\"bold\" text-anchor=\"middle\">×</text>%n", x, f.b().y + 16, color));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\">%s</text>%n",
          x + 8, f.b().y + 14, color, n.nonFinite().value()));
    }
  }

  /** Layers the gradient has crossed when it reaches the input of row {@code s}'s layer. */
  private static int crossed(NetworkResult n, LayerStat s) {
    return n.layers().size() - s.index();
  }

  /** ‖v_L‖, recovered from the output-side row: its gradNorm over its gain. */
  private static double upstream(NetworkResult n) {
    LayerStat top = n.layers().get(n.layers().size() - 1);
    double u = top.gradNorm() / top.gain();
    return u > 0 && Double.isFinite(u) ? u : 1;
  }

  /**
   * A polyline of log10 values from the output (x = 0, the upstream norm), broken where a value is
   * NaN; infinite log values (overflowed or underflowed bounds) are drawn at the frame's edge when
   * {@code clampInfinite}.
   */
  private static String path(Frame f, NetworkResult n, ToDoubleFunction<LayerStat> log10, boolean clampInfinite) {
    StringBuilder d = new StringBuilder();
    d.append(String.format(Locale.ROOT, "M%.1f %.1f ", f.px(0), f.py(Math.log10(upstream(n)))));
    boolean pen = true;
    for (int i = n.layers().size() - 1; i >= 0; i--) {
      LayerStat s = n.layers().get(i);
      double y = log10.applyAsDouble(s);
      if (Double.isFinite(y) || clampInfinite && Double.isInfinite(y)) {
        d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", f.px(crossed(n, s)), f.py(y)));
        pen = true;
      } else {
        pen = false;
      }
    }
    return d.toString().strip();
  }

  private static void legend(StringBuilder sb, int x, int y, List<NetworkResult> nets, boolean single) {
    for (int k = 0; k < nets.size(); k++) {
      NetworkResult n = nets.get(k);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>%n", x, y, x + 24, y, color(k)));
      text(sb, x + 32, y + 4, 13, "normal", "start", "#000000", escape(n.name()));
      String detail = n.nonFinite() != null ? "non-finite at layer " + n.nonFinite().layer()
          : "‖v_0‖ = " + ReportWriter.sci(n.growth());
      text(sb, x + 32, y + 19, 11, "normal", "start", "#555555", n.verdict() + ", " + detail);
      y += 40;
    }
    y += 4;
    if (single) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"14\" fill=\"%s\" "
          + "fill-opacity=\"0.15\"/>%n", x, y - 7, color(0)));
      text(sb, x + 32, y + 4, 11, "normal", "start", "#000000", "band: lower–upper bound (dotted)");
      y += 24;
    }
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555555\" "
        + "stroke-dasharray=\"6 4\"/>%n", x, y, x + 24, y));
    text(sb, x + 32, y + 4, 11, "normal", "start", "#000000", "norm 1 (upstream)");
  }

  private static void text(StringBuilder sb, double x, double y, int size, String weight, String anchor,
      String fill, String content) {
    text(sb, x, y, size, weight, anchor, fill, content, null);
  }

  private static void text(StringBuilder sb, double x, double y, int size, String weight, String anchor,
      String fill, String content, String transform) {
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" "
        + "text-anchor=\"%s\" fill=\"%s\"%s>%s</text>%n", x, y, size, weight, anchor, fill,
        transform == null ? "" : " transform=\"" + transform + "\"", content));
  }

  /** Markup-escaped, with the characters XML 1.0 forbids (most C0 controls) written out as text. */
  private static String escape(String s) {
    return Text.xml(s);
  }
}
