package gradkernel.chain;

/**
 * Whether weight decay and L1/L2 penalties apply to a parameter tensor. By convention (PyTorch
 * recipes, AdamW papers) weight matrices decay, biases and normalization gains/shifts do not.
 */
public enum Decay {
  /** Penalties and decoupled weight decay apply (weight matrices). */
  APPLY,
  /** Exempt from penalties and weight decay (biases, normalization γ and β). */
  EXEMPT
}
