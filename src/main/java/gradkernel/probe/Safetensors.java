package gradkernel.probe;

import gradkernel.io.SafetensorsFormat;
import gradkernel.io.WeightFormatException;
import java.util.List;

/**
 * Reader for {@code .safetensors} as the probe uses it: a thin wrapper over
 * {@link SafetensorsFormat} (offsets validated, F32/F64, file order), skipping optimizer state
 * ({@code optim.*}, written by {@code ParameterSet.save}).
 */
public final class Safetensors {
  private Safetensors() {}

  /** Parses a whole {@code .safetensors} file held in {@code bytes}: its weight tensors. */
  public static List<Tensor> read(String source, byte[] bytes) throws WeightFileException {
    try {
      return FloatData.tensors(SafetensorsFormat.read(source, bytes, FloatData::isWeight).arrays());
    } catch (WeightFormatException e) {
      throw FloatData.error(e);
    }
  }
}
