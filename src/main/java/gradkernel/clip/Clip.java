package gradkernel.clip;

import gradkernel.tensor.Checks;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Vec;
import java.util.Objects;

/**
 * Overflow-safe gradient clipping over lists of float tensors, treated as one concatenated vector
 * unless the method says per tensor or per unit. A tensor is a {@link Vec} view: exactly its
 * {@code length} elements from {@code offset} are read and written, never the rest of its backing
 * array (so {@code Gradients.values()}, a chain's slice of a shared buffer, clips just that
 * slice); {@code Vec.of(array)} views a whole array. See the package documentation for semantics
 * and the comparison with PyTorch, Optax and TensorFlow.
 *
 * <p>Common contract: norms come from {@link NormAccumulator} (finite for finite input of any
 * magnitude, relative error ≤ (n/2 + 2)·2⁻⁵³ for L2). A clip scales only when norm &gt; maxNorm,
 * by {@link #clipCoefficient} = maxNorm/norm·(1 − 2⁻²²) rounded down to float, so the post-clip
 * norm lies in [maxNorm·(1 − 4ε), maxNorm·(1 + 4ε)] (ε = 2⁻²³); for n ≤ 2²⁸ elements and results
 * above float's subnormal range it is even ≤ maxNorm as computed here, which makes clipping
 * idempotent (a second clip writes nothing). Subnormal results add at most √n·2⁻¹⁴⁹ absolute.
 * Below the limit nothing is written. maxNorm/limit must be finite and ≥ 0 (0 zeroes the
 * gradients); all arguments are validated before any buffer is written. Non-finite gradients
 * follow a {@link NonFinite} policy, {@link NonFinite#THROW} by default.
 *
 * <p><b>Aliasing.</b> Methods that scale (byGlobalNorm*, scaleToNorm*, byTensorNorms) treat each
 * view as one tensor to scale once, so two non-empty views that share an element — the same view
 * twice, or different views over overlapping ranges of one array — are rejected with an
 * IllegalArgumentException naming both positions, before anything is read or written; disjoint
 * slices of one array (adjacent ones included) are distinct tensors. Methods that only read
 * ({@link #globalNorm}), clamp ({@link #byValue}) or zero non-finite elements (policy ZERO) accept
 * overlap: the norm is that of the concatenation (shared elements counted twice) and clamping or
 * zeroing twice is the same as once.
 */
public final class Clip {
  private Clip() {}

  /** L2 norm over all tensors as if concatenated; finite for finite input; throws on NaN/±∞. */
  public static double globalNorm(Vec... grads) {
    return globalNorm(2, NonFinite.THROW, grads);
  }

  /** p-norm (p ≥ 1 or +∞) over all tensors as if concatenated; throws on NaN/±∞. */
  public static double globalNorm(double p, Vec... grads) {
    return globalNorm(p, NonFinite.THROW, grads);
  }

  /**
   * p-norm over all tensors under a policy: THROW throws {@link NonFiniteException}; SKIP returns
   * NaN (any NaN) or +∞; ZERO zeroes the non-finite elements and returns the norm of the rest.
   */
  public static double globalNorm(double p, NonFinite policy, Vec... grads) {
    NormAccumulator acc = NormAccumulator.of(p);
    Objects.requireNonNull(policy, "policy");
    acc.addAll(grads);
    if (mustZero(acc, policy)) {
      for (Vec g : grads) {
        Scaling.zeroNonFinite(g.data(), g.offset(), g.length());
      }
      acc.reset().addAll(grads);
    }
    return acc.norm();
  }

  /**
   * Clips in place so the global L2 norm is ≤ maxNorm (finite, ≥ 0); returns the pre-clip norm.
   * One read pass, plus one scaling pass only when norm > maxNorm. Throws on NaN/±∞, untouched.
   */
  public static double byGlobalNorm(double maxNorm, Vec... grads) {
    return byGlobalNorm(maxNorm, 2, NonFinite.THROW, grads);
  }

