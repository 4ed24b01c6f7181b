package gradkernel.chain;

import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Transpose;

/** Matrix-chain product in the order minimizing multiply-adds (classic O(k³) dynamic program). */
final class MatrixChain {
  private MatrixChain() {}

  /** Product f[0]·f[1]⋯f[k-1]; consecutive shapes must agree (checked by the caller). */
  static Matrix multiply(Matrix... f) {
    int k = f.length;
    long[] p = new long[k + 1];
    for (int i = 0; i < k; i++) {
      p[i] = f[i].rows();
    }
    p[k] = f[k - 1].cols();
    int[][] split = new int[k][k];
    costs(p, split);
    return product(f, split, 0, k - 1);
  }

  /** Multiply-adds of the optimal order for factors of shapes p[0]×p[1], p[1]×p[2], …. */
  static long optimalCost(long... p) {
    int k = p.length - 1;
    return costs(p, new int[k][k])[0][k - 1];
  }

  /** cost[i][j] = fewest multiply-adds for f[i]⋯f[j]; split[i][j] = where to cut it. */
  private static long[][] costs(long[] p, int[][] split) {
    int k = p.length - 1;
    long[][] cost = new long[k][k];
    for (int len = 2; len <= k; len++) {
      for (int i = 0; i + len - 1 < k; i++) {
        int j = i + len - 1;
        cost[i][j] = Long.MAX_VALUE;
        for (int s = i; s < j; s++) {
          long c = cost[i][s] + cost[s + 1][j] + p[i] * p[s + 1] * p[j + 1];
          if (c < cost[i][j]) {
            cost[i][j] = c;
            split[i][j] = s;
          }
        }
      }
    }
    return cost;
  }

  private static Matrix product(Matrix[] f, int[][] split, int i, int j) {
    if (i == j) {
      return f[i];
    }
    Matrix a = product(f, split, i, split[i][j]);
    Matrix b = product(f, split, split[i][j] + 1, j);
    Matrix c = Matrix.zeros(a.rows(), b.cols());
    Blas.gemm(Transpose.NO, Transpose.NO, 1f, a, b, 0f, c);
    return c;
  }
}
