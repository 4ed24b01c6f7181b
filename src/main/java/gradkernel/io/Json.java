package gradkernel.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON (RFC 8259) reader and writer, so the probe needs no dependency.
 *
 * <p>Values map to Java as: object → {@code LinkedHashMap<String, Object>} (key order kept),
 * array → {@code List<Object>}, string → {@code String}, number → {@code Long} when it is an
 * integer literal that fits, else {@code Double}, true/false → {@code Boolean}, null → {@code null}.
 * The writer accepts the same types plus any {@code Number}; non-finite doubles, which JSON cannot
 * represent, are written as {@code null}.
 */
public final class Json {
  private Json() {}

  /** Parses one JSON value spanning all of {@code text} (whitespace around it allowed). */
  public static Object parse(String text) {
    Reader r = new Reader(text);
    r.skipSpace();
    Object v = r.value(0);
    r.skipSpace();
    if (r.pos != text.length()) {
      throw r.error("unexpected text after the JSON value");
    }
    return v;
  }

  /** The JSON text of {@code value}, on one line. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, -1, 0);
    return sb.toString();
  }

  /** The JSON text of {@code value}, indented by {@code indent} spaces per level, ending with a newline. */
  public static String pretty(Object value, int indent) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, indent, 0);
    return sb.append('\n').toString();
  }

  private static void write(Object v, StringBuilder sb, int indent, int level) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> quote(s, sb);
      case Boolean b -> sb.append(b);
      case Double d -> number(d, sb);
      case Float f -> number(f.doubleValue(), sb);
      case Number n -> sb.append(n.longValue());
      case Map<?, ?> m -> {
        sb.append('{');
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          sb.append(i++ == 0 ? "" : ",");
          newline(sb, indent, level + 1);
          quote(String.valueOf(e.getKey()), sb);
          sb.append(indent < 0 ? ":" : ": ");
          write(e.getValue(), sb, indent, level + 1);
        }
        if (!m.isEmpty()) {
          newline(sb, indent, level);
        }
        sb.append('}');
      }
      case List<?> list -> {
        sb.append('[');
        // Arrays of numbers stay on one line: per-layer rows read better that way.
        boolean flat = list.stream().noneMatch(x -> x instanceof Map || x instanceof List);
        for (int i = 0; i < list.size(); i++) {
          sb.append(i == 0 ? "" : flat && indent >= 0 ? ", " : ",");
          if (!flat) {
            newline(sb, indent, level + 1);
          }
          write(list.get(i), sb, indent, level + 1);
        }
        if (!flat && !list.isEmpty()) {
          newline(sb, indent, level);
        }
        sb.append(']');
      }
      default -> throw new IllegalArgumentException(
          "value: cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void number(double d, StringBuilder sb) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d);
    } else {
      sb.append(d);
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          // C0 must be escaped; DEL, C1, the line separators and lone surrogates are escaped too,
          // so the text is plain printable ASCII/Unicode on any terminal and valid UTF-8 when encoded.
          boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
          if (pair) {
            sb.append(c).append(s.charAt(++i));
          } else if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029
              || Character.isSurrogate(c)) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Recursive-descent reader; depth is capped so hostile input cannot overflow the stack. */
  private static final class Reader {
    private static final int MAX_DEPTH = 512;
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= s.length()) {
        throw error("unexpected end of text");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character '" + c + "'");
        }
      };
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> m = new LinkedHashMap<>();
      pos++;
      skipSpace();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        skipSpace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        if (m.containsKey(key)) {
          throw error("duplicate key \"" + key + "\"");
        }
        m.put(key, value(depth + 1));
        skipSpace();
        char c = next();
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw error("expected ',' or '}'", pos - 1);
        }
      }
    }

    private List<Object> array(int depth) {
      List<Object> list = new ArrayList<>();
      pos++;
      skipSpace();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipSpace();
        list.add(value(depth + 1));
        skipSpace();
        char c = next();
        if (c == ']') {
          return list;
        }
        if (c != ',') {
          throw error("expected ',' or ']'", pos - 1);
        }
      }
    }

    private String string() {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          throw error("control character in string", pos - 1);
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("truncated \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("bad escape '\\" + e + "'", pos - 1);
        }
      }
    }

    private Object number() {
      int start = pos;
      boolean integral = true;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else {
        digits();
      }
      if (peek() == '.') {
        integral = false;
        pos++;
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        digits();
      }
      String t = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException tooBig) {
          return Double.parseDouble(t);
        }
      }
      return Double.parseDouble(t);
    }

    private void digits() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start) {
        throw error("expected a digit");
      }
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected token");
      }
      pos += word.length();
      return value;
    }

    void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private char next() {
      if (pos >= s.length()) {
        throw error("unexpected end of text");
      }
      return s.charAt(pos++);
    }

    private void expect(char c) {
      if (next() != c) {
        throw error("expected '" + c + "'", pos - 1);
      }
    }

    IllegalArgumentException error(String what) {
      return error(what, pos);
    }

    IllegalArgumentException error(String what, int at) {
      return new IllegalArgumentException("JSON: " + what + " at offset " + at);
    }
  }
}
