/**
 * gradkernel: gradient flow through deep networks on the JDK Vector API.
 *
 * <p>{@code jdk.incubator.vector} is required only statically: where the module is absent at run
 * time, {@link gradkernel.kernel.Kernels#active()} falls back to the scalar reference kernels.
 */
module gradkernel {
  requires static jdk.incubator.vector;

  exports gradkernel.kernel;
  exports gradkernel.tensor;
  exports gradkernel.activation;
  exports gradkernel.chain;
  exports gradkernel.probe;
  exports gradkernel.spectral;
  exports gradkernel.init;
  exports gradkernel.clip;
  exports gradkernel.train;
}
