package gradkernel.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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

  /** Headers longer than this are refused (NumPy itself refuses more than 10,000 bytes by default). */
  static final int MAX_HEADER = 1 << 20;

  /**
   * What a {@code .npy} header declares: tensor {@code name}, {@code shape}, element type and
   * byte order, and {@code dataStart}, the offset of the data from the start of the file.
   */
  record Header(String name, int[] shape, long count, boolean float64, ByteOrder order, long dataStart) {
    /** Bytes of element data the header promises: count × 4 or 8. */
    long dataBytes() {
      return count * (float64 ? 8 : 4);
    }

    /** "float32" or "float64". */
    String dtype() {
      return float64 ? "float64" : "float32";
    }
  }

  /** Parses a whole {@code .npy} file held in {@code bytes}; {@code source} names it in messages. */
  public static Tensor read(String source, String name, byte[] bytes) throws WeightFileException {
    Header h;
    try {
      h = header(source, name, new java.io.ByteArrayInputStream(bytes));
    } catch (WeightFileException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("a byte array cannot fail to read", e);
    }
    long need = h.dataBytes();
    if (need > bytes.length - h.dataStart()) {
      throw new WeightFileException(source, "truncated data: shape " + Tensor.shapeString(h.shape())
          + " of " + h.dtype() + " needs " + need + " bytes, file has " + (bytes.length - h.dataStart()));
    }
    float[] data = FloatData.decode(bytes, (int) h.dataStart(), (int) h.count(), h.float64(), h.order());
    return new Tensor(name, h.shape(), data, h.dtype());
  }

  /**
   * Reads the preamble and header from {@code in}, leaving it at the first data byte. Nothing is
   * allocated beyond the header (at most {@link #MAX_HEADER} bytes).
   */
  static Header header(String source, String name, InputStream in) throws WeightFileException, IOException {
    byte[] pre = in.readNBytes(MAGIC.length + 4);
    if (pre.length < MAGIC.length + 4) {
      throw new WeightFileException(source, "not a .npy file (only " + pre.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre[i] != MAGIC[i]) {
        throw new WeightFileException(source, "not a .npy file (missing the \\x93NUMPY magic)");
      }
    }
    int major = pre[6] & 0xff;
    int headerLenBytes = switch (major) {
      case 1 -> 2;
      case 2, 3 -> 4;
      default -> throw new WeightFileException(source, "unsupported .npy version " + major + "."
          + (pre[7] & 0xff) + " (supported: 1.0, 2.0, 3.0)");
    };
    byte[] lenBytes = new byte[4];
    System.arraycopy(pre, 8, lenBytes, 0, 2);
    if (headerLenBytes == 4 && in.readNBytes(lenBytes, 2, 2) < 2) {
      throw new WeightFileException(source, "truncated .npy header");
    }
    int start = 8 + headerLenBytes;
    long headerLen = 0;
    for (int i = headerLenBytes - 1; i >= 0; i--) {
      headerLen = (headerLen << 8) | (lenBytes[i] & 0xff);
    }
    if (headerLen > MAX_HEADER) {
      throw new WeightFileException(source, "implausible .npy header of " + headerLen + " bytes (at most "
          + MAX_HEADER + ")");
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    if (headerBytes.length < headerLen) {
      throw new WeightFileException(source, "truncated .npy header: declares " + headerLen
          + " bytes, file has " + headerBytes.length + " after the preamble");
    }
    String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
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
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i]; // each ≤ Integer.MAX_VALUE, checked by elementCount
    }
    return new Header(name, dims, count, float64, order, start + headerLen);
  }

  /**
   * Reads exactly the data {@code h} promises from {@code in} (positioned after the header), in
   * chunks, and fails if the stream ends early or holds more: the allocation is bounded by the
   * header, never by what the stream would inflate to.
   */
  static Tensor data(String source, Header h, InputStream in) throws WeightFileException, IOException {
    long need = h.dataBytes();
    float[] out = new float[(int) h.count()];
    byte[] buf = new byte[1 << 16];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(h.order());
    java.nio.FloatBuffer fb = bb.asFloatBuffer();
    java.nio.DoubleBuffer db = bb.asDoubleBuffer();
    long done = 0;
    int at = 0;
    while (done < need) {
      int want = (int) Math.min(buf.length, need - done);
      int got = in.readNBytes(buf, 0, want);
      if (got < want) {
        throw new WeightFileException(source, "truncated data: shape " + Tensor.shapeString(h.shape())
            + " of " + h.dtype() + " needs " + need + " bytes, member has " + (done + got));
      }
      if (h.float64()) {
        for (int k = 0; k < got / 8; k++) {
          out[at++] = (float) db.get(k);
        }
      } else {
        fb.get(0, out, at, got / 4);
        at += got / 4;
      }
      done += got;
    }
    if (in.read() != -1) {
      throw new WeightFileException(source, "more data than its .npy header promises: shape "
          + Tensor.shapeString(h.shape()) + " of " + h.dtype() + " needs " + need + " bytes");
    }
    return new Tensor(h.name(), h.shape(), out, h.dtype());
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
