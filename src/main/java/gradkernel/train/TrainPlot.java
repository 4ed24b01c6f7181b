package gradkernel.train;

import java.util.List;
import java.util.Locale;

/**
 * A standalone SVG of one training run: (1) training loss per step, held-out loss at each
 * evaluation and the trivial predictor's loss, (2) the global gradient norm before clipping with
 * the clip threshold, both on log scales, and (3) a heat map of log10‖∂L/∂h_t‖ with time steps t
 * on the vertical axis and training steps on the horizontal one: a gradient that vanishes
 * backward in time shows as a dark band at small t, one that explodes as a bright one.
 */
final class TrainPlot {
  private static final int W = 1000;
  private static final int LEFT = 90;
  private static final int PANEL_W = 760;
  private static final int PANEL_H = 220;

  private TrainPlot() {}

  /** The SVG document of a run. */
  static String render(TrainResult r, Trainer.History h) {
    int height = 3 * (PANEL_H + 70) + 60;
    StringBuilder sb = new StringBuilder();
    Svg.header(sb, W, height, "gradkernel train: " + TrainCli.describe(r.config()));
    Svg.text(sb, LEFT, 28, 16, "bold", "start", "#000", "gradkernel train: "
        + Svg.escape(TrainCli.describe(r.config())) + ", seed " + r.config().seed());
    int n = h.steps();
    // panel 1: losses
    Svg.Frame f1 = new Svg.Frame(LEFT, 60, PANEL_W, PANEL_H, 0, Math.max(1, n - 1));
    double[] loss = new double[n];
    for (int k = 0; k < n; k++) {
      loss[k] = h.loss(k);
    }
    double[] testX = new double[h.tests()];
    double[] test = new double[h.tests()];
    for (int i = 0; i < h.tests(); i++) {
      testX[i] = h.testStep(i);
      test[i] = h.testLoss(i);
    }
    f1.logRange(loss, test, new double[] {r.trivialLoss()});
    Svg.axes(sb, f1, "training step", "loss (log)");
    Svg.polyline(sb, f1, null, loss, "#1f77b4", 1, 0.6);
    Svg.polyline(sb, f1, testX, test, "#d62728", 2, 1);
    Svg.hline(sb, f1, r.trivialLoss(), "#7f7f7f", "trivial predictor");
    Svg.legend(sb, f1.x() + f1.w() + 12, f1.y() + 10, List.of("training loss", "held-out loss",
        "trivial predictor"), List.of("#1f77b4", "#d62728", "#7f7f7f"));
    // panel 2: gradient norm
    Svg.Frame f2 = new Svg.Frame(LEFT, 60 + PANEL_H + 70, PANEL_W, PANEL_H, 0, Math.max(1, n - 1));
    double[] norm = new double[n];
    for (int k = 0; k < n; k++) {
      norm[k] = h.gradNorm(k);
    }
    double clip = r.config().clips() ? r.config().clipNorm() : Double.NaN;
    f2.logRange(norm, new double[] {clip});
    Svg.axes(sb, f2, "training step", "global gradient norm (log)");
    Svg.polyline(sb, f2, null, norm, "#2ca02c", 1, 0.8);
    if (!Double.isNaN(clip)) {
      Svg.hline(sb, f2, clip, "#ff7f0e", "clip threshold");
    }
    Svg.legend(sb, f2.x() + f2.w() + 12, f2.y() + 10, Double.isNaN(clip)
        ? List.of("gradient norm", "(no clipping)") : List.of("gradient norm", "clip threshold"),
        List.of("#2ca02c", Double.isNaN(clip) ? "#ffffff" : "#ff7f0e"));
    // panel 3: heat map
    int top = 60 + 2 * (PANEL_H + 70);
    heat(sb, h, top);
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void heat(StringBuilder sb, Trainer.History h, int top) {
    int cols = h.heatColumns();
    int t = cols == 0 ? 0 : h.heatRows();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < cols; c++) {
      for (int j = 0; j < t; j++) {
        double v = h.heat(c, j);
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(hi >= lo)) {
      lo = -1;
      hi = 0;
    } else if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    Svg.text(sb, LEFT, top - 10, 13, "bold", "start", "#000",
        "log10 ‖∂L/∂h_t‖ over time steps t (vertical) × training steps (horizontal)");
    double cw = (double) PANEL_W / Math.max(1, cols);
    double rh = (double) PANEL_H / Math.max(1, t);
    for (int c = 0; c < cols; c++) {
      for (int j = 0; j < t; j++) {
        double v = h.heat(c, j);
        String color = Double.isFinite(v) ? Svg.viridis((v - lo) / (hi - lo)) : "#ff00ff";
        sb.append(String.format(Locale.ROOT,
            "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>%n",
            LEFT + c * cw, top + PANEL_H - (j + 1) * rh, cw + 0.3, rh + 0.3, color));
      }
    }
    Svg.frameBox(sb, LEFT, top, PANEL_W, PANEL_H);
    int lastStep = Math.max(0, (cols - 1) * h.heatEvery());
    Svg.text(sb, LEFT, top + PANEL_H + 16, 11, "normal", "start", "#000", "0");
    Svg.text(sb, LEFT + PANEL_W, top + PANEL_H + 16, 11, "normal", "end", "#000",
        Integer.toString(lastStep));
    Svg.text(sb, LEFT + PANEL_W / 2.0, top + PANEL_H + 32, 13, "normal", "middle", "#000",
        "training step");
    Svg.text(sb, LEFT - 6, top + PANEL_H, 11, "normal", "end", "#000", "t = 0");
    Svg.text(sb, LEFT - 6, top + 10, 11, "normal", "end", "#000", "t = " + Math.max(0, t - 1));
    // colour bar
    int bx = LEFT + PANEL_W + 20;
    for (int i = 0; i < 50; i++) {
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%.2f\" width=\"18\" height=\"%.2f\" fill=\"%s\"/>%n", bx,
          top + PANEL_H - (i + 1) * PANEL_H / 50.0, PANEL_H / 50.0 + 0.3, Svg.viridis(i / 49.0)));
    }
    Svg.text(sb, bx + 24, top + 10, 11, "normal", "start", "#000", ProgressLine.num(hi));
    Svg.text(sb, bx + 24, top + PANEL_H, 11, "normal", "start", "#000", ProgressLine.num(lo));
  }

}
