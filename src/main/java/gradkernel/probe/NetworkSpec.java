package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.tensor.Matrix;
import java.util.List;

/**
 * A network to probe. Dense / residual: {@code weights.get(l)} is layer l+1's [out, in] weight and
 * {@code biases.get(l)} its bias (or null). RNN: {@code weights} holds the recurrent W [n, n] and
 * the input weight U [n, n]; {@code steps} is the unroll length. {@code initGain} is NaN for loaded
 * weights.
 */
record NetworkSpec(String name, String description, Kind kind, Activation activation, String init,
    double initGain, List<Matrix> weights, List<float[]> biases, int steps) {

  /** How the layers are wired. */
  enum Kind {
    DENSE, RESIDUAL, RNN;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Number of rows the probe reports: layers, or time steps for an RNN. */
  int depth() {
    return kind == Kind.RNN ? steps : weights.size();
  }

  /** Width of the network's input (columns of the first weight). */
  int inputWidth() {
    return weights.get(0).cols();
  }
}
