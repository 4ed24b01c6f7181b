package gradkernel.train;

import java.util.List;
import java.util.Locale;

/** Small SVG drawing helpers for the training plots (no dependency). */
final class Svg {
  private Svg() {}

  /** Opens the document: svg element, title, white background. */
  static void header(StringBuilder sb, int w, int h, String title) {
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, "
        + "sans-serif\" font-size=\"12\">%n", w, h, w, h));
    sb.append("<title>").append(escape(title)).append("</title>\n");
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w,
        h));
  }

  /**
   * A panel in pixels (x, y, w, h) with data x range [x0, x1] and y range [y0, y1] (log10 units
   * when {@link #log}).
   */
  static final class Frame {
    private final int x;
    private final int y;
    private final int w;
    private final int h;
    private final double x0;
    private final double x1;
    private double y0 = 0;
    private double y1 = 1;
    private boolean log;

    Frame(int x, int y, int w, int h, double x0, double x1) {
      this.x = x;
      this.y = y;
      this.w = w;
      this.h = h;
      this.x0 = x0;
      this.x1 = x1 > x0 ? x1 : x0 + 1;
    }

    int x() {
      return x;
    }

    int y() {
      return y;
    }

    int w() {
      return w;
    }

    /** A linear y range. */
    Frame linear(double lo, double hi) {
      log = false;
      y0 = lo;
      y1 = hi > lo ? hi : lo + 1;
      return this;
    }

    /** A log10 y range covering the positive finite values, widened to whole decades. */
    Frame logRange(double[]... series) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] s : series) {
        for (double v : s) {
          if (v > 0 && Double.isFinite(v)) {
            lo = Math.min(lo, Math.log10(v));
            hi = Math.max(hi, Math.log10(v));
          }
        }
      }
      if (!(hi >= lo)) {
        lo = -1;
        hi = 1;
      }
      log = true;
      y0 = Math.floor(lo);
      y1 = Math.max(y0 + 1, Math.ceil(hi));
      return this;
    }

    double px(double v) {
      return x + (v - x0) / (x1 - x0) * w;
    }

    /** Pixel y of a value, clamped to the frame (on a log axis, values ≤ 0 at the bottom). */
    double py(double v) {
      double u = log ? (v > 0 ? Math.log10(v) : y0) : v;
      double c = Math.max(y0, Math.min(y1, u));
      return y + h - (c - y0) / (y1 - y0) * h;
    }
  }

  /** Frame, tick labels (decades on a log axis, 5 steps on a linear one), axis titles. */
  static void axes(StringBuilder sb, Frame f, String xTitle, String yTitle) {
    double[] xTicks = new double[6];
    for (int i = 0; i <= 5; i++) {
      xTicks[i] = f.x0 + (f.x1 - f.x0) * i / 5;
    }
    axes(sb, f, xTitle, yTitle, xTicks);
  }

  /** {@link #axes(StringBuilder, Frame, String, String)} with the x tick labels at xTicks. */
  static void axes(StringBuilder sb, Frame f, String xTitle, String yTitle, double[] xTicks) {
    frameBox(sb, f.x, f.y, f.w, f.h);
    if (f.log) {
      int step = (int) Math.max(1, Math.ceil((f.y1 - f.y0) / 8));
      for (double d = f.y0; d <= f.y1 + 1e-9; d += step) {
        double py = f.py(Math.pow(10, d));
        grid(sb, f, py);
        text(sb, f.x - 6, py + 4, 11, "normal", "end", "#000", "1e" + (int) d);
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        double v = f.y0 + (f.y1 - f.y0) * i / 5;
        double py = f.py(v);
        grid(sb, f, py);
        text(sb, f.x - 6, py + 4, 11, "normal", "end", "#000", ProgressLine.num(v));
      }
    }
    for (double v : xTicks) {
      text(sb, f.px(v), f.y + f.h + 16, 11, "normal", "middle", "#000",
          Long.toString(Math.round(v)));
    }
    text(sb, f.x + f.w / 2.0, f.y + f.h + 34, 13, "normal", "middle", "#000", xTitle);
    sb.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"0\" font-size=\"13\" "
        + "text-anchor=\"middle\" transform=\"translate(%d %.1f) rotate(-90)\">%s</text>%n",
        f.x - 58, f.y + f.h / 2.0, escape(yTitle)));
  }

  private static void grid(StringBuilder sb, Frame f, double py) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
        + "stroke=\"#e0e0e0\"/>%n", f.x, py, f.x + f.w, py));
  }

  /** A rectangle outline. */
  static void frameBox(StringBuilder sb, double x, double y, double w, double h) {
    sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
        + "height=\"%.1f\" fill=\"none\" stroke=\"#000\"/>%n", x, y, w, h));
  }

  /**
   * A line through (xs[i], ys[i]) (xs null: x = i); non-finite or, on a log axis, non-positive
   * values break the line. Points are drawn as circles when width ≥ 2.
   */
  static void polyline(StringBuilder sb, Frame f, double[] xs, double[] ys, String color,
      double width, double opacity) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < ys.length; i++) {
      double v = ys[i];
      if (!Double.isFinite(v) || f.log && v <= 0) {
        pen = false;
        continue;
      }
      double px = f.px(xs == null ? i : xs[i]);
      double py = f.py(v);
      d.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f %.1f ", px, py));
      pen = true;
      if (width >= 2) {
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
            + "fill=\"%s\"/>%n", px, py, width + 1, color));
      }
    }
    if (d.length() > 0) {
      sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"%.1f\" stroke-opacity=\"%.2f\"/>%n", d.toString().trim(), color, width,
          opacity));
    }
  }

  /** A dashed horizontal line at value v. */
  static void hline(StringBuilder sb, Frame f, double v, String color, String label) {
    if (!Double.isFinite(v) || f.log && v <= 0) {
      return;
    }
    double py = f.py(v);
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
        + "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>%s</title></line>%n",
        f.x, py, f.x + f.w, py, color, escape(label)));
  }

  /** A vertical legend of coloured squares and labels. */
  static void legend(StringBuilder sb, int x, int y, List<String> labels, List<String> colors) {
    for (int i = 0; i < labels.size(); i++) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
          + "fill=\"%s\"/>%n", x, y + 20 * i, colors.get(i)));
      text(sb, x + 18, y + 20 * i + 10, 12, "normal", "start", "#000", escape(labels.get(i)));
    }
  }

  /** A text element; {@code s} must already be escaped. */
  static void text(StringBuilder sb, double x, double y, int size, String weight, String anchor,
      String color, String s) {
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
        + "font-weight=\"%s\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n", x, y, size, weight,
        anchor, color, s));
  }

  /** XML-escapes &amp;, &lt;, &gt; and quotes. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140},
      {94, 201, 98}, {253, 231, 37}};

  /** Viridis-like colour of u in [0, 1] (clamped), as #rrggbb. */
  static String viridis(double u) {
    double c = Math.max(0, Math.min(1, u)) * (VIRIDIS.length - 1);
    int i = Math.min(VIRIDIS.length - 2, (int) c);
    double f = c - i;
    int[] a = VIRIDIS[i];
    int[] b = VIRIDIS[i + 1];
    return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(a[0] + f * (b[0] - a[0])),
        Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2])));
  }
}
