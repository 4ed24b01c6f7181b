package gradkernel.probe;

import gradkernel.io.NpyFormat;
import gradkernel.io.WeightFormatException;

/**
 * Reader for NumPy's {@code .npy} format as the probe uses it: a thin wrapper over
 * {@link NpyFormat} (versions 1.0–3.0, float32/float64, C order), with the probe's types.
 */
public final class Npy {
  private Npy() {}

  /** Parses a whole {@code .npy} file held in {@code bytes}; {@code source} names it in messages. */
  public static Tensor read(String source, String name, byte[] bytes) throws WeightFileException {
    try {
      return FloatData.tensor(NpyFormat.read(source, name, bytes));
    } catch (WeightFormatException e) {
      throw FloatData.error(e);
    }
  }
}
