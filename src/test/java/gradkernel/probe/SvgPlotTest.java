package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgPlotTest {
  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z]+)[^>]*?(/?)>");

  /** Checks that tags nest properly and returns the root element's name. */
  static String rootOfWellFormed(String xml) {
    Deque<String> open = new ArrayDeque<>();
    String root = null;
    Matcher m = TAG.matcher(xml);
    while (m.find()) {
      String name = m.group(2);
      if (!m.group(1).isEmpty()) {
        assertEquals(open.pop(), name, "closing tag at " + m.start());
      } else if (m.group(3).isEmpty()) {
        if (root == null) {
          root = name;
        }
        open.push(name);
      }
    }
    assertTrue(open.isEmpty(), "unclosed " + open);
    assertFalse(xml.replaceAll("&(amp|lt|gt|quot);", "").contains("&"), "unescaped &");
    return root;
  }

  private static NetworkResult net(String name, double... norms) {
    List<LayerStat> rows = new java.util.ArrayList<>();
    double prev = 1;
    for (int i = norms.length - 1; i >= 0; i--) {
      rows.add(0, new LayerStat(i, norms[i], norms[i] / prev, 1, Math.log10(norms[i]) + 1,
          Math.log10(norms[i]) - 1, 0.5, 4, 4));
      prev = norms[i];
    }
    return new NetworkResult(name, "d", "dense", "tanh", "xavier", 1, 4, Double.NaN, "STABLE", norms[0],
        1, Double.NaN, Double.NaN, null, rows);
  }

  @Test
  void drawsOneLineAndBandPerNetworkAndSurvivesZerosAndInfinities() {
    ProbeResult r = new ProbeResult("scalar", 1, 1, List.of(net("a<b & c", 0.5, 0.7, 0.9),
        net("b", 0, Double.POSITIVE_INFINITY, 2, 1.5)));
    String svg = SvgPlot.render(r);
    assertEquals("svg", rootOfWellFormed(svg));
    assertTrue(svg.contains("a&lt;b &amp; c"));
    assertEquals(2, svg.split("<polygon ", -1).length - 1, "one band per network (small panels)");
    assertEquals(1, SvgPlot.render(new ProbeResult("scalar", 1, 1, List.of(net("solo", 0.5, 0.7))))
        .split("<polygon ", -1).length - 1, "a single network gets its band in the one panel");
    assertFalse(svg.contains("NaN") || svg.contains("Infinity"), "no non-finite coordinates");
  }
}
