package gradkernel.probe;

import java.util.List;

/**
 * The probe of one network. {@code kind} is dense, residual, rnn (the unrolled vanilla RNN of the
 * suite and --rnn-steps: rows are time steps) or recurrent (a stack of {@code cell} = rnn, lstm
 * or gru layers read from a state_dict: rows are layers, {@code steps} holds the per-step norms);
 * {@code cell} is null and {@code steps} empty for the other kinds; {@code sequenceLength} is T
 * for rnn and recurrent, else 0. {@code growth} is ‖v_0‖/‖v_L‖ end to end; {@code verdict} is
 * EXPLODING, VANISHING or STABLE; {@code globalNorm} is the L2 norm over every weight and bias
 * gradient; {@code clipCoefficient} = min(1, clipNorm/globalNorm), the factor clipping multiplies
 * the update by (NaN when no clip norm was set); {@code nonFinite} is null when every gradient
 * was finite; {@code spectralRadius} is ρ(W) for a recurrent network, else NaN; {@code width} is
 * the common width when every weight is square of one size, else -1 (see the rows' in/out).
 */
public record NetworkResult(String name, String description, String kind, String cell,
    String activation, String init, double initGain, int width, int sequenceLength,
    double spectralRadius, String verdict, double growth, double globalNorm, double clipNorm,
    double clipCoefficient, NonFiniteAt nonFinite, List<LayerStat> layers, List<StepStat> steps) {

  /** Copies the lists. */
  public NetworkResult {
    layers = List.copyOf(layers);
    steps = List.copyOf(steps);
  }

  /** A dense or residual network: no cell, no sequence, no step rows. */
  public NetworkResult(String name, String description, String kind, String activation,
      String init, double initGain, int width, double spectralRadius, String verdict,
      double growth, double globalNorm, double clipNorm, double clipCoefficient,
      NonFiniteAt nonFinite, List<LayerStat> layers) {
    this(name, description, kind, null, activation, init, initGain, width, 0, spectralRadius,
        verdict, growth, globalNorm, clipNorm, clipCoefficient, nonFinite, layers, List.of());
  }

  /** The norm of the whole update after clipping: globalNorm × clipCoefficient. */
  public double clippedNorm() {
    return Double.isNaN(clipCoefficient) ? globalNorm : globalNorm * clipCoefficient;
  }
}
