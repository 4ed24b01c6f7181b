package gradkernel.probe;

import gradkernel.activation.Activation;
import gradkernel.tensor.Matrix;
import java.util.List;

/**
 * A network to probe. Dense / residual: {@code weights.get(l)} is layer l+1's [out, in] weight and
 * {@code biases.get(l)} its bias (or null). RNN: {@code weights} holds the recurrent W [n, n] and
 * the input weight U [n, n]; {@code activations} holds one activation per layer, or one for all; {@code steps} is the unroll length. {@code initGain} is NaN for loaded
 * weights.
 */
record NetworkSpec(String name, String description, Kind kind, List<Activation> activations,
    String init, double initGain, List<Matrix> weights, List<float[]> biases, int steps) {

  /** Copies the activation list. */
  NetworkSpec {
    activations = List.copyOf(activations);
  }

  /** Activation of layer l (0-based); an RNN has one, shared by its steps. */
  Activation activation(int l) {
    return activations.get(activations.size() == 1 ? 0 : l);
  }

  /** The activation names, comma-separated when they differ per layer. */
  String activationNames() {
    return String.join(",", activations.stream().map(Activation::name).distinct().count() == 1
        ? List.of(activations.get(0).name()) : activations.stream().map(Activation::name).toList());
  }

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
