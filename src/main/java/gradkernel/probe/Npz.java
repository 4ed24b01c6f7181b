package gradkernel.probe;

import gradkernel.io.NpzFormat;
import gradkernel.io.WeightFormatException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reader for NumPy's {@code .npz} as the probe uses it: a thin wrapper over {@link NpzFormat}
 * (members streamed, sizes checked against headers and a memory budget), skipping optimizer
 * state ({@code optim.*}, written by {@code ParameterSet.save}) without inflating it.
 */
public final class Npz {
  private Npz() {}

  /** The weight members of the archive at {@code file}, in archive order, within the default budget. */
  public static List<Tensor> read(Path file) throws WeightFileException {
    return read(file, (long) (Runtime.getRuntime().maxMemory() * 0.7));
  }

  /**
   * The weight members of the archive at {@code file}, in archive order; the data bytes their
   * headers promise may total at most {@code maxDataBytes}.
   */
  static List<Tensor> read(Path file, long maxDataBytes) throws WeightFileException {
    try {
      return FloatData.tensors(NpzFormat.read(file, maxDataBytes, FloatData::isWeight).arrays());
    } catch (WeightFormatException e) {
      throw FloatData.error(e);
    }
  }
}
