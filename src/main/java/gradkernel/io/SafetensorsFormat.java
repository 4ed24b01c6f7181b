package gradkernel.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reader and writer of the {@code .safetensors} format: an unsigned 64-bit little-endian header length N,
 * N bytes of UTF-8 JSON mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets [begin, end)} (relative to the byte after the header; the optional
 * {@code __metadata__} entry is a string-to-string map), then the little-endian data. Supported
 * dtypes: F32, F64 (the writer stores F32, header padded with spaces to a multiple of 8 bytes, as
 * the reference implementation does).
 * Offsets are validated: inside the data buffer, of the size dtype × shape implies, and
 * non-empty tensors must not overlap (zero-size tensors may share any offset, whatever the key
 * order). Tensors are returned in data order (ascending begin offset), i.e. file order.
 */
public final class SafetensorsFormat {
  /** The reference implementation refuses headers above 100 MB; so does this reader. */
  private static final long MAX_HEADER = 100_000_000L;

  private SafetensorsFormat() {}

  /** Every tensor and the metadata of the {@code .safetensors} file {@code file} (read whole). */
  public static WeightFile read(Path file) throws WeightFormatException {
    Objects.requireNonNull(file, "file");
    return read(file.toString(), NpyFormat.readAll(file), name -> true);
  }

