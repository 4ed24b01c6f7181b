package gradkernel.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.CRC32;

/** Encodes and decodes IEEE float32/float64 element data as weight files store it. */
public final class FloatData {
  /** Bytes encoded per chunk by the writers: memory stays bounded whatever the array size. */
  private static final int CHUNK = 1 << 16;

  private FloatData() {}

  /**
   * {@code count} elements of 4 bytes (float32) or 8 bytes (float64, rounded to nearest float32)
   * in byte {@code order}, starting at byte {@code offset} of {@code bytes}.
   *
   * @throws IllegalArgumentException if {@code offset} or {@code count} is negative or the
   *     elements do not lie within {@code bytes}
   */
  public static float[] decode(byte[] bytes, int offset, int count, boolean float64, ByteOrder order) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(order, "order");
    long len = (long) count * (float64 ? 8 : 4);
    if (offset < 0 || count < 0 || len > bytes.length - (long) offset) {
      throw new IllegalArgumentException("offset " + offset + ", count " + count + " of "
          + (float64 ? "float64" : "float32") + " (" + len + " bytes) outside " + bytes.length
          + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, (int) len).slice().order(order);
    float[] out = new float[count];
    if (float64) {
      java.nio.DoubleBuffer d = b.asDoubleBuffer();
      for (int i = 0; i < count; i++) {
        out[i] = (float) d.get(i);
      }
    } else {
      b.asFloatBuffer().get(out);
    }
    return out;
  }

  /** Writes {@code data} as little-endian float32, in chunks of 64 KiB (no whole-array copy). */
  static void writeLittleEndian(float[] data, OutputStream out) throws IOException {
    byte[] buf = new byte[Math.min(CHUNK, Math.max(4, data.length * 4))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(buf.length / 4, data.length - at);
      bb.asFloatBuffer().put(data, at, n);
      out.write(buf, 0, n * 4);
      at += n;
    }
  }

  /** CRC-32 of {@code prefix} followed by {@code data} as little-endian float32 (for zip STORED). */
  static long crc(byte[] prefix, float[] data) {
    CRC32 crc = new CRC32();
    crc.update(prefix);
    try {
      writeLittleEndian(data, new OutputStream() {
        @Override
        public void write(int b) {
          crc.update(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          crc.update(b, off, len);
        }
      });
    } catch (IOException e) {
      throw new AssertionError("a CRC cannot fail to update", e);
    }
    return crc.getValue();
  }
}
