package gradkernel.kernel;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link BatchNormKernels} (loaded reflectively by
 * {@link VectorSupport}). A lane is a feature: the double passes load DL = D.length() floats of a
 * row as a half-width float vector and convert them exactly to a full double vector (the
 * lane-count-preserving cast is intrinsified; splitting a full float vector in registers is not),
 * the float pass ({@link #normalize}) works on full float vectors. Each column step handles
 * {@link #ROWS} rows, loading the column's accumulators or per-feature values once for all of
 * them and applying the rows in order, so each lane sees the scalar twin's sequence of operations.
 * Columns past the last full vector go through the scalar twin's column-range helpers, which do
 * the same operations. x̂ = (float) ((x − μ)·inv) is written out at every use rather than in a
 * helper: a helper that C2 compiles on its own first is later "too large" to inline, and the
 * vectors crossing the call get boxed (measured: 15–20 MB per call).
 */
final class PanamaBatchNormKernels implements BatchNormKernels {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = D.length();
  private static final VectorSpecies<Float> FH =
      VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  /**
   * Rows per column step: four row streams plus the shift row and the accumulators stay within
   * the ways of an L1 set even when the row stride is a multiple of 4 KiB (all rows of a column
   * then map to one set), and the accumulator traffic is a quarter of one-row passes.
   */
  static final int ROWS = 4;

  PanamaBatchNormKernels() {
    // FH below 128 bits (-XX:MaxVectorSize=16) is boxed by C2: the scalar twin instead
    if (L < 4 || DL != FH.length() || DL * 2 != L || FH.vectorBitSize() < 128) {
      throw new UnsupportedOperationException("vector width " + F.vectorBitSize()
          + " bits not supported");
    }
  }

  @Override
  public String name() {
    return "panama-" + F.vectorBitSize();
  }

  /** x[i .. i + DL) as doubles (exact). */
  private static DoubleVector f2d(float[] x, int i) {
    return (DoubleVector) FloatVector.fromArray(FH, x, i).convertShape(F2D, D, 0);
  }

  /** Stores v rounded to float (round to nearest, as a (float) cast) at a[i .. i + DL). */
  private static void d2f(DoubleVector v, float[] a, int i) {
    ((FloatVector) v.convertShape(D2F, FH, 0)).intoArray(a, i);
  }

  @Override
  public void shiftedSums(int b, int n, float[] x, int xOff, double[] q, int qOff) {
    Arrays.fill(q, qOff, qOff + 2 * n, 0.0);
    int jv = n - n % DL;
    int r = 1;
    for (; r + ROWS <= b; r += ROWS) {
      int x0 = xOff + r * n;
      for (int j = 0; j < jv; j += DL) {
        DoubleVector k = f2d(x, xOff + j);
        DoubleVector s1 = DoubleVector.fromArray(D, q, qOff + j);
        DoubleVector s2 = DoubleVector.fromArray(D, q, qOff + n + j);
        DoubleVector d0 = f2d(x, x0 + j).sub(k);
        DoubleVector d1 = f2d(x, x0 + n + j).sub(k);
        DoubleVector d2 = f2d(x, x0 + 2 * n + j).sub(k);
        DoubleVector d3 = f2d(x, x0 + 3 * n + j).sub(k);
        s1 = s1.add(d0).add(d1).add(d2).add(d3);
        s2 = d3.fma(d3, d2.fma(d2, d1.fma(d1, d0.fma(d0, s2))));
        s1.intoArray(q, qOff + j);
        s2.intoArray(q, qOff + n + j);
      }
    }
    for (; r < b; r++) {
      int x0 = xOff + r * n;
      for (int j = 0; j < jv; j += DL) {
        DoubleVector d = f2d(x, x0 + j).sub(f2d(x, xOff + j));
        DoubleVector.fromArray(D, q, qOff + j).add(d).intoArray(q, qOff + j);
        d.fma(d, DoubleVector.fromArray(D, q, qOff + n + j)).intoArray(q, qOff + n + j);
      }
    }
    ScalarBatchNormKernels.shiftedSums(b, n, jv, n, x, xOff, q, qOff);
  }

  @Override
  public void normalize(int b, int n, float[] x, int xOff, double[] q, int qOff, float[] p,
      int pOff, float[] y, int yOff) {
    // The row-block frame (four rows at a time, μ and 1/σ per column) is the backward's too:
    // the two passes read different operands per element, so they stay separate loops.
    int jv = n - n % DL;
    int r = 0;
    for (; r < b; r += ROWS) {
      boolean four = r + ROWS <= b;
      int x0 = xOff + r * n;
      int y0 = yOff + r * n;
      for (int j = 0; j < jv; j += DL) {
        DoubleVector mu = DoubleVector.fromArray(D, q, qOff + j);
        DoubleVector inv = DoubleVector.fromArray(D, q, qOff + n + j);
        FloatVector g = FloatVector.fromArray(FH, p, pOff + j);
        FloatVector be = FloatVector.fromArray(FH, p, pOff + n + j);
        // written out, not a helper: a helper compiled on its own first is then too large to
        // inline, and its vectors get boxed at the call
        g.fma(((FloatVector) f2d(x, x0 + j).sub(mu).mul(inv).convertShape(D2F, FH, 0)), be).intoArray(y, y0 + j);
        if (four) {
          g.fma(((FloatVector) f2d(x, x0 + n + j).sub(mu).mul(inv).convertShape(D2F, FH, 0)), be).intoArray(y, y0 + n + j);
          g.fma(((FloatVector) f2d(x, x0 + 2 * n + j).sub(mu).mul(inv).convertShape(D2F, FH, 0)), be).intoArray(y, y0 + 2 * n + j);
          g.fma(((FloatVector) f2d(x, x0 + 3 * n + j).sub(mu).mul(inv).convertShape(D2F, FH, 0)), be).intoArray(y, y0 + 3 * n + j);
        }
      }
      if (!four) {
        r = r + 1 - ROWS; // one row at a time for the last b mod 4 rows
      }
    }
    ScalarBatchNormKernels.normalize(b, n, jv, n, x, xOff, q, qOff, p, pOff, y, yOff);
  }

  @Override
  public void gradSums(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q,
      int qOff) {
    Arrays.fill(q, qOff + 2 * n, qOff + 4 * n, 0.0);
    int jv = n - n % DL;
    for (int r = 0; r < b; r += ROWS) {
      boolean four = r + ROWS <= b;
      int u0 = dyOff + r * n;
      int x0 = xOff + r * n;
      for (int j = 0; j < jv; j += DL) {
        DoubleVector mu = DoubleVector.fromArray(D, q, qOff + j);
        DoubleVector inv = DoubleVector.fromArray(D, q, qOff + n + j);
        DoubleVector a = DoubleVector.fromArray(D, q, qOff + 2 * n + j);
        DoubleVector bb = DoubleVector.fromArray(D, q, qOff + 3 * n + j);
        DoubleVector u = f2d(dy, u0 + j);
        a = a.add(u);
        bb = u.fma(((DoubleVector) ((FloatVector) f2d(x, x0 + j).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)), bb);
        if (four) {
          DoubleVector u1 = f2d(dy, u0 + n + j);
          DoubleVector u2 = f2d(dy, u0 + 2 * n + j);
          DoubleVector u3 = f2d(dy, u0 + 3 * n + j);
          a = a.add(u1).add(u2).add(u3);
          bb = u1.fma(((DoubleVector) ((FloatVector) f2d(x, x0 + n + j).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)), bb);
          bb = u2.fma(((DoubleVector) ((FloatVector) f2d(x, x0 + 2 * n + j).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)), bb);
          bb = u3.fma(((DoubleVector) ((FloatVector) f2d(x, x0 + 3 * n + j).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)), bb);
        }
        a.intoArray(q, qOff + 2 * n + j);
        bb.intoArray(q, qOff + 3 * n + j);
      }
      if (!four) {
        r = r + 1 - ROWS;
      }
    }
    ScalarBatchNormKernels.gradSums(b, n, jv, n, dy, dyOff, x, xOff, q, qOff);
  }

  @Override
  public void inputGradient(int b, int n, float[] dy, int dyOff, float[] x, int xOff, double[] q,
      int qOff, float[] dx, int dxOff) {
    int jv = n - n % DL;
    // Two rows per column step here (the body is twice the others': four rows exceed C2's
    // inlining node budget and box the vectors); no accumulators, only five per-feature loads.
    for (int r = 0; r < b; r += 2) {
      boolean two = r + 2 <= b;
      int e0 = r * n;
      for (int j = 0; j < jv; j += DL) {
        DoubleVector mu = DoubleVector.fromArray(D, q, qOff + j);
        DoubleVector inv = DoubleVector.fromArray(D, q, qOff + n + j);
        DoubleVector m1 = DoubleVector.fromArray(D, q, qOff + 2 * n + j);
        DoubleVector nm2 = DoubleVector.fromArray(D, q, qOff + 3 * n + j);
        DoubleVector g = DoubleVector.fromArray(D, q, qOff + 4 * n + j);
        int e = e0 + j;
        DoubleVector t = ((DoubleVector) ((FloatVector) f2d(x, xOff + e).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)).fma(nm2, g.mul(f2d(dy, dyOff + e)).sub(m1));
        d2f(t.mul(inv), dx, dxOff + e);
        if (two) {
          e += n;
          t = ((DoubleVector) ((FloatVector) f2d(x, xOff + e).sub(mu).mul(inv)
            .convertShape(D2F, FH, 0)).convertShape(F2D, D, 0)).fma(nm2, g.mul(f2d(dy, dyOff + e)).sub(m1));
          d2f(t.mul(inv), dx, dxOff + e);
        }
      }
      if (!two) {
        r = r - 1;
      }
    }
    ScalarBatchNormKernels.inputGradient(b, n, jv, n, dy, dyOff, x, xOff, q, qOff, dx, dxOff);
  }
}
