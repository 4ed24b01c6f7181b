package gradkernel.probe;

import gradkernel.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
  private static NetworkResult net(int depth, NonFiniteAt nf) {
    List<LayerStat> rows = new ArrayList<>();
    for (int l = 1; l <= depth; l++) {
      rows.add(new LayerStat(l - 1, Math.pow(2, depth - l + 1), 2, 2, (depth - l + 1) * Math.log10(3), Double.NaN,
          l - 1 == 6 ? Double.POSITIVE_INFINITY : 1, 4, 4));
    }
    return new NetworkResult("n", "test net", "dense", "identity", "orthogonal", 2, 4, Double.NaN,
        "EXPLODING", Math.pow(2, depth), 1e3, 10, 0.01, nf, rows);
  }

  @Test
  void tableSamplesRowsOutputFirstAndKeepsTheNonFiniteLayer() {
    NetworkResult n = net(100, new NonFiniteAt(36, 5, Float.NaN));
    List<Integer> rows = ReportWriter.rows(n, false);
    assertEquals(99, rows.get(0), "output side first");
    assertEquals(0, rows.get(rows.size() - 1));
    assertTrue(rows.contains(36), "row of the first non-finite layer");
    assertTrue(rows.size() <= 12);
    assertEquals(100, ReportWriter.rows(n, true).size());
    String table = ReportWriter.table(new ProbeResult("scalar", 1, 2, List.of(n)), false);
    assertTrue(table.contains("first non-finite gradient: layer 36, element 5 = NaN"), table);
    assertTrue(table.contains("clip at 10: ×1.000e-02 → 1.000e+01"), table);
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonHasTheDocumentedFieldsAndNullForUndefined() {
    ProbeResult r = new ProbeResult("scalar", 3, 2, List.of(net(8, new NonFiniteAt(6, 2, Float.POSITIVE_INFINITY))));
    Map<String, Object> doc = (Map<String, Object>) Json.parse(ReportWriter.json(r));
    Map<String, Object> n = (Map<String, Object>) ((List<Object>) doc.get("networks")).get(0);
    for (String k : List.of("verdict", "globalNorm", "clipCoefficient", "nonFinite", "layers")) {
      assertTrue(n.containsKey(k), k);
    }
    assertEquals(Map.of("layer", 6L, "index", 2L, "value", "Infinity"), n.get("nonFinite"));
    Map<String, Object> l7 = ((List<Map<String, Object>>) n.get("layers")).get(6);
    assertEquals(6L, l7.get("index"), "0-based");
    for (String k : List.of("gradNorm", "upperBound", "lowerBound", "spectralNorm", "gain")) {
      assertTrue(l7.containsKey(k), k);
    }
    assertNull(l7.get("lowerBound"));
    assertEquals(9.0, ((Number) l7.get("upperBound")).doubleValue(), 1e-12);
    assertEquals(2 * Math.log10(3), ((Number) l7.get("log10UpperBound")).doubleValue(), 1e-15);
    assertNull(l7.get("weightGradNorm"), "infinite values are null in JSON");
    assertEquals(4.0, ((Number) l7.get("gradNorm")).doubleValue());
  }

  @Test
  void csvLeavesUndefinedCellsEmpty() {
    String csv = ReportWriter.csv(new ProbeResult("scalar", 3, 2, List.of(net(3, null))));
    List<String> lines = csv.lines().toList();
    assertEquals(4, lines.size());
    String[] cells = lines.get(1).split(",", -1);
    assertEquals("n", cells[0]);
    assertEquals("0", cells[2], "0-based layer index");
    assertEquals("", cells[7], "lowerBound undefined");
  }
}
