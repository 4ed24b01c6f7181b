/**
 * gradkernel: gradient flow through deep networks on the JDK Vector API.
 *
 * <p>Exported, checked API (every public method validates its arguments before writing anything):
 * {@code gradkernel.tensor} (views, {@code Blas}: every BLAS-level kernel), {@code activation},
 * {@code chain}, {@code clip}, {@code spectral}, {@code init}, {@code loss}, {@code optim},
 * {@code train}, and {@code io} (weight files: {@code .npy}, {@code .npz}, {@code .safetensors}
 * readers and writers that bound memory by the file's own checked sizes; a JSON reader/writer).
 *
 * <p>Not exported:
 * <ul>
 *   <li>{@code gradkernel.kernel}, the unchecked kernels (raw arrays, offsets, no validation) and
 *       the only package that imports {@code jdk.incubator.vector}. The library reaches them
 *       through {@code Kernels.active()}; users reach them, checked, through
 *       {@code gradkernel.tensor.Blas}.
 *   <li>{@code gradkernel.probe}, the command-line probe ({@code bin/gradkernel probe}, or
 *       {@code java --add-modules jdk.incubator.vector -p gradkernel.jar -m
 *       gradkernel/gradkernel.probe.Main probe}); its classes and JSON are output, not API.
 * </ul>
 *
 * <p>{@code jdk.incubator.vector} is required only statically: where the module is absent at run
 * time (no {@code --add-modules jdk.incubator.vector}), the scalar reference kernels run instead,
 * with the same results within the documented rounding bounds.
 */
module gradkernel {
  requires static jdk.incubator.vector;

  exports gradkernel.tensor;
  exports gradkernel.activation;
  exports gradkernel.chain;
  exports gradkernel.spectral;
  exports gradkernel.init;
  exports gradkernel.clip;
  exports gradkernel.loss;
  exports gradkernel.optim;
  exports gradkernel.train;
  exports gradkernel.io;
}