  /**
   * Clips in place so the global p-norm is ≤ maxNorm; returns the pre-clip norm (after ZERO's
   * zeroing; non-finite under SKIP, with nothing written).
   */
  public static double byGlobalNorm(double maxNorm, double p, NonFinite policy,
      Vec... grads) {
    checkLimit("maxNorm", maxNorm);
    checkScalable(grads);
    double norm = globalNorm(p, policy, grads);
    if (Double.isFinite(norm) && norm > maxNorm) {
      double c = Scaling.coefficient(norm, maxNorm);
      for (Vec g : grads) {
        Scaling.apply(c, g.data(), g.offset(), g.length());
      }
    }
    return norm;
  }

  /**
   * The factor a clip to maxNorm applies to gradients of norm {@code norm}: 1 when norm ≤ maxNorm,
   * else maxNorm/norm·(1 − 2⁻²²) (the slack absorbs element and norm rounding, see the class
   * comment). Both arguments finite and ≥ 0.
   */
  public static double clipCoefficient(double norm, double maxNorm) {
    checkNorm(norm);
    checkLimit("maxNorm", maxNorm);
    return Scaling.coefficient(norm, maxNorm);
  }

  /**
   * Second half of the split API: given the global norm (e.g. from a {@link NormAccumulator}
   * filled during backward), scales every tensor by {@link #clipCoefficient} when norm > maxNorm
   * (one write pass), else touches nothing. Returns the coefficient (1 when nothing was written).
   */
  public static double scaleToNorm(double norm, double maxNorm, Vec... grads) {
    double c = clipCoefficient(norm, maxNorm);
    checkScalable(grads);
    if (c < 1) {
      for (Vec g : grads) {
        Scaling.apply(c, g.data(), g.offset(), g.length());
      }
    }
    return c;
  }

  /** Clips one tensor to L2 norm ≤ maxNorm; returns its pre-clip norm; throws on NaN/±∞. */
  public static double byNorm(double maxNorm, Vec grad) {
    return byNorm(maxNorm, NonFinite.THROW, grad);
  }

  /**
   * Clips one tensor (exactly the view's elements) to L2 norm ≤ maxNorm under a policy; returns
   * its pre-clip norm (non-finite under SKIP, with nothing written).
   */
  public static double byNorm(double maxNorm, NonFinite policy, Vec grad) {
    checkLimit("maxNorm", maxNorm);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(grad, "grad");
    float[] x = grad.data();
    int off = grad.offset();
    int len = grad.length();
    NormAccumulator acc = NormAccumulator.l2().addRange(x, off, len);
    if (mustZero(acc, policy)) {
      Scaling.zeroNonFinite(x, off, len);
      acc.reset().addRange(x, off, len);
    }
    double norm = acc.norm();
    if (Double.isFinite(norm) && norm > maxNorm) {
      Scaling.apply(Scaling.coefficient(norm, maxNorm), x, off, len);
    }
    return norm;
  }

