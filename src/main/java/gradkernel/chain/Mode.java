package gradkernel.chain;

/**
 * Training or evaluation behaviour of the layers that have one ({@link BatchNorm}: batch versus
 * running statistics; {@link Dropout}: random mask versus identity). Set it for a whole network
 * with {@link Chain#mode(Mode)}, as PyTorch's {@code model.train()} / {@code model.eval()}.
 */
public enum Mode {
  /** Batch statistics and running-average updates; dropout masks applied. */
  TRAIN,
  /** Running statistics; dropout is the identity. */
  EVAL
}
