package gradkernel.probe;

import java.util.List;

/**
 * The probe of one network. {@code growth} is ‖v_0‖/‖v_L‖ end to end; {@code verdict} is
 * EXPLODING, VANISHING or STABLE; {@code globalNorm} is the L2 norm over every weight and bias
 * gradient; {@code clipCoefficient} = min(1, clipNorm/globalNorm), the factor clipping multiplies
 * the update by (NaN when no clip norm was set); {@code nonFinite} is null when every gradient
 * was finite; {@code spectralRadius} is ρ(W) for a recurrent network, else NaN; {@code width} is
 * the common width when every weight is square of one size, else -1 (see the rows' in/out).
 */
public record NetworkResult(String name, String description, String kind, String activation,
    String init, double initGain, int width, double spectralRadius, String verdict, double growth,
    double globalNorm, double clipNorm, double clipCoefficient, NonFiniteAt nonFinite,
    List<LayerStat> layers) {

  /** Copies the list. */
  public NetworkResult {
    layers = List.copyOf(layers);
  }

  /** The norm of the whole update after clipping: globalNorm × clipCoefficient. */
  public double clippedNorm() {
    return Double.isNaN(clipCoefficient) ? globalNorm : globalNorm * clipCoefficient;
  }
}
