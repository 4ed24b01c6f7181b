package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.MAX;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link SoftmaxKernels} (loaded reflectively by
 * {@link VectorSupport}). The 16 double accumulators of the fixed order are four 4-lane double
 * vectors A0..A3 (A_k holds A_{4k..4k+3}); each block of 16 exps (one, two or four float vectors
 * for 512, 256 or 128 bits) is converted exactly to double in four 4-lane parts, part k added to
 * A_k. Exps are {@link PanamaActivationKernels#expNeg}, lane-for-lane the scalar twin's formula.
 */
final class PanamaSoftmaxKernels implements SoftmaxKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
  private static final int L = F.length();

  PanamaSoftmaxKernels() {
    if (L < 4 || L > BLOCK) {
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

  private static FloatVector exp(float[] x, int i, float m, float[] dst, int di) {
    FloatVector e = PanamaActivationKernels.expNeg(FloatVector.fromArray(F, x, i).sub(m));
    if (dst != null) {
      e.intoArray(dst, di);
    }
    return e;
  }

  private static DoubleVector part(FloatVector e, int p) {
    return (DoubleVector) e.convertShape(F2D, D, p);
  }

  @Override
  public double expSum(float[] x, int xOff, int n, float m, float[] dst, int dOff) {
    int blocks = n / BLOCK;
    double s = 0;
    if (blocks > 0) {
      DoubleVector a0 = DoubleVector.zero(D);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      int end = blocks * BLOCK;
      for (int c = 0; c < end; c += BLOCK) {
        int i = xOff + c;
        int di = dOff + c;
        if (L == 16) {
          FloatVector e = exp(x, i, m, dst, di);
          a0 = a0.add(part(e, 0));
          a1 = a1.add(part(e, 1));
          a2 = a2.add(part(e, 2));
          a3 = a3.add(part(e, 3));
        } else if (L == 8) {
          FloatVector e = exp(x, i, m, dst, di);
          FloatVector f = exp(x, i + 8, m, dst, di + 8);
          a0 = a0.add(part(e, 0));
          a1 = a1.add(part(e, 1));
          a2 = a2.add(part(f, 0));
          a3 = a3.add(part(f, 1));
        } else {
          a0 = a0.add(part(exp(x, i, m, dst, di), 0));
          a1 = a1.add(part(exp(x, i + 4, m, dst, di + 4), 0));
          a2 = a2.add(part(exp(x, i + 8, m, dst, di + 8), 0));
          a3 = a3.add(part(exp(x, i + 12, m, dst, di + 12), 0));
        }
      }
      DoubleVector b = a0.add(a1).add(a2.add(a3));
      s = (b.lane(0) + b.lane(1)) + (b.lane(2) + b.lane(3));
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
