package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.MAX;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link SoftmaxKernels} (loaded reflectively by
 * {@link VectorSupport}). Exps are {@link PanamaActivationKernels#expNeg} on full float vectors,
 * lane for lane the scalar twin's formula, stored to the destination (or a per-thread 16-float
 * scratch for value-only calls) and read back as half-width float vectors, which convert exactly
 * to full-width double vectors (a plain lane-count-preserving cast: converting the upper half of
 * a full float vector in registers is not intrinsified and boxes). The 16 double accumulators of
 * the fixed order are 32/L double vectors of L/2 lanes (A_j in vector j/(L/2), lane j mod (L/2)),
 * and the final fold of halves is the scalar twin's tree.
 */
final class PanamaSoftmaxKernels implements SoftmaxKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final int H = L / 2;
  private static final VectorSpecies<Float> FH =
      VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Exps are computed a chunk ahead of their summation (4 KiB, in L1): see {@link #expSum}. */
  private static final int CHUNK = 64 * BLOCK;
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(
      () -> new float[CHUNK]);

  PanamaSoftmaxKernels() {
    // FH below 128 bits (-XX:MaxVectorSize=16) is boxed by C2: the scalar twin instead
    if (L < 4 || L > BLOCK || D.length() != H || FH.vectorBitSize() < 128) {
      throw new UnsupportedOperationException("vector width " + F.vectorBitSize()
          + " bits not supported");
    }
  }

  @Override
  public String name() {
    return "panama-" + F.vectorBitSize();
  }

  @Override
  public float max(float[] x, int off, int n) {
    int c = 0;
    float m = x[off];
    if (n >= L) {
      FloatVector acc = FloatVector.fromArray(F, x, off);
      for (c = L; c <= n - L; c += L) {
        acc = acc.max(FloatVector.fromArray(F, x, off + c));
      }
      m = Math.max(m, acc.reduceLanes(MAX)); // max is exact: any order gives the same value
    }
    for (; c < n; c++) {
      m = Math.max(m, x[off + c]);
    }
    return m;
  }

  /** The exps of x[i .. i + len) − m (len a multiple of L), stored at buf[bi .. bi + len). */
  private static void exps(float[] x, int i, int len, float m, float[] buf, int bi) {
    for (int k = 0; k < len; k += L) {
      PanamaActivationKernels.expNeg(FloatVector.fromArray(F, x, i + k).sub(m))
          .intoArray(buf, bi + k);
    }
  }

  /** buf[bi + k·H .. + H) as doubles (exact). */
  private static DoubleVector half(float[] buf, int bi, int k) {
    return (DoubleVector) FloatVector.fromArray(FH, buf, bi + k * H).convertShape(F2D, D, 0);
  }

  @Override
  public double expSum(float[] x, int xOff, int n, float m, float[] dst, int dOff) {
    int blocks = n / BLOCK;
    double s = 0;
    if (blocks > 0) {
      // Exps of a whole chunk are stored before any is read back: reading a half of a vector
      // stored a few cycles earlier defeats store forwarding and stalls every block.
      float[] buf = dst != null ? dst : SCRATCH.get();
      int base = dst != null ? dOff : 0;
      int end = blocks * BLOCK;
      // One hand-specialized branch per vector width (same chunk loop, 2, 4 or 8 named double
      // accumulators): the accumulators stay in registers and each width sums in the fixed tree
      // the scalar twin reproduces; a shared loop over an accumulator array would lose both.
      if (L == 16) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (int c0 = 0; c0 < end; c0 += CHUNK) {
          int len = Math.min(CHUNK, end - c0);
          int b0 = dst != null ? base + c0 : 0;
          exps(x, xOff + c0, len, m, buf, b0);
          for (int bi = b0; bi < b0 + len; bi += BLOCK) {
            a0 = a0.add(half(buf, bi, 0));
            a1 = a1.add(half(buf, bi, 1));
          }
        }
        DoubleVector cv = a0.add(a1); // C_0..7
        double d0 = cv.lane(0) + cv.lane(4);
        double d1 = cv.lane(1) + cv.lane(5);
        double d2 = cv.lane(2) + cv.lane(6);
        double d3 = cv.lane(3) + cv.lane(7);
        s = (d0 + d2) + (d1 + d3);
      } else if (L == 8) {
        // The L == 16 loop with four accumulators: specialized on purpose, see above.
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        for (int c0 = 0; c0 < end; c0 += CHUNK) {
          int len = Math.min(CHUNK, end - c0);
          int b0 = dst != null ? base + c0 : 0;
          exps(x, xOff + c0, len, m, buf, b0);
          for (int bi = b0; bi < b0 + len; bi += BLOCK) {
            a0 = a0.add(half(buf, bi, 0));
            a1 = a1.add(half(buf, bi, 1));
            a2 = a2.add(half(buf, bi, 2));
            a3 = a3.add(half(buf, bi, 3));
          }
        }
        DoubleVector dv = a0.add(a2).add(a1.add(a3)); // D_0..3
        s = (dv.lane(0) + dv.lane(2)) + (dv.lane(1) + dv.lane(3));
      } else {
        // The L == 16 loop with eight accumulators: specialized on purpose, see above.
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        DoubleVector a4 = a0;
        DoubleVector a5 = a0;
        DoubleVector a6 = a0;
        DoubleVector a7 = a0;
        for (int c0 = 0; c0 < end; c0 += CHUNK) {
          int len = Math.min(CHUNK, end - c0);
          int b0 = dst != null ? base + c0 : 0;
          exps(x, xOff + c0, len, m, buf, b0);
          for (int bi = b0; bi < b0 + len; bi += BLOCK) {
            a0 = a0.add(half(buf, bi, 0));
            a1 = a1.add(half(buf, bi, 1));
            a2 = a2.add(half(buf, bi, 2));
            a3 = a3.add(half(buf, bi, 3));
            a4 = a4.add(half(buf, bi, 4));
            a5 = a5.add(half(buf, bi, 5));
            a6 = a6.add(half(buf, bi, 6));
            a7 = a7.add(half(buf, bi, 7));
          }
        }
        DoubleVector e = a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7))); // E_0, E_1
        s = e.lane(0) + e.lane(1);
      }
    }
    return ScalarSoftmaxKernels.tail(blocks * BLOCK, n, x, xOff, m, dst, dOff, s);
  }

  @Override
  public void affine(float[] g, int off, int n, float a, float b) {
    FloatVector av = FloatVector.broadcast(F, a);
    FloatVector bv = FloatVector.broadcast(F, b);
    int c = 0;
    for (int bound = F.loopBound(n); c < bound; c += L) {
      FloatVector.fromArray(F, g, off + c).fma(av, bv).intoArray(g, off + c);
    }
    ScalarSoftmaxKernels.affine(c, n, g, off, a, b);
  }
}
