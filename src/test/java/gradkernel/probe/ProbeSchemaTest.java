package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Validates real probe JSON against docs/probe-output.schema.json with a small validator written
 * here (the subset of JSON Schema the file uses: type, enum, minimum, properties, required,
 * additionalProperties false, items, local $ref). Every object in the schema lists all its
 * properties as required and allows no others, and every property has a description, so a field
 * added to or removed from the output without the schema fails this test.
 */
class ProbeSchemaTest {
  private static final Path SCHEMA = Path.of("docs/probe-output.schema.json");

  @SuppressWarnings("unchecked")
  static Map<String, Object> schema() throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(SCHEMA));
  }

  /** The violations of {@code value} against {@code s} (empty: valid), each with its JSON path. */
  @SuppressWarnings("unchecked")
  static List<String> validate(Map<String, Object> root, Map<String, Object> s, Object value,
      String path) {
    List<String> errors = new ArrayList<>();
    if (s.containsKey("$ref")) {
      String ref = (String) s.get("$ref");
      assertTrue(ref.startsWith("#/$defs/"), "only local $defs references: " + ref);
      Map<String, Object> defs = (Map<String, Object>) root.get("$defs");
      return validate(root, (Map<String, Object>) defs.get(ref.substring(8)), value, path);
    }
    if (s.containsKey("type")) {
      Object t = s.get("type");
      List<Object> types = t instanceof List<?> l ? (List<Object>) l : List.of(t);
      if (types.stream().noneMatch(x -> hasType((String) x, value))) {
        errors.add(path + ": " + describe(value) + " is not of type " + types);
        return errors;
      }
    }
    if (s.containsKey("enum") && !((List<Object>) s.get("enum")).contains(value)) {
      errors.add(path + ": " + value + " is not one of " + s.get("enum"));
    }
    if (s.containsKey("minimum") && value instanceof Number n
        && n.doubleValue() < ((Number) s.get("minimum")).doubleValue()) {
      errors.add(path + ": " + n + " < minimum " + s.get("minimum"));
    }
    if (value instanceof Map<?, ?> obj && s.containsKey("properties")) {
      Map<String, Object> props = (Map<String, Object>) s.get("properties");
      for (Object req : (List<Object>) s.getOrDefault("required", List.of())) {
        if (!obj.containsKey(req)) {
          errors.add(path + ": missing field '" + req + "'");
        }
      }
      for (Map.Entry<?, ?> e : obj.entrySet()) {
        Map<String, Object> ps = (Map<String, Object>) props.get(e.getKey());
        if (ps == null) {
          if (Boolean.FALSE.equals(s.get("additionalProperties"))) {
            errors.add(path + ": field '" + e.getKey() + "' is not in the schema");
          }
        } else {
          errors.addAll(validate(root, ps, e.getValue(), path + "." + e.getKey()));
        }
      }
    }
    if (value instanceof List<?> list && s.containsKey("items")) {
      for (int i = 0; i < list.size(); i++) {
        errors.addAll(validate(root, (Map<String, Object>) s.get("items"), list.get(i),
            path + "[" + i + "]"));
      }
    }
    return errors;
  }

  private static boolean hasType(String type, Object v) {
    return switch (type) {
      case "null" -> v == null;
      case "string" -> v instanceof String;
      case "integer" -> v instanceof Long;
      case "number" -> v instanceof Long || v instanceof Double;
      case "boolean" -> v instanceof Boolean;
      case "array" -> v instanceof List;
      case "object" -> v instanceof Map;
      default -> throw new AssertionError("schema uses unsupported type " + type);
    };
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
  }

  static void assertValid(MainTest.Run run) throws Exception {
    assertEquals(0, run.code(), run.err());
    Map<String, Object> s = schema();
    List<String> errors = validate(s, s, Json.parse(run.out()), "$");
    assertTrue(errors.isEmpty(), String.join("\n", errors));
  }

  /** Every object schema declares each property required, allows no other, describes each one. */
  @Test
  @SuppressWarnings("unchecked")
  void schemaDocumentsEveryFieldAndClosesEveryObject() throws Exception {
    Map<String, Object> root = schema();
    List<Map<String, Object>> objects = new ArrayList<>();
    objects.add(root);
    for (Object d : ((Map<String, Object>) root.get("$defs")).values()) {
      objects.add((Map<String, Object>) d);
    }
    Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) root.get("$defs")).get("network");
    objects.add((Map<String, Object>) ((Map<String, Object>) network.get("properties")).get("nonFinite"));
    for (Map<String, Object> o : objects) {
      Map<String, Object> props = (Map<String, Object>) o.get("properties");
      assertEquals(props.keySet(), new HashSet<>((List<Object>) o.get("required")), "required = all fields");
      assertEquals(Boolean.FALSE, o.get("additionalProperties"));
      for (Map.Entry<String, Object> e : props.entrySet()) {
        Object desc = ((Map<String, Object>) e.getValue()).get("description");
        assertTrue(desc instanceof String str && str.length() > 10, e.getKey() + " has a description");
      }
    }
  }

  @Test
  void defaultSuiteOutputMatchesTheSchema() throws Exception {
    assertValid(MainTest.run("probe", "--format", "json", "--quiet"));
  }

  @Test
  void recurrentAndNonFiniteAndLoadedOutputsMatchTheSchema() throws Exception {
    assertValid(MainTest.run("probe", "--weights",
        "src/test/resources/gradkernel/probe/lstm_state.npz", "--steps", "9", "--format", "json",
        "--quiet"));
    assertValid(MainTest.run("probe", "--weights",
        "src/test/resources/gradkernel/probe/rnn_state.npz", "--format", "json", "--quiet",
        "--clip-norm", "0.5"));
    assertValid(MainTest.run("probe", "--activation", "identity", "--init", "orthogonal", "--gain",
        "10", "--depth", "50", "--width", "8", "--format", "json", "--quiet"));
    assertValid(MainTest.run("probe", "--residual", "--depth", "3", "--width", "6", "--format",
        "json", "--quiet"));
  }

  /** The validator itself catches an added field, a removed field and a wrong type. */
  @Test
  @SuppressWarnings("unchecked")
  void anAddedOrRemovedFieldFails() throws Exception {
    MainTest.Run run = MainTest.run("probe", "--weights",
        "src/test/resources/gradkernel/probe/gru_state.npz", "--steps", "3", "--format", "json",
        "--quiet");
    Map<String, Object> s = schema();
    Map<String, Object> doc = (Map<String, Object>) Json.parse(run.out());
    assertTrue(validate(s, s, doc, "$").isEmpty());
    Map<String, Object> net = (Map<String, Object>) ((List<Object>) doc.get("networks")).get(0);
    Map<String, Object> step = (Map<String, Object>) ((List<Object>) net.get("steps")).get(0);
    step.put("extra", 1L);
    assertEquals(List.of("$.networks[0].steps[0]: field 'extra' is not in the schema"),
        validate(s, s, doc, "$"));
    step.remove("extra");
    Map<String, Object> copy = new LinkedHashMap<>(net);
    copy.remove("cell");
    ((List<Object>) doc.get("networks")).set(0, copy);
    assertEquals(List.of("$.networks[0]: missing field 'cell'"), validate(s, s, doc, "$"));
    copy.put("cell", 3L);
    assertFalse(validate(s, s, doc, "$").isEmpty(), "wrong type");
  }
}
