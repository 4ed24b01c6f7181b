package gradkernel.chain;

/**
 * What a {@link SequenceLayer} outputs per example: every hidden state h_1 … h_T as
 * [T, n] (row-major, so a batch is [batch, T, n]) or only the last one h_T as [n]. The upstream
 * gradient of backward has the same shape, so a loss can reach every step or only the last.
 */
public enum SequenceOutput {
  /** Output h_1 … h_T: [batch, T, n]; the layer can feed another sequence layer (stacking). */
  ALL_STEPS,
  /** Output h_T only: [batch, n] (PyTorch's {@code h_n} of this layer). */
  LAST_STEP
}
