package gradkernel.probe;

/**
 * Where the first NaN or ±∞ appeared during backward: {@code layer} is 0-based, the gradient at
 * the input of layer (or step) 0..L−1, or L for the upstream gradient at the output; flat element
 * index within that gradient [batch, width]; the value found (NaN where the gradient is not kept).
 */
public record NonFiniteAt(int layer, int index, float value) {}
