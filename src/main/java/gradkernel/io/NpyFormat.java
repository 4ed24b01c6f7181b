package gradkernel.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reader and writer of NumPy's {@code .npy} format, versions 1.0, 2.0 and 3.0: the magic
 * {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in v1, 4 in v2/v3), a
 * Python-literal dict with {@code descr}, {@code fortran_order} and {@code shape}, then the raw
 * data. Supported: float32 and float64 ({@code <f4 <f8 >f4 >f8}), C order; anything else is
 * rejected with a message saying what was found. The writer stores float32 ({@code '<f4'}), C
 * order, version 1.0 (2.0 when the header would not fit), header padded to 64 bytes, as
 * {@code numpy.save} does.
 */
public final class NpyFormat {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private NpyFormat() {}

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

  /**
   * Parses a whole {@code .npy} file held in {@code bytes}; the array is called {@code name};
   * {@code source} names the file in messages.
   */
  public static NamedArray read(String source, String name, byte[] bytes) throws WeightFormatException {
    Header h;
    try {
      h = header(source, name, new java.io.ByteArrayInputStream(bytes));
    } catch (WeightFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new AssertionError("a byte array cannot fail to read", e);
    }
    long need = h.dataBytes();
    if (need > bytes.length - h.dataStart()) {
      throw new WeightFormatException(source, "truncated data: shape " + Arrays.toString(h.shape())
          + " of " + h.dtype() + " needs " + need + " bytes, file has " + (bytes.length - h.dataStart()));
    }
    float[] data = FloatData.decode(bytes, (int) h.dataStart(), (int) h.count(), h.float64(), h.order());
    return new NamedArray(name, h.shape(), data, h.dtype());
  }

