package gradkernel.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decodes IEEE float32/float64 element data into float32, as weight files store it. */
final class FloatData {
  private FloatData() {}

  /**
   * {@code count} elements of 4 bytes (float32) or 8 bytes (float64, rounded to nearest float32)
   * starting at {@code offset}; the caller has checked that they lie within {@code bytes}.
   */
  static float[] decode(byte[] bytes, int offset, int count, boolean float64, ByteOrder order) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, count * (float64 ? 8 : 4)).slice().order(order);
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
}
