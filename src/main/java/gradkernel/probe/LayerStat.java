package gradkernel.probe;

/**
 * One row of a probe: layer (or time step) {@code index} in 1..L, counted from the input.
 * {@code gradNorm} is ‖v_(l-1)‖₂, the norm of the gradient at the layer's input after the backward
 * pass crossed it (Frobenius over the batch; the upstream ‖v_L‖ is 1); {@code gain} is
 * ‖v_(l-1)‖/‖v_l‖; {@code spectralNorm} is σ_max(W_l); {@code upperBound}/{@code lowerBound} bound
 * {@code gradNorm} from the spectra and the activation derivatives (NaN where undefined);
 * {@code weightGradNorm} is ‖(dW_l, db_l)‖₂.
 */
public record LayerStat(int index, double gradNorm, double gain, double spectralNorm,
    double upperBound, double lowerBound, double weightGradNorm) {}
