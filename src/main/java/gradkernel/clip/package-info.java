/**
 * Gradient clipping: global norm, per tensor, by value and adaptive (AGC), with a mergeable
 * {@link gradkernel.clip.NormAccumulator} and an explicit {@link gradkernel.clip.NonFinite}
 * policy.
 *
 * <p>Every tensor is a {@link gradkernel.tensor.Vec} view and only its elements are read or
 * written: {@code Vec.of(array)} for a whole array, {@code Gradients.values()} for a chain's slice
 * of a shared buffer, {@code ParameterSet.gradientViews()} for one view per parameter tensor.
 *
 * <pre>{@code
 * Vec gradW1 = Vec.of(w1Grad), gradB1 = Vec.of(b1Grad), gradW2 = grads.of(2, "weight");
 * double norm = Clip.byGlobalNorm(1.0, gradW1, gradB1, gradW2);   // returns the pre-clip L2 norm
 *
 * // Split API: accumulate while backward writes the gradients, then at most one scaling pass.
 * NormAccumulator acc = NormAccumulator.l2();
 * acc.add(gradW2);  acc.add(gradW1);                  // or addSumOfSquares(partial), merge(shard)
 * acc.requireFinite();                                // NonFiniteException: tensor, element, value
 * Clip.scaleToNorm(acc.norm(), 1.0, gradW1, gradW2);  // writes nothing when norm <= 1.0
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Norms never overflow or underflow for finite input: squares of floats are exact in
 *       double, and extreme partials are rescaled by powers of two (p = 2) or by max|x|
 *       (other p). 1000 values of 1e19 and 10 of 3.0 give 3.16227766e20 and clip to a finite,
 *       direction-preserving result. L2 relative error ≤ (n/2 + 2)·2⁻⁵³; other p
 *       ≤ (n + p + 4)·2⁻⁵²; the tests hold it to 10⁻⁶ of a BigDecimal reference.</li>
 *   <li>Scaling happens only when norm &gt; maxNorm, by maxNorm/norm·(1 − 2⁻²²) rounded down
 *       (one write pass; none otherwise). The post-clip norm lies within maxNorm·(1 ± 4ε),
 *       ε = 2⁻²³, and for up to 2²⁸ elements with normal-range results it is ≤ maxNorm as
 *       computed, so clipping is idempotent; subnormal results add at most √n·2⁻¹⁴⁹. Coefficients
 *       below float's normal range are applied as exact powers of two first, so even
 *       maxNorm/norm = 1e-60 keeps the direction.</li>
 *   <li>maxNorm (and by-value limit, AGC clipping/eps) must be finite and ≥ 0: NaN, negative or
 *       +∞ throw {@code IllegalArgumentException} before anything is written. maxNorm = 0 zeroes
 *       the gradients. Empty lists and empty tensors have norm 0.</li>
 *   <li>Aliasing: the scaling methods reject two non-empty views sharing an element (the same
 *       view twice, or overlapping ranges of one array), naming both positions, before anything
 *       is written; disjoint slices of one array, adjacent ones included, are separate tensors.
 *       Reading, clamping and zeroing accept overlap.</li>
 *   <li>Non-finite gradients: {@code THROW} (default) names the first tensor index, element index
 *       and value and leaves every buffer untouched; {@code SKIP} returns the non-finite norm
 *       (NaN if any NaN, else +∞) and writes nothing; {@code ZERO} zeroes the non-finite elements
 *       and clips the rest, returning the norm of the rest.</li>
 *   <li>Deterministic: tensors are cut into fixed 65536-element chunks whose partials are
 *       combined in tensor-then-chunk order, so results are bit-identical run to run and for any
 *       thread count; the methods taking a {@link gradkernel.tensor.Parallelism} compute the same
 *       partials on the library's shared workers and are bit-identical to the sequential ones. Results can differ in the last bits between
 *       vector widths (kernel blocking), within the stated bounds.</li>
 * </ul>
 *
 * <h2>Compared with other libraries</h2>
 * <ul>
 *   <li><b>PyTorch</b> {@code clip_grad_norm_} (1.13) takes per-tensor norms in the gradient's
 *       dtype: float32 gradients around 1e19 overflow to an inf total norm, the coefficient
 *       max_norm/(inf + 1e-6) is 0 and every gradient is zeroed (measured here). With
 *       {@code error_if_nonfinite=False} (its default) NaN/inf propagate into every gradient;
 *       with {@code True} it raises, naming no tensor. A negative max_norm is not rejected and
 *       flips the gradients' sign. It multiplies every gradient even when no clipping is needed
 *       (always a write pass). Here: exact double accumulation, THROW by default with the
 *       element's location, argument checks, and no write below the limit.</li>
 *   <li><b>Optax</b> {@code clip_by_global_norm} computes the norm in the updates' dtype and
 *       selects {@code t / g_norm * max_norm} when {@code g_norm >= max_norm}: a NaN norm fails
 *       the trigger test, so NaN propagates into every update. {@code adaptive_grad_clip}
 *       defines the AGC units used here (one unit per output unit; whole vector for 1-D
 *       parameters).</li>
 *   <li><b>TensorFlow</b> {@code tf.clip_by_global_norm} returns
 *       {@code t * clip_norm / max(global_norm, clip_norm)} for every tensor (always a write) and,
 *       documented, sets every entry to NaN when the global norm is infinite: one overflow or inf
 *       poisons all gradients.</li>
 * </ul>
 */
package gradkernel.clip;
