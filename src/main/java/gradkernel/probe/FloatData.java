package gradkernel.probe;

import gradkernel.io.NamedArray;
import gradkernel.io.WeightFormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The probe's bridge to {@code gradkernel.io}, where the weight-file formats live: decodes float
 * data, converts arrays to {@link Tensor}s and format errors to {@link WeightFileException}s.
 */
final class FloatData {
  /** Names of optimizer state in files written by {@code ParameterSet.save}: not weights. */
  static final String OPTIMIZER_STATE_PREFIX = "optim.";

  private FloatData() {}

  /**
   * {@code count} elements of 4 bytes (float32) or 8 bytes (float64, rounded to nearest float32)
   * starting at {@code offset}; the caller has checked that they lie within {@code bytes}.
   */
  static float[] decode(byte[] bytes, int offset, int count, boolean float64, ByteOrder order) {
    return gradkernel.io.FloatData.decode(bytes, offset, count, float64, order);
  }

  /** True for the tensors the probe reads: everything but optimizer state. */
  static boolean isWeight(String name) {
    return !name.startsWith(OPTIMIZER_STATE_PREFIX);
  }

  /** The same array as a probe tensor (data shared, not copied). */
  static Tensor tensor(NamedArray a) {
    return new Tensor(a);
  }

  /** The arrays as probe tensors, in order. */
  static List<Tensor> tensors(List<NamedArray> arrays) {
    List<Tensor> out = new ArrayList<>(arrays.size());
    arrays.forEach(a -> out.add(tensor(a)));
    return out;
  }

  /** The same problem as the probe's exception (same message). */
  static WeightFileException error(WeightFormatException e) {
    WeightFileException w = new WeightFileException(e.source(), e.problem());
    w.initCause(e);
    return w;
  }
}
