package gradkernel.probe;

import gradkernel.io.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reader for the {@code .safetensors} format: an unsigned 64-bit little-endian header length N,
 * N bytes of UTF-8 JSON mapping each tensor name to {@code dtype}, {@code shape} and
 * {@code data_offsets [begin, end)} (relative to the byte after the header; the optional
 * {@code __metadata__} entry is ignored), then the little-endian data. Supported dtypes: F32, F64.
 * Offsets are validated: inside the data buffer, of the size dtype × shape implies, and
 * non-empty tensors must not overlap (zero-size tensors may share any offset, whatever the key
 * order). Tensors are returned in data order (ascending begin offset), i.e. file order.
 */
public final class Safetensors {
  /** The reference implementation refuses headers above 100 MB; so does this reader. */
  private static final long MAX_HEADER = 100_000_000L;

  private Safetensors() {}

  /** Parses a whole {@code .safetensors} file held in {@code bytes}. */
  public static List<Tensor> read(String source, byte[] bytes) throws WeightFileException {
    if (bytes.length < 8) {
      throw new WeightFileException(source, "not a .safetensors file (only " + bytes.length + " bytes)");
    }
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n > MAX_HEADER) {
      throw new WeightFileException(source, "not a .safetensors file (header length " + Long.toUnsignedString(n)
          + " is implausible)");
    }
    if (n > bytes.length - 8) {
      throw new WeightFileException(source, "truncated: header declares " + n + " bytes, file has "
          + (bytes.length - 8) + " after the length");
    }
    Object parsed;
    try {
      parsed = Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(source, "bad header: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> header)) {
      throw new WeightFileException(source, "bad header: expected a JSON object");
    }
    int dataStart = 8 + (int) n;
    long dataLen = bytes.length - dataStart;
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      entries.add(entry(source, name, e.getValue(), dataLen));
    }
    entries.sort(Comparator.comparingLong(Entry::begin));
    List<Tensor> out = new ArrayList<>(entries.size());
    long previousEnd = 0;
    String previous = null;
    for (Entry e : entries) {
      // Zero-size tensors occupy no bytes: they may share any offset, so only non-empty ones are
      // checked for overlap, and the verdict does not depend on the order of the header's keys.
      if (e.count > 0 && e.begin < previousEnd) {
        throw new WeightFileException(source, "tensor '" + e.name + "' data_offsets [" + e.begin
            + ", " + e.end + ") overlap tensor '" + previous + "' ending at " + previousEnd);
      }
      if (e.count > 0) {
        previousEnd = e.end;
        previous = e.name;
      }
      out.add(new Tensor(e.name, e.shape, FloatData.decode(bytes, dataStart + (int) e.begin,
          (int) e.count, e.float64, ByteOrder.LITTLE_ENDIAN), e.float64 ? "float64" : "float32"));
    }
    if (out.isEmpty()) {
      throw new WeightFileException(source, "the file holds no tensors");
    }
    return out;
  }

  private record Entry(String name, int[] shape, boolean float64, long count, long begin, long end) {}

  private static Entry entry(String source, String name, Object spec, long dataLen)
      throws WeightFileException {
    String where = "tensor '" + name + "'";
    if (!(spec instanceof Map<?, ?> m)) {
      throw new WeightFileException(source, where + ": header entry is not an object");
    }
    Object dtype = m.get("dtype");
    boolean float64;
    if ("F32".equals(dtype)) {
      float64 = false;
    } else if ("F64".equals(dtype)) {
      float64 = true;
    } else {
      throw new WeightFileException(source, where + ": dtype " + dtype
          + " is not supported; need F32 or F64");
    }
    long[] shape = longs(source, where, "shape", m.get("shape"));
    long[] offsets = longs(source, where, "data_offsets", m.get("data_offsets"));
    if (offsets.length != 2) {
      throw new WeightFileException(source, where + ": data_offsets must be [begin, end]");
    }
    long count;
    try {
      count = Tensor.elementCount(where, shape);
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(source, e.getMessage());
    }
    long begin = offsets[0];
    long end = offsets[1];
    long size = count * (float64 ? 8 : 4);
    if (begin > end || end > dataLen) {
      throw new WeightFileException(source, where + ": data_offsets [" + begin + ", " + end
          + ") outside the data buffer of " + dataLen + " bytes" + (end > dataLen ? " (truncated file?)" : ""));
    }
    if (end - begin != size) {
      throw new WeightFileException(source, where + ": shape " + java.util.Arrays.toString(shape)
          + " of " + dtype + " needs " + size + " bytes but data_offsets span " + (end - begin));
    }
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i];
    }
    return new Entry(name, dims, float64, count, begin, end);
  }

  private static long[] longs(String source, String where, String key, Object v)
      throws WeightFileException {
    if (!(v instanceof List<?> list)) {
      throw new WeightFileException(source, where + ": '" + key + "' must be a list of integers");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long x) || x < 0) {
        throw new WeightFileException(source, where + ": '" + key + "' must hold non-negative integers, got " + list);
      }
      out[i] = x;
    }
    return out;
  }
}
