package gradkernel.probe;

import gradkernel.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds .npy, .npz and .safetensors files byte by byte, as NumPy and safetensors write them. */
final class TestFiles {
  private TestFiles() {}

  /** A .npy file: version major (1, 2 or 3), descr such as "<f4", C order unless fortran. */
  static byte[] npy(int major, String descr, boolean fortran, int[] shape, double[] values) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
        : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
        + ", 'shape': " + tuple + ", }";
    int lenBytes = major == 1 ? 2 : 4;
    int preamble = 8 + lenBytes;
    int total = preamble + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(padded + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    boolean f8 = descr.endsWith("8");
    b.order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (f8) {
        b.putDouble(v);
      } else if (descr.endsWith("f4")) {
        b.putFloat((float) v);
      } else {
        b.putLong((long) v);
      }
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  /** A float32 little-endian .npy (version 1). */
  static byte[] npy(int[] shape, double[] values) {
    return npy(1, "<f4", false, shape, values);
  }

  /** A zip of .npy members named key + ".npy", stored (no compression) or deflated. */
  static byte[] npz(Map<String, byte[]> members, boolean deflate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : members.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey() + ".npy");
        if (!deflate) {
          ze.setMethod(ZipEntry.STORED);
          ze.setSize(e.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          ze.setCrc(crc.getValue());
        }
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** One safetensors tensor: name, dtype "F32"/"F64"/..., shape and values. */
  record St(String name, String dtype, int[] shape, double[] values) {}

  /** A .safetensors file holding {@code tensors} in the given order, with a __metadata__ entry. */
  static byte[] safetensors(List<St> tensors) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (St t : tensors) {
      boolean f8 = t.dtype().equals("F64");
      ByteBuffer b = ByteBuffer.allocate(t.values().length * (f8 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : t.values()) {
        if (f8) {
          b.putDouble(v);
        } else {
          b.putFloat((float) v);
        }
      }
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("dtype", t.dtype());
      spec.put("shape", Arrays.stream(t.shape()).boxed().toList());
      spec.put("data_offsets", List.of(data.size(), data.size() + b.capacity()));
      header.put(t.name(), spec);
      data.writeBytes(b.array());
    }
    return safetensors(Json.write(header), data.toByteArray());
  }

  /** A .safetensors file from a raw header text and data buffer. */
  static byte[] safetensors(String headerJson, byte[] data) {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }

  /** values 0, 1, 2, ... scaled by {@code scale}. */
  static double[] ramp(int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * scale;
    }
    return v;
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }
}
