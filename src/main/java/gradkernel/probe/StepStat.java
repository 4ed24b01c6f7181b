package gradkernel.probe;

/**
 * One time step of one recurrent layer: {@code layer} k (0-based from the input) and {@code step}
 * t in 0 … T, {@code hiddenGradNorm} = ‖∂L/∂h_t‖₂ (Frobenius over the batch; the total gradient
 * through time and from the layer above), {@code cellGradNorm} = ‖∂L/∂c_t‖₂ for an LSTM (NaN for
 * other cells and at t = T, which the profile does not record).
 */
public record StepStat(int layer, int step, double hiddenGradNorm, double cellGradNorm) {}