  /**
   * Parses a whole {@code .safetensors} file held in {@code bytes} ({@code source} names it in
   * messages): every entry is validated, only those whose name {@code keep} accepts are decoded.
   */
  public static WeightFile read(String source, byte[] bytes, Predicate<String> keep)
      throws WeightFormatException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(keep, "keep");
    if (bytes.length < 8) {
      throw new WeightFormatException(source, "not a .safetensors file (only " + bytes.length + " bytes)");
    }
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n > MAX_HEADER) {
      throw new WeightFormatException(source, "not a .safetensors file (header length " + Long.toUnsignedString(n)
          + " is implausible)");
    }
    if (n > bytes.length - 8) {
      throw new WeightFormatException(source, "truncated: header declares " + n + " bytes, file has "
          + (bytes.length - 8) + " after the length");
    }
    Object parsed;
    try {
      parsed = Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new WeightFormatException(source, "bad header: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> header)) {
      throw new WeightFormatException(source, "bad header: expected a JSON object");
    }
    int dataStart = 8 + (int) n;
    long dataLen = bytes.length - dataStart;
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = Map.of();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        metadata = WeightFile.stringMap(source, "bad header: __metadata__", e.getValue());
        continue;
      }
      entries.add(entry(source, name, e.getValue(), dataLen));
    }
    entries.sort(Comparator.comparingLong(Entry::begin));
    List<NamedArray> out = new ArrayList<>(entries.size());
    long previousEnd = 0;
    String previous = null;
    for (Entry e : entries) {
      // Zero-size tensors occupy no bytes: they may share any offset, so only non-empty ones are
      // checked for overlap, and the verdict does not depend on the order of the header's keys.
      if (e.count > 0 && e.begin < previousEnd) {
        throw new WeightFormatException(source, "tensor '" + e.name + "' data_offsets [" + e.begin
            + ", " + e.end + ") overlap tensor '" + previous + "' ending at " + previousEnd);
      }
      if (e.count > 0) {
        previousEnd = e.end;
        previous = e.name;
      }
      if (keep.test(e.name)) {
        out.add(new NamedArray(e.name, e.shape, FloatData.decode(bytes, dataStart + (int) e.begin,
            (int) e.count, e.float64, ByteOrder.LITTLE_ENDIAN), e.float64 ? "float64" : "float32"));
      }
    }
    if (entries.isEmpty()) {
      throw new WeightFormatException(source, "the file holds no tensors");
    }
    return new WeightFile(out, metadata);
  }

  /**
   * Writes {@code arrays} as F32 tensors and {@code metadata} as {@code __metadata__} to
   * {@code file}, atomically; names are checked by {@link WeightFormat#checkNames}.
   */
  public static void write(Path file, List<NamedArray> arrays, Map<String, String> metadata)
      throws IOException {
    byte[] header = header(arrays, metadata);
    AtomicFile.write(file, out -> write(header, arrays, out));
  }

  /** Writes the same bytes as {@link #write(Path, List, Map)} to {@code out}. */
  public static void write(List<NamedArray> arrays, Map<String, String> metadata, OutputStream out)
      throws IOException {
    Objects.requireNonNull(out, "out");
    write(header(arrays, metadata), arrays, out);
  }

  private static void write(byte[] header, List<NamedArray> arrays, OutputStream out)
      throws IOException {
    out.write(header);
    for (NamedArray a : arrays) {
      FloatData.writeLittleEndian(a.data(), out);
    }
  }

  /** The length prefix and the JSON header, padded with spaces to a multiple of 8 bytes. */
  private static byte[] header(List<NamedArray> arrays, Map<String, String> metadata) {
    WeightFormat.checkNames(arrays);
    Objects.requireNonNull(metadata, "metadata");
    Map<String, Object> h = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      h.put("__metadata__", new LinkedHashMap<>(metadata));
    }
    long at = 0;
    for (NamedArray a : arrays) {
      long end = at + 4L * a.data().length;
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("dtype", "F32");
      spec.put("shape", Arrays.stream(a.shape()).boxed().toList());
      spec.put("data_offsets", List.of(at, end));
      h.put(a.name(), spec);
      at = end;
    }
    byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    while (b.hasRemaining()) {
      b.put((byte) ' ');
    }
    return b.array();
  }

  private record Entry(String name, int[] shape, boolean float64, long count, long begin, long end) {}

  private static Entry entry(String source, String name, Object spec, long dataLen)
      throws WeightFormatException {
    String where = "tensor '" + name + "'";
    if (!(spec instanceof Map<?, ?> m)) {
      throw new WeightFormatException(source, where + ": header entry is not an object");
    }
    Object dtype = m.get("dtype");
    boolean float64;
    if ("F32".equals(dtype)) {
      float64 = false;
    } else if ("F64".equals(dtype)) {
      float64 = true;
    } else {
      throw new WeightFormatException(source, where + ": dtype " + dtype
          + " is not supported; need F32 or F64");
    }
    long[] shape = longs(source, where, "shape", m.get("shape"));
    long[] offsets = longs(source, where, "data_offsets", m.get("data_offsets"));
    if (offsets.length != 2) {
      throw new WeightFormatException(source, where + ": data_offsets must be [begin, end]");
    }
    long count;
    try {
      count = NamedArray.elementCount(where, shape);
    } catch (IllegalArgumentException e) {
      throw new WeightFormatException(source, e.getMessage());
    }
    long begin = offsets[0];
    long end = offsets[1];
    long size = count * (float64 ? 8 : 4);
    if (begin > end || end > dataLen) {
      throw new WeightFormatException(source, where + ": data_offsets [" + begin + ", " + end
          + ") outside the data buffer of " + dataLen + " bytes" + (end > dataLen ? " (truncated file?)" : ""));
    }
    if (end - begin != size) {
      throw new WeightFormatException(source, where + ": shape " + Arrays.toString(shape)
          + " of " + dtype + " needs " + size + " bytes but data_offsets span " + (end - begin));
    }
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i];
    }
    return new Entry(name, dims, float64, count, begin, end);
  }

  private static long[] longs(String source, String where, String key, Object v)
      throws WeightFormatException {
    if (!(v instanceof List<?> list)) {
      throw new WeightFormatException(source, where + ": '" + key + "' must be a list of integers");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long x) || x < 0) {
        throw new WeightFormatException(source, where + ": '" + key + "' must hold non-negative integers, got " + list);
      }
      out[i] = x;
    }
    return out;
  }
}
