package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recurrent probe against PyTorch: the fixtures in src/test/resources/gradkernel/probe were
 * written by make_recurrent_fixtures.py (PyTorch 1.13) — a 2-layer nn.LSTM / nn.GRU / nn.RNN
 * state_dict under the prefix "seq.", an input, an upstream ∂L/∂h_T and the per-step norms
 * ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) computed in float64 by torch's autograd.
 */
class RecurrentProbeTest {
  private static final Path FIXTURES = Path.of("src/test/resources/gradkernel/probe");

  @TempDir Path dir;

  static Map<String, Tensor> read(String file) throws WeightFileException {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Tensor t : WeightStack.readFile(FIXTURES.resolve(file))) {
      m.put(t.name(), t);
    }
    return m;
  }

  /**
   * Float32 BPTT against torch's float64 over 7 steps and 2 layers: the norms agree to a few
   * float32 roundings per step (measured max relative differences 1.6e-7 LSTM, 1.4e-7 GRU,
   * 8.1e-8 tanh RNN; bound 2e-6).
   */
  @ParameterizedTest
  @ValueSource(strings = {"lstm", "gru", "rnn"})
  void perStepNormsMatchPyTorch(String cell) throws Exception {
    RecurrentStack s = RecurrentStack.of(new ArrayList<>(read(cell + "_state.npz").values()), null);
    assertEquals(cell, s.cell().label());
    assertEquals("seq.", s.prefix());
    assertEquals(2, s.layers().size());
    Map<String, Tensor> e = read(cell + "_expected.npz");
    int[] xs = e.get("x").shape();
    int batch = xs[0];
    int steps = xs[1];
    Chain net = RecurrentProbe.chain(s, Activations.TANH, steps);
    RecurrentProbe.Measured r = RecurrentProbe.measure(net, e.get("x").data(), e.get("upstream").data(),
        batch);
    float[] hidden = e.get("hidden").data();
    double worst = 0;
    for (int k = 0; k < 2; k++) {
      double[] h = RecurrentProbe.hidden(r, k);
      assertEquals(steps + 1, h.length);
      for (int t = 0; t <= steps; t++) {
        worst = Math.max(worst, rel(h[t], hidden[k * (steps + 1) + t]));
      }
      double[] c = RecurrentProbe.cell(r, k);
      if (cell.equals("lstm")) {
        float[] expected = e.get("cell").data();
        for (int t = 0; t < steps; t++) {
          worst = Math.max(worst, rel(c[t], expected[k * steps + t]));
        }
        assertTrue(Double.isNaN(c[steps]), "δc_T is not recorded");
      } else {
        for (double v : c) {
          assertTrue(Double.isNaN(v), cell + " has no cell state");
        }
      }
    }
    System.out.printf("%s: max relative difference to PyTorch float64: %.3e%n", cell, worst);
    assertTrue(worst < 2e-6, cell + ": max relative difference " + worst);
  }

  @Test
  void cliReportsEveryStepOfEveryLayerInJsonAndCsv() throws Exception {
    String file = FIXTURES.resolve("lstm_state.npz").toString();
    Map<String, Object> net = MainTest.onlyNetwork(MainTest.run("probe", "--weights", file,
        "--steps", "12", "--batch", "3", "--format", "json", "--quiet"));
    assertEquals("recurrent", net.get("kind"));
    assertEquals("lstm", net.get("cell"));
    assertEquals(12L, net.get("sequenceLength"));
    assertEquals(5L, net.get("width") == null ? 5L : net.get("width"));
    List<Map<String, Object>> layers = MainTest.layers(net);
    assertEquals(List.of(3L, 5L), layers.stream().map(l -> l.get("in")).toList());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) (List<?>) net.get("steps");
    assertEquals(2 * 13, steps.size());
    Map<String, Object> top = steps.get(steps.size() - 1);
    assertEquals(1L, top.get("layer"));
    assertEquals(12L, top.get("step"));
    assertEquals(1, MainTest.num(top.get("hiddenGradNorm")), 1e-6, "the upstream has unit norm");
    assertNull(top.get("cellGradNorm"));
    assertTrue(MainTest.num(steps.get(0).get("cellGradNorm")) > 0);
    double ratio = MainTest.num(steps.get(0).get("hiddenGradNorm")) / MainTest.num(top.get("hiddenGradNorm"));
    assertEquals(ratio, MainTest.num(net.get("growth")), 1e-15 * ratio,
        "growth = ‖∂L/∂h_0‖ of layer 0 over the upstream ‖∂L/∂h_T‖ of the top layer");

    MainTest.Run csv = MainTest.run("probe", "--weights", file, "--steps", "12", "--format", "csv",
        "--quiet");
    List<String> lines = csv.out().lines().toList();
    assertEquals(1 + 2 + 2 * 13, lines.size(), csv.out());
    int cols = ReportWriter.CSV_HEADER.split(",").length;
    for (String line : lines) {
      assertEquals(cols, line.split(",", -1).length, line);
    }
    MainTest.Run table = MainTest.run("probe", "--weights", file, "--quiet");
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("‖∂L/∂c_t‖") && table.out().contains("50 steps"), table.out());
  }

  @Test
  void cellIsDetectedOrCheckedAndRnnTakesAnActivation() throws Exception {
    String gru = FIXTURES.resolve("gru_state.npz").toString();
    MainTest.Run wrong = MainTest.run("probe", "--weights", gru, "--cell", "lstm");
    assertEquals(1, wrong.code());
    assertTrue(wrong.err().contains("is a gru weight, but --cell lstm expects [4·n, n]"), wrong.err());
    assertEquals(0, MainTest.run("probe", "--weights", gru, "--cell", "gru", "--quiet").code());
    String rnn = FIXTURES.resolve("rnn_state.npz").toString();
    Map<String, Object> relu = MainTest.onlyNetwork(MainTest.run("probe", "--weights", rnn,
        "--activation", "relu", "--format", "json", "--quiet"));
    assertEquals("relu", relu.get("activation"));
    MainTest.Run gates = MainTest.run("probe", "--weights", gru, "--activation", "relu");
    assertEquals(2, gates.code());
    assertTrue(gates.err().contains("gates are fixed"), gates.err());
    assertEquals(2, MainTest.run("probe", "--cell", "lstm").code(), "--cell needs --weights");
    assertEquals(2, MainTest.run("probe", "--weights", gru, "--cell", "lstmx").code());
  }

  /**
   * A one-layer RNN state_dict wider than the eigenvalue limit: ρ(W) is not computed, and the
   * description says so (it used to be left out silently); narrower, ρ(W) is there and no note.
   */
  @Test
  void aWideRnnStateDictSaysRhoIsNotComputed() throws Exception {
    int wide = NetworkProbe.EIGEN_MAX_WIDTH + 1;
    Path p = stateDict("wide.safetensors", "weight_ih_l0", new int[] {wide, 2},
        "weight_hh_l0", new int[] {wide, wide});
    Map<String, Object> net = MainTest.onlyNetwork(MainTest.run("probe", "--weights", p.toString(),
        "--steps", "2", "--batch", "1", "--format", "json", "--quiet"));
    assertNull(net.get("spectralRadius"));
    assertTrue(((String) net.get("description")).endsWith(NetworkProbe.NO_RHO_NOTE),
        (String) net.get("description"));
    Path q = stateDict("narrow.safetensors", "weight_ih_l0", new int[] {8, 2},
        "weight_hh_l0", new int[] {8, 8});
    Map<String, Object> narrow = MainTest.onlyNetwork(MainTest.run("probe", "--weights",
        q.toString(), "--steps", "2", "--batch", "1", "--format", "json", "--quiet"));
    assertNotNull(narrow.get("spectralRadius"));
    assertFalse(((String) narrow.get("description")).contains("not computed"),
        (String) narrow.get("description"));
  }

  /** A state_dict with the given tensors (float32), written as .safetensors. */
  private Path stateDict(String name, Object... nameShape) throws Exception {
    List<TestFiles.St> ts = new ArrayList<>();
    for (int i = 0; i < nameShape.length; i += 2) {
      int[] shape = (int[]) nameShape[i + 1];
      int count = 1;
      for (int d : shape) {
        count *= d;
      }
      ts.add(new TestFiles.St((String) nameShape[i], "F32", shape, TestFiles.ramp(count, 0.01)));
    }
    return TestFiles.write(dir, name, TestFiles.safetensors(ts));
  }

  @Test
  void malformedRecurrentTensorsExitOneWithTheShapes() throws Exception {
    int[] w8x3 = {8, 3};
    int[] w8x2 = {8, 2};
    int[] b8 = {8};
    Object[][] cases = {
        {"weight_ih_l0", new int[] {10, 3}, "weight_hh_l0", new int[] {10, 2}},
        {"weight_ih_l0", new int[] {7, 3}, "weight_hh_l0", w8x2},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "bias_ih_l0", new int[] {6}, "bias_hh_l0", b8},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "bias_ih_l0", b8},
        {"weight_ih_l0", w8x3},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "weight_ih_l2", w8x2, "weight_hh_l2", w8x2},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "weight_ih_l1", w8x3, "weight_hh_l1", w8x2},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "fc.weight", new int[] {4, 2}},
        {"a.weight_ih_l0", w8x3, "a.weight_hh_l0", w8x2, "b.weight_ih_l0", w8x3},
        {"weight_ih_l0", w8x3, "weight_hh_l0", w8x2, "weight_ih_l0_reverse", w8x3},
        {"weight_ih_l0", new int[] {24}, "weight_hh_l0", w8x2},
    };
    String[] expect = {"5 gate blocks of n = 2 rows; expected 1 (RNN",
        "expected [8, m]", "expected [8]", "only one of bias_ih_l0 and bias_hh_l0",
        "missing weight_hh_l0", "layer 1 is missing", "expected [8, 2]",
        "mixed with other tensors fc.weight[4, 2]", "several modules", "bidirectional",
        "does not fit lstm layer 0"};
    for (int i = 0; i < cases.length; i++) {
      Path p = stateDict("bad" + i + ".safetensors", cases[i]);
      MainTest.Run r = MainTest.run("probe", "--weights", p.toString());
      assertEquals(1, r.code(), i + ": " + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains(expect[i]), i + ": " + r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
    double[] nan = TestFiles.ramp(16, 0.01);
    nan[5] = Double.NaN;
    Path p = TestFiles.write(dir, "nan.safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St("weight_ih_l0", "F32", new int[] {4, 4}, nan),
        new TestFiles.St("weight_hh_l0", "F32", new int[] {4, 1}, TestFiles.ramp(4, 1)))));
    MainTest.Run r = MainTest.run("probe", "--weights", p.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("element [1, 1] (flat index 5) is NaN"), r.err());
    assertThrows(WeightFileException.class, () -> RecurrentStack.of(List.of(), null));
  }

  private static double rel(double got, double expected) {
    return Math.abs(got - expected) / Math.abs(expected);
  }
}
