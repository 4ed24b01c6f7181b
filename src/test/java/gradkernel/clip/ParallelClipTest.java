package gradkernel.clip;

import gradkernel.tensor.Parallelism;
import gradkernel.tensor.Views;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parallel entry points are bit-identical to the sequential ones for any pool size. */
class ParallelClipTest {
  static final int C = NormAccumulator.CHUNK;
  static Parallelism[] pools;

  @BeforeAll
  static void pools() {
    pools = new Parallelism[] {Parallelism.SEQUENTIAL, Parallelism.threads(2),
        Parallelism.threads(3), Parallelism.threads(5), Parallelism.allCores()};
  }

  static float[][] chunkEdges(long seed) {
    Random r = new Random(seed);
    int[] lengths = {0, 1, C - 1, C, C + 1, 3 * C + 17, 13, 0, 2 * C};
    float[][] g = new float[lengths.length][];
    for (int t = 0; t < g.length; t++) {
      g[t] = Ref.tensor(r, lengths[t], r.nextInt(50) - 25);
    }
    return g;
  }

  @Test
  void normsBitIdenticalForEveryPoolSizeAndP() {
    float[][] g = chunkEdges(1);
    for (double p : new double[] {1, 2, 2.5, 3, Double.POSITIVE_INFINITY}) {
      double seq = Clip.globalNorm(p, Views.all(g));
      for (Parallelism pool : pools) {
        double par = Clip.globalNorm(pool, p, NonFinite.THROW, Views.all(g));
        assertEquals(Double.doubleToRawLongBits(seq), Double.doubleToRawLongBits(par),
            "p=" + p + " pool " + pool.threads());
      }
    }
    assertEquals(Clip.globalNorm(Views.all(g)), Clip.globalNorm(Parallelism.allCores(), Views.all(g)));
  }

  @Test
  void clipBitIdenticalForEveryPoolSize() {
    for (Parallelism pool : pools) {
      float[][] seq = chunkEdges(2);
      float[][] par = Ref.copy(seq);
      double n = Clip.byGlobalNorm(1e-3, Views.all(seq));
      assertEquals(n, Clip.byGlobalNorm(pool, 1e-3, 2, NonFinite.THROW, Views.all(par)));
      assertTrue(Ref.bitEqual(seq, par), "pool " + pool.threads());
      float[][] again = Ref.copy(chunkEdges(2));
      assertEquals(n, Clip.byGlobalNorm(Parallelism.allCores(), 1e-3, Views.all(again)));
      assertTrue(Ref.bitEqual(seq, again));
    }
  }

  @Test
  void zeroPolicyAndSplitScalingBitIdentical() {
    float[][] seq = chunkEdges(3);
    seq[5][2 * C + 1] = Float.NaN;
    seq[2][0] = Float.POSITIVE_INFINITY;
    float[][] par = Ref.copy(seq);
    double n = Clip.byGlobalNorm(0.5, 2, NonFinite.ZERO, Views.all(seq));
    assertEquals(n, Clip.byGlobalNorm(pools[1], 0.5, 2, NonFinite.ZERO, Views.all(par)));
    assertTrue(Ref.bitEqual(seq, par));

    float[][] a = chunkEdges(4);
    float[][] b = Ref.copy(a);
    double norm = Clip.globalNorm(Views.all(a));
    assertEquals(Clip.scaleToNorm(norm, 2, Views.all(a)), Clip.scaleToNorm(pools[2], norm, 2, Views.all(b)));
    assertTrue(Ref.bitEqual(a, b));
  }

  @Test
  void sameResultRunToRun() {
    float[][] g = chunkEdges(9);
    long first = Double.doubleToRawLongBits(Clip.globalNorm(Parallelism.allCores(), Views.all(g)));
    for (int i = 0; i < 5; i++) {
      assertEquals(first, Double.doubleToRawLongBits(Clip.globalNorm(Parallelism.allCores(), Views.all(g))));
      assertEquals(first, Double.doubleToRawLongBits(Clip.globalNorm(Views.all(g))));
    }
  }

  /**
   * Odd sizes over several chunks, 1..4 threads, repeated while the JIT compiles the kernels:
   * every parallel norm and clipped element equals the first sequential result bit for bit (with
   * reduceLanes(ADD) the partials of chunks reduced by compiled and by interpreted code differed).
   */
  @Test
  void parallelEqualsFirstSequentialResultWhileWarmingUp() {
    Random r = new Random(11);
    int[] lengths = {C + 3, 1, 0, 2 * C - 1, 17, C / 2 + 5, 33};
    float[][] g = new float[lengths.length][];
    for (int t = 0; t < g.length; t++) {
      g[t] = Ref.tensor(r, lengths[t], r.nextInt(20) - 10);
    }
    float[][] clipped = Ref.copy(g);
    long norm = Double.doubleToRawLongBits(Clip.byGlobalNorm(1e-3, Views.all(clipped)));
    Parallelism[] byThreads = {pools[0], pools[1], pools[2], Parallelism.threads(4)};
    for (int round = 0; round < 30; round++) {
      for (Parallelism pool : byThreads) {
        String where = "round " + round + ", " + pool.threads() + " threads";
        assertEquals(norm, Double.doubleToRawLongBits(
            Clip.globalNorm(pool, 2, NonFinite.THROW, Views.all(g))), where);
        float[][] par = Ref.copy(g);
        assertEquals(norm, Double.doubleToRawLongBits(
            Clip.byGlobalNorm(pool, 1e-3, 2, NonFinite.THROW, Views.all(par))), where);
        assertTrue(Ref.bitEqual(clipped, par), where);
      }
      assertEquals(norm, Double.doubleToRawLongBits(Clip.globalNorm(Views.all(g))), "round " + round);
    }
  }
}