  /**
   * Reads the preamble and header from {@code in}, leaving it at the first data byte. Nothing is
   * allocated beyond the header (at most {@link #MAX_HEADER} bytes).
   */
  static Header header(String source, String name, InputStream in) throws WeightFormatException, IOException {
    byte[] pre = in.readNBytes(MAGIC.length + 4);
    if (pre.length < MAGIC.length + 4) {
      throw new WeightFormatException(source, "not a .npy file (only " + pre.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre[i] != MAGIC[i]) {
        throw new WeightFormatException(source, "not a .npy file (missing the \\x93NUMPY magic)");
      }
    }
    int major = pre[6] & 0xff;
    int headerLenBytes = switch (major) {
      case 1 -> 2;
      case 2, 3 -> 4;
      default -> throw new WeightFormatException(source, "unsupported .npy version " + major + "."
          + (pre[7] & 0xff) + " (supported: 1.0, 2.0, 3.0)");
    };
    byte[] lenBytes = new byte[4];
    System.arraycopy(pre, 8, lenBytes, 0, 2);
    if (headerLenBytes == 4 && in.readNBytes(lenBytes, 2, 2) < 2) {
      throw new WeightFormatException(source, "truncated .npy header");
    }
    int start = 8 + headerLenBytes;
    long headerLen = 0;
    for (int i = headerLenBytes - 1; i >= 0; i--) {
      headerLen = (headerLen << 8) | (lenBytes[i] & 0xff);
    }
    if (headerLen > MAX_HEADER) {
      throw new WeightFormatException(source, "implausible .npy header of " + headerLen + " bytes (at most "
          + MAX_HEADER + ")");
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    if (headerBytes.length < headerLen) {
      throw new WeightFormatException(source, "truncated .npy header: declares " + headerLen
          + " bytes, file has " + headerBytes.length + " after the preamble");
    }
    String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> dict;
    try {
      dict = new HeaderParser(header).dict();
    } catch (IllegalArgumentException e) {
      throw new WeightFormatException(source, "bad .npy header: " + e.getMessage());
    }
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shapeObj = dict.get("shape");
    if (!(descr instanceof String d) || !(fortran instanceof Boolean f)
        || !(shapeObj instanceof long[] shape)) {
      throw new WeightFormatException(source,
          "bad .npy header: need 'descr' (string), 'fortran_order' (bool), 'shape' (tuple): " + header.strip());
    }
    if (f) {
      throw new WeightFormatException(source, "fortran_order=True is not supported; save the array"
          + " in C order (numpy.ascontiguousarray)");
    }
    boolean float64;
    ByteOrder order;
    switch (d) {
      case "<f4", "<f8", ">f4", ">f8" -> {
        float64 = d.endsWith("8");
        order = d.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      }
      default -> throw new WeightFormatException(source, "dtype '" + d
          + "' is not supported; need float32 or float64 ('<f4' or '<f8')");
    }
    long count;
    try {
      count = NamedArray.elementCount(name, shape);
    } catch (IllegalArgumentException e) {
      throw new WeightFormatException(source, e.getMessage());
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
  static NamedArray data(String source, Header h, InputStream in) throws WeightFormatException, IOException {
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
        throw new WeightFormatException(source, "truncated data: shape " + Arrays.toString(h.shape())
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
      throw new WeightFormatException(source, "more data than its .npy header promises: shape "
          + Arrays.toString(h.shape()) + " of " + h.dtype() + " needs " + need + " bytes");
    }
    return new NamedArray(h.name(), h.shape(), out, h.dtype());
  }

  /**
   * Reads the {@code .npy} file {@code file}; the array is named after the file without its
   * {@code .npy} suffix. The file is read whole (its size bounds the memory).
   */
  public static NamedArray read(Path file) throws WeightFormatException {
    Objects.requireNonNull(file, "file");
    Path fn = file.getFileName();
    String name = fn == null ? file.toString() : fn.toString();
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) {
      name = name.substring(0, name.length() - 4);
    }
    return read(file.toString(), name, readAll(file));
  }

  /** All bytes of {@code file}, failing with a {@link WeightFormatException} naming it. */
  static byte[] readAll(Path file) throws WeightFormatException {
    try {
      if (Files.isDirectory(file)) {
        throw new WeightFormatException(file.toString(), "is a directory");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new WeightFormatException(file.toString(), "no such file");
    } catch (WeightFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new WeightFormatException(file.toString(), "cannot be read: " + e);
    } catch (OutOfMemoryError e) {
      throw new WeightFormatException(file.toString(), "cannot be read: out of memory (raise -Xmx)");
    }
  }

  /**
   * Writes {@code array} to {@code out} as a float32 C-order {@code .npy} (the array's name is
   * not stored; {@code .npy} names an array by its file). The data is encoded in 64 KiB chunks.
   */
  public static void write(NamedArray array, OutputStream out) throws IOException {
    Objects.requireNonNull(array, "array");
    Objects.requireNonNull(out, "out");
    out.write(header(array.shape()));
    FloatData.writeLittleEndian(array.data(), out);
  }

  /**
   * Writes {@code array} to {@code file} atomically (a temporary file in the same directory,
   * then renamed over {@code file}): readers see the old file or the new one, never half of it.
   */
  public static void write(NamedArray array, Path file) throws IOException {
    Objects.requireNonNull(array, "array");
    AtomicFile.write(file, out -> write(array, out));
  }

  /**
   * The preamble and header of a float32 C-order array of {@code shape}: version 1.0 when the
   * header fits 65,535 bytes (else 2.0), padded with spaces and a newline so the data starts at
   * a multiple of 64 bytes, as numpy writes it.
   */
  static byte[] header(int[] shape) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    } else if (shape.length == 1) {
      dims.setLength(dims.length() - 1); // Python's one-tuple "(3,)"
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int major = dict.length() + 1 + MAGIC.length + 4 > 65535 ? 2 : 1;
    int pre = MAGIC.length + 2 + (major == 1 ? 2 : 4);
    int total = (pre + dict.length() + 1 + 63) / 64 * 64;
    int len = total - pre;
    ByteArrayOutputStream b = new ByteArrayOutputStream(total);
    b.writeBytes(MAGIC);
    b.write(major);
    b.write(0);
    for (int i = 0; i < (major == 1 ? 2 : 4); i++) {
      b.write((len >>> (8 * i)) & 0xff);
    }
    b.writeBytes(dict.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = dict.length(); i < len - 1; i++) {
      b.write(' ');
    }
    b.write('\n');
    return b.toByteArray();
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
