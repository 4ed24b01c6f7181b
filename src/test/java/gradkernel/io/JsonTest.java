package gradkernel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\\"\\\\\\n\\u00e9\\/\","
        + " \"big\": 123456789012345678901234, \"o\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2500.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
    assertNull(((List<?>) m.get("a")).get(4));
    assertEquals("x\"\\\né/", m.get("s"));
    assertEquals(1.2345678901234568e23, (Double) m.get("big"), 1e8);
    assertEquals(Map.of(), m.get("o"));
  }

  @Test
  void writeThenParseRoundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "tab\there \"quoted\" \u0001");
    m.put("x", 0.1);
    m.put("tiny", 1.5e-300);
    m.put("n", 42L);
    m.put("nan", Double.NaN);
    m.put("list", List.of(1.0, 2.5, List.of()));
    for (String text : new String[] {Json.write(m), Json.pretty(m, 2)}) {
      Map<?, ?> back = (Map<?, ?>) Json.parse(text);
      assertEquals(m.get("name"), back.get("name"));
      assertEquals(0.1, back.get("x"));
      assertEquals(1.5e-300, back.get("tiny"));
      assertEquals(42L, back.get("n"));
      assertTrue(back.containsKey("nan"));
      assertNull(back.get("nan"), "non-finite numbers are written as null");
      assertEquals(List.of(1L, 2.5, List.of()), back.get("list"));
    }
  }

  @Test
  void rejectsMalformedTextWithAnOffset() {
    for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "01x", "\"abc",
        "{\"a\":1} x", "[1 2]", "\"\\q\"", "{\"a\":1,\"a\":2}", "-", "1.", "1e"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
          bad);
      assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), e.getMessage());
    }
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
  }
}
