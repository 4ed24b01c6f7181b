package gradkernel.probe;

/** Where the first NaN or ±∞ appeared during backward: layer (1..L), flat element index, value. */
public record NonFiniteAt(int layer, int index, float value) {}