  /**
   * Clips every tensor separately to L2 norm ≤ maxNorm. {@code normsOut} (length ≥ grads.length)
   * receives each pre-clip norm. Under THROW a read-only pass checks every tensor first, so a
   * throw leaves every buffer, normsOut included, untouched (this costs one extra read of the
   * gradients); SKIP changes no tensor if any is non-finite (normsOut still receives the norms,
   * non-finite ones included). Returns the number of tensors scaled.
   */
  public static int byTensorNorms(double maxNorm, NonFinite policy, double[] normsOut,
      Vec... grads) {
    checkLimit("maxNorm", maxNorm);
    Objects.requireNonNull(policy, "policy");
    checkScalable(grads);
    Objects.requireNonNull(normsOut, "normsOut");
    if (normsOut.length < grads.length) {
      throw new IllegalArgumentException("normsOut: length " + normsOut.length + " < "
          + grads.length + " tensors");
    }
    if (policy == NonFinite.THROW) {
      gradkernel.kernel.Kernels k = gradkernel.kernel.Kernels.active();
      for (int t = 0; t < grads.length; t++) {
        Vec g = grads[t];
        int j = k.indexOfNonFinite(g.length(), g.data(), g.offset());
        if (j >= 0) {
          throw new NonFiniteException("gradient", t, j, g.data()[g.offset() + j]);
        }
      }
    }
    NormAccumulator acc = NormAccumulator.l2();
    boolean finite = true;
    for (int t = 0; t < grads.length; t++) {
      Vec g = grads[t];
      acc.reset().addRange(g.data(), g.offset(), g.length());
      if (!acc.isFinite()) { // THROW was handled by the pre-pass
        if (policy == NonFinite.ZERO) {
          Scaling.zeroNonFinite(g.data(), g.offset(), g.length());
          acc.reset().addRange(g.data(), g.offset(), g.length());
        }
      }
      normsOut[t] = acc.norm();
      finite &= acc.isFinite();
    }
    int clipped = 0;
    for (int t = 0; finite && t < grads.length; t++) {
      if (normsOut[t] > maxNorm) {
        Vec g = grads[t];
        Scaling.apply(Scaling.coefficient(normsOut[t], maxNorm), g.data(), g.offset(), g.length());
        clipped++;
      }
    }
    return clipped;
  }

  /** Clamps every element to [-limit, limit] (limit finite, ≥ 0); returns the pre-clip max|g|. */
  public static double byValue(double limit, Vec... grads) {
    return byValue(limit, NonFinite.THROW, grads);
  }

  /**
   * Clamps every element to [-limit, limit] under a policy; returns the pre-clip max|g| (one read
   * pass; the clamp pass runs only when max|g| > limit). The float bound is limit rounded down.
   */
  public static double byValue(double limit, NonFinite policy, Vec... grads) {
    checkLimit("limit", limit);
    double max = globalNorm(Double.POSITIVE_INFINITY, policy, grads);
    float hi = limit >= Float.MAX_VALUE ? Float.MAX_VALUE : Scaling.roundDown(limit);
    if (Double.isFinite(max) && max > hi) {
      gradkernel.kernel.Kernels k = gradkernel.kernel.Kernels.active();
      for (Vec g : grads) {
        k.clamp(g.length(), -hi, hi, g.data(), g.offset());
      }
    }
    return max;
  }

  /**
   * Adaptive gradient clipping (Brock et al. 2021, Optax {@code adaptive_grad_clip}) of a dense
   * layer: weights and gradients are [out, in] row-major, each row (output unit) i is scaled so
   * ‖g_i‖ ≤ clipping·max(‖w_i‖, eps). clipping and eps finite, ≥ 0. {@code gradRowNormsOut}
   * (length ≥ rows) receives the pre-clip ‖g_i‖. Non-finite gradients or weights throw before
   * anything is written. Returns the number of rows scaled.
   */
  public static int adaptive(double clipping, double eps, Matrix weight, Matrix grad,
      double[] gradRowNormsOut) {
    return Adaptive.clip(clipping, eps, weight, grad, gradRowNormsOut);
  }

  /** {@link #adaptive(double, double, Matrix, Matrix, double[])} with an allocated scratch. */
  public static int adaptive(double clipping, double eps, Matrix weight, Matrix grad) {
    Objects.requireNonNull(grad, "grad");
    return Adaptive.clip(clipping, eps, weight, grad, new double[grad.rows()]);
  }

  /**
   * Adaptive clipping of a vector parameter (bias, gain) as a single unit, as Optax does for
   * 1-D parameters: ‖g‖ ≤ clipping·max(‖w‖, eps). Returns 1 if scaled, else 0.
   */
  public static int adaptive(double clipping, double eps, Vec weight, Vec grad) {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(grad, "grad");
    return Adaptive.clip(clipping, eps,
        new Matrix(weight.data(), weight.offset(), 1, weight.length(), Math.max(1,
            weight.length())),
        new Matrix(grad.data(), grad.offset(), 1, grad.length(), Math.max(1, grad.length())),
        new double[1]);
  }

