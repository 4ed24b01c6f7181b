package gradkernel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.io.Json;
import gradkernel.probe.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Run r) {
    assertEquals(0, r.code(), r.err());
    return (Map<String, Object>) Json.parse(r.out());
  }

  @Test
  void jsonResultHasTheDocumentedShape() {
    Map<String, Object> m = json(run("train", "adding", "--T", "8", "--steps", "12", "--hidden",
        "8", "--batch", "8", "--format", "json", "--quiet"));
    for (String k : List.of("task", "cell", "T", "steps", "trainLoss", "testLoss", "trivialLoss",
        "testAccuracy", "solved", "maxGradNorm", "clippedSteps", "skippedSteps", "events",
        "eventCounts", "seconds")) {
      assertTrue(m.containsKey(k), "key " + k + " in " + m.keySet());
    }
    assertEquals("adding", m.get("task"));
    assertEquals("lstm", m.get("cell"));
    assertEquals(8L, m.get("T"));
    assertEquals(12L, m.get("steps"));
    assertNull(m.get("testAccuracy"), "regression has no accuracy");
    assertInstanceOf(Boolean.class, m.get("solved"));
    assertInstanceOf(List.class, m.get("events"));
    assertEquals(1.0, ((Number) m.get("clipNorm")).doubleValue());
    assertTrue(((Number) m.get("trivialLoss")).doubleValue() > 0);
    Map<String, Object> c = json(run("train", "temporal-order", "--classes", "8", "--T", "14",
        "--steps", "3", "--hidden", "4", "--batch", "4", "--cell", "gru", "--clip-norm", "none",
        "--optimizer", "rmsprop", "--format=json", "-q"));
    assertEquals(8L, c.get("classes"));
    assertNull(c.get("clipNorm"), "no clipping");
    assertEquals("rmsprop", c.get("optimizer"));
    assertEquals(1e-3, ((Number) c.get("lr")).doubleValue());
    double acc = ((Number) c.get("testAccuracy")).doubleValue();
    assertTrue(acc >= 0 && acc <= 1);
  }

  @Test
  void tableLogAndPlotAreWrittenAndProgressIsPlainLinesWhenPiped() throws Exception {
    Path log = dir.resolve("run.jsonl");
    Path svg = dir.resolve("run.svg");
    Run r = run("train", "copy", "--T", "9", "--steps", "25", "--hidden", "8", "--batch", "4",
        "--log", log.toString(), "--plot", svg.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("held-out accuracy"), r.out());
    assertTrue(r.out().contains("solved"), r.out());
    assertFalse(r.err().contains("\r"), "no carriage returns when not on a terminal");
    assertTrue(r.err().contains("step 25/25"), r.err());
    List<String> lines = Files.readAllLines(log);
    assertEquals(25, lines.size());
    for (int k = 0; k < lines.size(); k++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> line = (Map<String, Object>) Json.parse(lines.get(k));
      assertEquals((long) k, line.get("step"));
      assertTrue(line.containsKey("gradNorm") && line.containsKey("clip")
          && line.containsKey("events") && line.containsKey("hiddenGradNorm"), lines.get(k));
    }
    String plot = Files.readString(svg);
    assertTrue(plot.startsWith("<svg") && plot.endsWith("</svg>\n"));
    assertTrue(plot.contains("held-out loss") && plot.contains("clip threshold")
        && plot.contains("log10 ‖∂L/∂h_t‖"), "three panels");
  }

  @Test
  void usageErrorsExitTwoWithOneLineAndTheUsage() {
    String[][] bad = {
        {"train"},
        {"train", "sorting"},
        {"train", "adding", "copy"},
        {"train", "adding", "--cell", "transformer"},
        {"train", "adding", "--clip-norm", "-1"},
        {"train", "adding", "--lr", "0"},
        {"train", "adding", "--T", "1"},
        {"train", "adding", "--steps"},
        {"train", "adding", "--format", "csv"},
        {"train", "temporal-order", "--classes", "6"},
        {"train", "adding", "--frobnicate", "3"},
        {"experiment"},
        {"experiment", "hochreiter"},
        {"experiment", "pascanu", "--T", "100,50"},
    };
    for (String[] args : bad) {
      Run r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      List<String> lines = r.err().lines().toList();
      assertEquals(2, lines.size(), r.err());
      assertTrue(lines.get(0).startsWith("gradkernel: "), r.err());
      assertTrue(lines.get(1).startsWith("usage: gradkernel "), r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void unwritableLogIsAFailureWithOneLine() {
    Run r = run("train", "adding", "--T", "4", "--steps", "2", "--quiet", "--log",
        dir.resolve("missing/dir/run.jsonl").toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("gradkernel: cannot write the log to "), r.err());
  }

  @Test
  void unwritablePlotIsAFailureWithOneLine() {
    Run r = run("train", "adding", "--T", "4", "--steps", "2", "--quiet", "--plot",
        dir.resolve("missing/dir/run.svg").toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("gradkernel: cannot write the plot to "), r.err());
  }

  @Test
  void fullGridEstimateComesFromACalibrationRun() throws Exception {
    Experiment.Options o = Experiment.parse(List.of("pascanu", "--T", "4,8", "--seeds", "2",
        "--steps", "50", "--hidden", "4", "--batch", "4"));
    List<TrainConfig> grid = Experiment.grid(o);
    assertEquals(2 * 4 * 2, grid.size());
    assertEquals("rnn", grid.get(0).cell());
    assertFalse(grid.get(0).clips(), "the first cell is the unclipped tanh RNN");
    assertTrue(grid.get(2).clips());
    double seconds = Experiment.estimate(o, grid);
    assertTrue(seconds > 0 && seconds < 600, "estimate " + seconds + " s");
  }

  @Test
  void helpIsPrinted() {
    Run r = run("train", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--clip-norm X|none"));
    assertEquals(r.out(), run("help", "train").out());
    Run e = run("experiment", "--help");
    assertEquals(0, e.code());
    assertTrue(e.out().contains("--quick"));
    assertTrue(run("--help").out().contains("experiment"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void tinyPascanuGridPrintsRatesAndWritesThePlot() throws Exception {
    Path svg = dir.resolve("grid.svg");
    Map<String, Object> m = json(run("experiment", "pascanu", "--T", "4,6", "--seeds", "2",
        "--steps", "5", "--hidden", "4", "--batch", "4", "--threads", "2", "--format", "json",
        "--quiet", "--plot", svg.toString()));
    assertEquals(List.of(4L, 6L), m.get("T"));
    Map<String, Object> rates = (Map<String, Object>) m.get("successRate");
    assertEquals(List.of("tanh RNN", "tanh RNN + clip", "LSTM + clip", "GRU + clip"),
        List.copyOf(rates.keySet()));
    for (Object row : rates.values()) {
      assertEquals(2, ((List<Object>) row).size());
    }
    List<Object> runs = (List<Object>) m.get("runs");
    assertEquals(2 * 4 * 2, runs.size());
    Map<String, Object> first = (Map<String, Object>) runs.get(0);
    assertEquals("tanh RNN", first.get("cell"));
    assertEquals(4L, first.get("T"));
    assertTrue(Files.readString(svg).contains("Success rate against sequence length T"));
    Run table = run("experiment", "pascanu", "--T", "4", "--seeds", "1", "--steps", "3",
        "--hidden", "4", "--batch", "4", "--quiet");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("GRU + clip"), table.out());
    assertTrue(table.out().contains("0/1") || table.out().contains("1/1"), table.out());
  }
}
