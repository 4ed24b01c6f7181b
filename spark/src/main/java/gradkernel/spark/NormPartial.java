package gradkernel.spark;

import gradkernel.clip.ExactSum;
import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Vec;
import java.io.Serializable;

/**
 * A worker's part of the global L2 gradient norm: the exact sum of its chunk partials
 * ({@link ExactSum}) plus the first non-finite element it saw. Merging is exact and the
 * provenance rule (smallest tensor, then smallest element) is order-free, so a
 * {@code treeAggregate} gives the same bits for any partitioning, partition count and arrival
 * order — the same bits as {@link NormAccumulator} adding every tensor on one machine, provided the
 * workers select the same kernels ({@code Kernels.active().name()}).
 */
public final class NormPartial implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ExactSum sum = new ExactSum();
  private double nonFinite; // 0, NaN or +∞
  private int badTensor = -1;
  private long badElement = -1;
  private float badValue;

  /** Adds one block: its chunks (aligned as on one machine) go through the kernels' Σx². */
  public NormPartial add(Shard s) {
    float[] v = s.values();
    for (int c = 0; c < v.length; c += NormAccumulator.CHUNK) {
      int n = Math.min(NormAccumulator.CHUNK, v.length - c);
      double ss = Blas.sumOfSquares(new Vec(v, c, n));
      if (Double.isFinite(ss)) {
        sum.add(ss);
      } else {
        recordNonFinite(s, c, n);
      }
    }
    return this;
  }

  private void recordNonFinite(Shard s, int c, int n) {
    float[] v = s.values();
    for (int i = c; i < c + n; i++) {
      if (!Float.isFinite(v[i])) {
        offer(Float.isNaN(v[i]) ? Double.NaN : Double.POSITIVE_INFINITY, s.tensor(),
            (long) s.start() + i, v[i]);
        if (Float.isNaN(v[i])) {
          // keep scanning only to learn whether a NaN dominates; provenance is already minimal
          return;
        }
      }
    }
  }

  private void offer(double kind, int tensor, long element, float value) {
    nonFinite = Double.isNaN(nonFinite) || Double.isNaN(kind) ? Double.NaN
        : Double.POSITIVE_INFINITY;
    if (badTensor < 0 || tensor < badTensor || tensor == badTensor && element < badElement) {
      badTensor = tensor;
      badElement = element;
      badValue = value;
    }
  }

  /** Merges another partial into this one (exact; order-free); returns this. */
  public NormPartial merge(NormPartial o) {
    sum.add(o.sum);
    if (o.nonFinite != 0) {
      offer(o.nonFinite, o.badTensor, o.badElement, o.badValue);
    }
    return this;
  }

  /** The global L2 norm: one rounding of the exact Σx², one square root; NaN or +∞ if non-finite. */
  public double norm() {
    return nonFinite != 0 ? nonFinite : sum.sqrt();
  }

  /** Tensor of the first non-finite element (smallest tensor, then element), or -1. */
  public int nonFiniteTensor() {
    return badTensor;
  }

  /** Element index within that tensor, or -1. */
  public long nonFiniteElement() {
    return badElement;
  }

  /** Its value (NaN or ±∞), or 0. */
  public float nonFiniteValue() {
    return badValue;
  }
}