  /** {@link #globalNorm(Vec...)} (L2, THROW) on up to {@code par.threads()} threads. */
  public static double globalNorm(Parallelism par, Vec... grads) {
    return globalNorm(par, 2, NonFinite.THROW, grads);
  }

  /** {@link #byGlobalNorm(double, Vec...)} (L2, THROW) on up to par.threads() threads. */
  public static double byGlobalNorm(Parallelism par, double maxNorm, Vec... grads) {
    return byGlobalNorm(par, maxNorm, 2, NonFinite.THROW, grads);
  }

  /**
   * {@link #globalNorm(double, NonFinite, Vec...)} with chunk partials computed on up to
   * {@code par.threads()} threads: bit-identical to the sequential result (same fixed chunks of
   * {@value NormAccumulator#CHUNK} elements, same combination order) for every
   * {@link Parallelism}.
   */
  public static double globalNorm(Parallelism par, double p, NonFinite policy,
      Vec... grads) {
    Objects.requireNonNull(par, "par");
    return globalNorm(par.threads(), ParallelNorm.of(grads), p, policy, grads);
  }

  /** The parallel norm over chunks already indexed (byGlobalNorm reuses them to scale). */
  private static double globalNorm(int threads, ParallelNorm chunks, double p, NonFinite policy,
      Vec[] grads) {
    Objects.requireNonNull(policy, "policy");
    NormAccumulator acc = NormAccumulator.of(p);
    chunks.accumulate(threads, acc);
    if (mustZero(acc, policy)) {
      for (Vec g : grads) {
        Scaling.zeroNonFinite(g.data(), g.offset(), g.length());
      }
      chunks.accumulate(threads, acc.reset());
    }
    return acc.norm();
  }

  /**
   * {@link #byGlobalNorm(double, double, NonFinite, Vec...)} with both passes on up to
   * {@code par.threads()} threads; the norm and every clipped element bit-identical to the
   * sequential method for every {@link Parallelism}.
   */
  public static double byGlobalNorm(Parallelism par, double maxNorm, double p, NonFinite policy,
      Vec... grads) {
    Objects.requireNonNull(par, "par");
    checkLimit("maxNorm", maxNorm);
    checkScalable(grads);
    ParallelNorm chunks = ParallelNorm.of(grads);
    double norm = globalNorm(par.threads(), chunks, p, policy, grads);
    if (Double.isFinite(norm) && norm > maxNorm) {
      chunks.scale(par.threads(), Scaling.coefficient(norm, maxNorm));
    }
    return norm;
  }

  /** {@link #scaleToNorm(double, double, Vec...)} with the scaling on up to par threads. */
  public static double scaleToNorm(Parallelism par, double norm, double maxNorm,
      Vec... grads) {
    Objects.requireNonNull(par, "par");
    double c = clipCoefficient(norm, maxNorm);
    checkScalable(grads);
    if (c < 1) {
      ParallelNorm.of(grads).scale(par.threads(), c);
    }
    return c;
  }

  /** True when policy is ZERO and acc saw non-finite input; throws under THROW. */
  private static boolean mustZero(NormAccumulator acc, NonFinite policy) {
    if (acc.isFinite()) {
      return false;
    }
    if (policy == NonFinite.THROW) {
      acc.requireFinite();
    }
    return policy == NonFinite.ZERO;
  }

  static void checkLimit(String name, double v) {
    if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
    }
  }

  private static void checkNorm(double norm) {
    if (!(norm >= 0) || norm == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("norm must be finite and >= 0, got " + norm
          + " (handle non-finite gradients with a NonFinite policy first)");
    }
  }

  /** Non-null tensors, no two sharing an element (each element is scaled once). */
  private static void checkScalable(Vec[] grads) {
    Objects.requireNonNull(grads, "grads");
    for (int t = 0; t < grads.length; t++) {
      NormAccumulator.checked(grads[t], t);
    }
    Checks.disjoint("grads", grads);
  }

}
