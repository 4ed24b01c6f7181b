/**
 * Chained Jacobian products through deep networks: layers ({@link gradkernel.chain.Dense},
 * {@link gradkernel.chain.Residual}, {@link gradkernel.chain.Recurrent} unrolled over T steps, the
 * sequence layers {@link gradkernel.chain.Rnn}, {@link gradkernel.chain.Lstm}, {@link gradkernel.chain.Gru}
 * with PyTorch's weight layout and a per-call length T), {@link gradkernel.chain.LayerNorm},
 * {@link gradkernel.chain.BatchNorm}, {@link gradkernel.chain.Dropout}), a
 * {@link gradkernel.chain.Chain} that checks consecutive shapes, a reusable
 * {@link gradkernel.chain.Tape} recording the forward pass, backward (VJP) with weight gradients
 * into a {@link gradkernel.chain.Gradients} buffer, forward-mode JVP, explicit Jacobians in
 * matrix-chain order, and a {@link gradkernel.chain.GradientProfile} of per-layer gradient norms,
 * gains, non-finite provenance and an exploding/vanishing verdict.
 *
 * <pre>{@code
 * Chain net = Chain.of(
 *     Dense.of(w1, 256, 784, b1, Activations.TANH),          // W is [out, in] row-major
 *     Residual.of(Dense.of(w2, 64, 256, b2, Activations.TANH),
 *                 Dense.of(w3, 256, 64, b3, Activations.IDENTITY)),
 *     Dense.of(w4, 10, 256, b4, Activations.IDENTITY));
 * Tape tape = net.newTape();                 // reusable; buffers grow only with the batch
 *                                            // (newTape(Tape.Keep.INPUT_GRADIENTS) also keeps
 *                                            // every layer's input gradient)
 * Gradients grads = new Gradients(net);      // dW [out, in] then db per dense layer
 * GradientProfile prof = new GradientProfile(net);
 * net.forward(tape, x, 0, batch);            // x is [batch, 784] row-major
 * Matrix dx = net.backward(tape, dLdy, 0, grads, prof);  // dLdy is [batch, 10]
 * prof.verdict();                            // STABLE / EXPLODING / VANISHING / NON_FINITE
 * double norm = NormAccumulator.l2()            // global norm of all dW, db: filled during
 *     .addSumOfSquares(prof.weightGradientSumOfSquares()).norm();   // backward, no extra read
 * Clip.scaleToNorm(norm, 1.0, grads.values()); // just this chain's slice; none when norm <= 1
 * }</pre>
 */
package gradkernel.chain;
