package gradkernel.spark;

import gradkernel.chain.Chain;
import java.io.Serializable;

/** Builds the model's architecture on a worker (a {@link Chain} is not serializable; its weights travel separately). */
@FunctionalInterface
public interface ModelFactory extends Serializable {
  /** A chain of the model's architecture (any parameter values: they are replaced). */
  Chain build();
}
