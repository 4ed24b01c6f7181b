/**
 * Training: a {@link gradkernel.optim.ParameterSet} (named tensors of a chain in flat value,
 * gradient and optimizer-state arrays), optimizers with torch.optim semantics
 * ({@link gradkernel.optim.Sgd}, {@link gradkernel.optim.RmsProp}, {@link gradkernel.optim.Adagrad},
 * {@link gradkernel.optim.Adam}, {@link gradkernel.optim.AdamW}) whose
 * {@link gradkernel.optim.Optimizer#step(gradkernel.clip.NormAccumulator, double) step} fuses
 * global-norm clipping, L1/L2 penalties, the state update and the weight update into one pass,
 * with an explicit {@link gradkernel.optim.OnNonFinite} policy, and
 * {@link gradkernel.optim.LearningRate} schedules. See the README's Training section for the
 * equations side by side.
 */
package gradkernel.optim;
