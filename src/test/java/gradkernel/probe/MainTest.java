package gradkernel.probe;

import gradkernel.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one run. */
  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> onlyNetwork(Run r) {
    assertEquals(0, r.code(), r.err());
    Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
    List<Object> nets = (List<Object>) doc.get("networks");
    assertEquals(1, nets.size());
    return (Map<String, Object>) nets.get(0);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> layers(Map<String, Object> net) {
    return (List<Map<String, Object>>) (List<?>) net.get("layers");
  }

  static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void nonUniformNetworkReportsPerLayerWidthsAndNoCommonWidth(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    TestFiles.write(dir, "a.npy", TestFiles.npy(new int[] {3, 5}, TestFiles.ramp(15, 0.1)));
    TestFiles.write(dir, "b.npy", TestFiles.npy(new int[] {2, 3}, TestFiles.ramp(6, 0.1)));
    Map<String, Object> net = onlyNetwork(run("probe", "--weights", dir.resolve("*.npy").toString(),
        "--activation", "tanh,identity", "--format", "json"));
    assertNull(net.get("width"), "no single width for 5 -> 3 -> 2");
    List<Map<String, Object>> ls = layers(net);
    assertEquals(List.of(5L, 3L), ls.stream().map(l -> l.get("in")).toList());
    assertEquals(List.of(3L, 2L), ls.stream().map(l -> l.get("out")).toList());
    assertEquals("tanh,identity", net.get("activation"));
  }

  @Test
  void perLayerActivationListIsUsedAndIndicesAreZeroBased() {
    Map<String, Object> net = onlyNetwork(run("probe", "--activation", "identity,identity,relu",
        "--init", "orthogonal", "--depth", "3", "--width", "8", "--format", "json"));
    assertEquals("identity,identity,relu", net.get("activation"));
    List<Map<String, Object>> ls = layers(net);
    assertEquals(List.of(0L, 1L, 2L), ls.stream().map(l -> l.get("index")).toList());
    // Orthogonal identity layers have gain exactly 1; the ReLU layer (index 2) halves a random
    // gradient's norm roughly, so its gain is well below 1.
    assertEquals(1, num(ls.get(0).get("gain")), 1e-5);
    assertEquals(1, num(ls.get(1).get("gain")), 1e-5);
    assertTrue(num(ls.get(2).get("gain")) < 0.95, "relu layer gain " + ls.get(2).get("gain"));
    Run bad = run("probe", "--activation", "tanh,relu", "--depth", "3");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("2 activations given for 3 layers"), bad.err());
    assertEquals(2, run("probe", "--activation", "tanh,nosuch").code());
  }

  @Test
  void orthogonalIdentityChainHasGainOneEverywhereAndIsStable() {
    Map<String, Object> net = onlyNetwork(run("probe", "--activation", "identity", "--init", "orthogonal",
        "--depth", "30", "--width", "48", "--batch", "4", "--format", "json"));
    assertEquals("STABLE", net.get("verdict"));
    assertNull(net.get("nonFinite"));
    assertEquals(30, layers(net).size());
    for (Map<String, Object> l : layers(net)) {
      assertEquals(1, num(l.get("gain")), 1e-5, "layer " + l.get("index"));
      assertEquals(1, num(l.get("gradNorm")), 1e-4, "layer " + l.get("index"));
      assertEquals(1, num(l.get("spectralNorm")), 1e-4, "layer " + l.get("index"));
      assertTrue(num(l.get("upperBound")) >= num(l.get("gradNorm")) * (1 - 1e-5));
    }
    assertEquals(1, num(net.get("growth")), 1e-4);
    Map<String, Object> last = layers(net).get(0);
    assertEquals(0, num(last.get("log10UpperBound")), 1e-4, "isometry: the bounds are tight");
    assertEquals(0, num(last.get("log10LowerBound")), 1e-4, "isometry: the bounds are tight");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyMeasuredNormLiesWithinItsBounds() {
    Run r = run("probe", "--format", "json", "--quiet");
    List<Map<String, Object>> nets = (List<Map<String, Object>>) ((Map<?, ?>) Json.parse(r.out())).get("networks");
    int lowerChecked = 0;
    for (Map<String, Object> net : nets) {
      for (Map<String, Object> l : layers(net)) {
        double g = Math.log10(num(l.get("gradNorm")));
        String where = net.get("name") + " layer " + l.get("index");
        // Slack: float rounding over up to 100 layers and the power-iteration tolerance.
        assertTrue(g <= num(l.get("log10UpperBound")) + 1e-4, where);
        if (l.get("log10LowerBound") != null) {
          assertTrue(g >= num(l.get("log10LowerBound")) - 1e-4, where);
          lowerChecked++;
        }
      }
    }
    assertTrue(lowerChecked > 100, "lower bounds defined for the square non-residual networks");
  }

  @Test
  void scaledOrthogonalChainHasGainCAndItsVerdict() {
    for (double c : new double[] {2.0, 0.5}) {
      Map<String, Object> net = onlyNetwork(run("probe", "--activation", "identity", "--init", "orthogonal",
          "--gain", Double.toString(c), "--depth", "12", "--width", "40", "--format", "json"));
      for (Map<String, Object> l : layers(net)) {
        assertEquals(c, num(l.get("gain")), 1e-5 * c, "c=" + c + " layer " + l.get("index"));
        assertEquals(c, num(l.get("spectralNorm")), 1e-4 * c);
      }
      assertEquals(Math.pow(c, 12), num(net.get("growth")), 1e-4 * Math.pow(c, 12));
      assertEquals(c > 1 ? "EXPLODING" : "VANISHING", net.get("verdict"));
    }
  }

  @Test
  void linearRnnGrowsLikeRhoPerStep() {
    Map<String, Object> net = onlyNetwork(run("probe", "--rnn-steps", "60", "--activation", "identity",
        "--init", "orthogonal", "--gain", "1.25", "--width", "16", "--format", "json"));
    assertEquals("rnn", net.get("kind"));
    assertEquals(60, layers(net).size());
    for (Map<String, Object> l : layers(net)) {
      assertEquals(1.25, num(l.get("gain")), 1e-5);
    }
    assertEquals("EXPLODING", net.get("verdict"));
  }

  @Test
  void loadedWeightsGoThroughTheSameProbe() throws Exception {
    int n = 6;
    double c = 3;
    for (int l = 0; l < 8; l++) {
      double[] w = new double[n * n];
      for (int i = 0; i < n; i++) {
        w[i * n + (i + l + 1) % n] = (i % 2 == 0 ? c : -c); // c times a signed permutation
      }
      TestFiles.write(dir, "layer" + l + ".npy", TestFiles.npy(1, "<f8", false, new int[] {n, n}, w));
    }
    Map<String, Object> net = onlyNetwork(run("probe", "--weights", dir.resolve("layer*.npy").toString(),
        "--activation", "identity", "--format", "json", "--clip-norm", "1"));
    assertEquals(8, layers(net).size());
    for (Map<String, Object> l : layers(net)) {
      assertEquals(c, num(l.get("gain")), 1e-5 * c);
    }
    assertEquals("EXPLODING", net.get("verdict"));
    double global = num(net.get("globalNorm"));
    // Clip.clipCoefficient: maxNorm/norm shaded down by 2⁻²² (and rounded to float) so the clipped
    // norm never exceeds the limit; the probe reports the library's coefficient.
    double coef = num(net.get("clipCoefficient"));
    assertTrue(coef <= 1 / global && coef >= (1 / global) * (1 - 0x1p-21), coef + " vs " + 1 / global);
    double clipped = num(net.get("clippedNorm"));
    assertTrue(clipped <= 1 && clipped >= 1 - 0x1p-21, "clipped norm " + clipped);
  }

  @Test
  void defaultSuiteTellsTheStoryInJsonCsvAndTable() throws Exception {
    Path svg = dir.resolve("plot.svg");
    Run json = run("probe", "--format", "json", "--quiet", "--plot", svg.toString());
    assertEquals(0, json.code(), json.err());
    assertEquals("", json.err(), "--quiet silences progress");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nets = (List<Map<String, Object>>) ((Map<?, ?>) Json.parse(json.out()))
        .get("networks");
    assertTrue(nets.size() >= 6, "suite size " + nets.size());
    List<Object> verdicts = nets.stream().map(m -> m.get("verdict")).toList();
    assertTrue(verdicts.containsAll(List.of("EXPLODING", "VANISHING", "STABLE")), verdicts.toString());
    for (Map<String, Object> net : nets) {
      assertEquals(1.0, num(net.get("clipNorm")));
      assertTrue(num(net.get("clippedNorm")) <= 1 + 1e-9);
    }
    String svgText = Files.readString(svg);
    assertEquals("svg", SvgPlotTest.rootOfWellFormed(svgText));
    assertEquals(2 * nets.size(), svgText.split("<path ", -1).length - 1 - countBoundPaths(svgText),
        "one gradient line per network in the overview and in its own panel");

    Run csv = run("probe", "--format", "csv", "--quiet");
    List<String> lines = csv.out().lines().toList();
    assertEquals(ReportWriter.CSV_HEADER, lines.get(0));
    int rows = nets.stream().mapToInt(m -> layers(m).size()).sum();
    assertEquals(rows + 1, lines.size());
    assertEquals(ReportWriter.CSV_HEADER.split(",").length, lines.get(1).split(",", -1).length);

    Run table = run("probe", "--quiet");
    assertEquals(0, table.code());
    for (Map<String, Object> net : nets) {
      assertTrue(table.out().contains((String) net.get("name")), net.get("name") + " in the table");
    }
  }

  private static int countBoundPaths(String svg) {
    return svg.split("stroke-dasharray=\"2 3\"", -1).length - 1;
  }

  @Test
  void badUsageIsOneLinePlusUsageAndExitTwo() {
    String[][] cases = {{}, {"frobnicate"}, {"probe", "--bogus"}, {"probe", "--depth", "abc"},
        {"probe", "--depth", "0"}, {"probe", "--depth"}, {"probe", "--format", "xml"},
        {"probe", "--gain", "-1"}, {"probe", "--gain", "NaN"}, {"probe", "--clip-norm", "Infinity"},
        {"probe", "--activation", "sigmoidish"}, {"probe", "--init", "magic"}, {"probe", "extra"},
        {"probe", "--select", "("}, {"probe", "--select", "w.*"}, {"probe", "--residual=yes"},
        {"probe", "--residual", "--rnn-steps", "5"}, {"probe", "--weights", "a.npy", "--depth", "3"},
        {"inspect"}, {"help", "nothing"}};
    for (String[] args : cases) {
      Run r = run(args);
      assertEquals(2, r.code(), Arrays.toString(args) + ": " + r.err());
      assertEquals(2, r.errLines().size(), Arrays.toString(args) + ": " + r.err());
      assertTrue(r.errLines().get(0).startsWith("gradkernel: "), r.err());
      assertTrue(r.errLines().get(1).startsWith("usage: gradkernel"), r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void unusableWeightsAreOneLineAndExitOne() throws Exception {
    byte[] good = TestFiles.npy(new int[] {4, 4}, TestFiles.ramp(16, 1));
    Path cut = TestFiles.write(dir, "cut.npy", Arrays.copyOf(good, good.length - 5));
    Path ints = TestFiles.write(dir, "ints.npy", TestFiles.npy(1, "<i8", false, new int[] {2, 2}, new double[4]));
    Path a = TestFiles.write(dir, "a.npy", TestFiles.npy(new int[] {4, 3}, TestFiles.ramp(12, 1)));
    Path b = TestFiles.write(dir, "b.npy", TestFiles.npy(new int[] {2, 5}, TestFiles.ramp(10, 1)));
    String[][] cases = {{"--weights", dir.resolve("missing.npy").toString()}, {"--weights", cut.toString()},
        {"--weights", ints.toString()}, {"--weights", a.toString(), "--weights", b.toString()},
        {"--weights", a.toString(), "--residual"}};
    String[] expect = {"no such file", "truncated data", "dtype '<i8'", "expected [2, 4]", "square"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 1];
      args[0] = "probe";
      System.arraycopy(cases[i], 0, args, 1, cases[i].length);
      Run r = run(args);
      assertEquals(1, r.code(), r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains(expect[i]), r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
  }

  @Test
  void aNetworkTooLargeForTheHeapFailsBeforeAllocating() {
    Run r = run("probe", "--depth", "100000", "--width", "16384");
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("GB") && r.err().contains("--width"), r.err());
  }

  @Test
  void helpGoesToStdoutWithExitZero() {
    Run r = run("probe", "--help");
    assertEquals(0, r.code());
    for (String opt : new String[] {"--depth", "--width", "--batch", "--activation", "--init", "--gain",
        "--residual", "--rnn-steps", "--clip-norm", "--seed", "--format", "--plot", "--weights", "--quiet",
        "--cell", "--steps"}) {
      assertTrue(r.out().contains(opt), opt);
    }
    assertEquals(0, run("--help").code());
    assertEquals(0, run("help", "probe").code());
  }

  @Test
  void inspectListsTensors() throws Exception {
    Path st = TestFiles.write(dir, "m.safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St("enc.weight", "F64", new int[] {3, 2}, TestFiles.ramp(6, 1)))));
    Run r = run("inspect", st.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("enc.weight") && r.out().contains("float64") && r.out().contains("[3, 2]"),
        r.out());
  }

  @Test
  @SuppressWarnings("unchecked")
  void overflowIsReportedWithItsFirstLayer() {
    Map<String, Object> net = onlyNetwork(run("probe", "--activation", "identity", "--init", "orthogonal",
        "--gain", "10", "--depth", "50", "--width", "8", "--format", "json"));
    Map<String, Object> nf = (Map<String, Object>) net.get("nonFinite");
    // The forward pass grows tenfold per layer too and overflows near layer 39, so the top layers'
    // pre-activations are NaN; by the activation policy (NaN in, NaN out, g' included) the gradient
    // is already non-finite at the top layer, which is where provenance must point.
    int layer = ((Number) nf.get("layer")).intValue();
    assertEquals(49, layer, "first non-finite layer (0-based: the top one)");
    assertEquals("EXPLODING", net.get("verdict"));
  }

  @Test
  void sameSeedSameNumbers() {
    String[] args = {"probe", "--depth", "5", "--width", "16", "--format", "json", "--seed", "7"};
    assertEquals(run(args).out(), run(args).out());
  }
}
