package gradkernel.probe;

import gradkernel.init.Init;
import gradkernel.tensor.Matrix;

/** The probe's --init names mapped onto {@link gradkernel.init.Init}; --gain multiplies each. */
final class Initializers {
  private Initializers() {}

  /**
   * A seeded [out, in] weight: xavier[-uniform] (gain·Glorot), he[-uniform] (gain·√2 fan-in, so
   * gain 1 is standard He for ReLU), lecun (gain/√fan_in), orthogonal (gain·Q).
   */
  static Matrix weight(String init, double gain, int out, int in, long seed) throws UsageException {
    Matrix m = Matrix.zeros(out, in);
    try {
      fill(m, init, gain, seed);
    } catch (IllegalArgumentException e) {
      // The shape and name are valid by construction: what Init rejects is the gain.
      throw new UsageException("--gain " + gain + " with --init " + init + ": " + e.getMessage(),
          ProbeCli.USAGE);
    }
    return m;
  }

  private static void fill(Matrix m, String init, double gain, long seed) {
    switch (init) {
      case "xavier" -> Init.xavierNormal(m, gain, seed);
      case "xavier-uniform" -> Init.xavierUniform(m, gain, seed);
      case "he" -> Init.heNormal(m, gain * Math.sqrt(2), Init.Mode.FAN_IN, seed);
      case "he-uniform" -> Init.heUniform(m, gain * Math.sqrt(2), Init.Mode.FAN_IN, seed);
      case "lecun" -> Init.heNormal(m, gain, Init.Mode.FAN_IN, seed); // LeCun normal × gain
      case "orthogonal" -> Init.orthogonal(m, gain, seed);
      default -> throw new IllegalArgumentException("init: unknown initializer '" + init + "'");
    }
  }
}
