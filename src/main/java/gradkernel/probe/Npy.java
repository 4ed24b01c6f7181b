package gradkernel.probe;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for NumPy's {@code .npy} format, versions 1.0, 2.0 and 3.0: the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in v1, 4 in v2/v3), a
 * Python-literal dict with {@code descr}, {@code fortran_order} and {@code shape}, then the raw
 * data. Supported: float32 and float64 ({@code <f4 <f8 >f4 >f8}), C order; anything else is
 * rejected with a message saying what was found.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private Npy() {}

  /** Parses a whole {@code .npy} file held in {@code bytes}; {@code source} names it in messages. */
  public static Tensor read(String source, String name, byte[] bytes) throws WeightFileException {
    if (bytes.length < MAGIC.length + 4) {
      throw new WeightFileException(source, "not a .npy file (only " + bytes.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new WeightFileException(source, "not a .npy file (missing the \\x93NUMPY magic)");
      }
    }
    int major = bytes[6] & 0xff;
    int headerLenBytes = switch (major) {
      case 1 -> 2;
      case 2, 3 -> 4;
      default -> throw new WeightFileException(source, "unsupported .npy version " + major + "."
          + (bytes[7] & 0xff) + " (supported: 1.0, 2.0, 3.0)");
    };
    int start = 8 + headerLenBytes;
    if (bytes.length < start) {
      throw new WeightFileException(source, "truncated .npy header");
    }
    long headerLen = 0;
    for (int i = headerLenBytes - 1; i >= 0; i--) {
      headerLen = (headerLen << 8) | (bytes[8 + i] & 0xff);
    }
    if (headerLen > bytes.length - start) {
      throw new WeightFileException(source, "truncated .npy header: declares " + headerLen
          + " bytes, file has " + (bytes.length - start) + " after the preamble");
    }
    String header = new String(bytes, start, (int) headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> dict;
    try {
      dict = new HeaderParser(header).dict();
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(source, "bad .npy header: " + e.getMessage());
    }
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shapeObj = dict.get("shape");
    if (!(descr instanceof String d) || !(fortran instanceof Boolean f)
        || !(shapeObj instanceof long[] shape)) {
      throw new WeightFileException(source,
          "bad .npy header: need 'descr' (string), 'fortran_order' (bool), 'shape' (tuple): " + header.strip());
    }
    if (f) {
      throw new WeightFileException(source, "fortran_order=True is not supported; save the array"
          + " in C order (numpy.ascontiguousarray)");
    }
    boolean float64;
    ByteOrder order;
    switch (d) {
      case "<f4", "<f8", ">f4", ">f8" -> {
        float64 = d.endsWith("8");
        order = d.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      }
      default -> throw new WeightFileException(source, "dtype '" + d
          + "' is not supported; need float32 or float64 ('<f4' or '<f8')");
    }
    long count;
    try {
      count = Tensor.elementCount(name, shape);
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(source, e.getMessage());
    }
    int dataStart = start + (int) headerLen;
    long need = count * (float64 ? 8 : 4);
    if (need > bytes.length - dataStart) {
      throw new WeightFileException(source, "truncated data: shape " + java.util.Arrays.toString(shape)
          + " of " + (float64 ? "float64" : "float32") + " needs " + need + " bytes, file has "
          + (bytes.length - dataStart));
    }
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i];
    }
    float[] data = FloatData.decode(bytes, dataStart, (int) count, float64, order);
    return new Tensor(name, dims, data, float64 ? "float64" : "float32");
  }

  /** The header dict: string keys; values are strings, booleans or tuples of non-negative ints. */
  private static final class HeaderParser {
    private final String s;
    private int pos;

    HeaderParser(String s) {
      this.s = s;
    }

    Map<String, Object> dict() {
      Map<String, Object> m = new LinkedHashMap<>();
      expect('{');
      while (true) {
        space();
        if (peek() == '}') {
          pos++;
          break;
        }
        String key = string();
        space();
        expect(':');
        space();
        m.put(key, value());
        space();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw new IllegalArgumentException("expected ',' or '}' at offset " + pos);
        }
      }
      space();
      if (pos != s.length()) {
        throw new IllegalArgumentException("unexpected text after the dict at offset " + pos);
      }
      return m;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        return tuple();
      }
      throw new IllegalArgumentException("unexpected value at offset " + pos);
    }

    private long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (true) {
        space();
        if (peek() == ')') {
          pos++;
          break;
        }
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (start == pos || pos - start > 18) {
          throw new IllegalArgumentException("expected a dimension at offset " + start);
        }
        dims.add(Long.parseLong(s.substring(start, pos)));
        if (peek() == 'L') {
          pos++; // Python 2 long suffix in old files
        }
        space();
        if (peek() == ',') {
          pos++;
        } else if (peek() != ')') {
          throw new IllegalArgumentException("expected ',' or ')' at offset " + pos);
        }
      }
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private String string() {
      char q = peek();
      if (q != '\'' && q != '"') {
        throw new IllegalArgumentException("expected a quoted string at offset " + pos);
      }
      int end = s.indexOf(q, pos + 1);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated string at offset " + pos);
      }
      String v = s.substring(pos + 1, end);
      pos = end + 1;
      return v;
    }

    private void space() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
      space();
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }
  }
}
