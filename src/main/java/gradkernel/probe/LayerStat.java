package gradkernel.probe;

/**
 * One row of a probe: layer (or time step) {@code index} in 0..L−1, counted from the input.
 * {@code gradNorm} is ‖v_l‖₂, the norm of the gradient at the layer's input after the backward
 * pass crossed it (Frobenius over the batch; the upstream ‖v_L‖ is 1); {@code gain} is
 * ‖v_l‖/‖v_(l+1)‖; {@code spectralNorm} is σ_max(W_l); the bounds on {@code gradNorm} from the
 * spectra and activation derivatives are kept as log10 so that deep chains neither overflow nor
 * underflow them (NaN where undefined, e.g. no lower bound for a non-square W);
 * {@code weightGradNorm} is ‖(dW_l, db_l)‖₂; {@code in} and {@code out} are the layer's input and
 * output widths (W_l is [out, in]; for an RNN step both are the hidden width).
 */
public record LayerStat(int index, double gradNorm, double gain, double spectralNorm,
    double log10UpperBound, double log10LowerBound, double weightGradNorm, int in, int out) {

  /** The upper bound on gradNorm (+∞ if beyond double range, NaN if undefined). */
  public double upperBound() {
    return Math.pow(10, log10UpperBound);
  }

  /** The lower bound on gradNorm (0 if below double range, NaN if undefined). */
  public double lowerBound() {
    return Math.pow(10, log10LowerBound);
  }
}
