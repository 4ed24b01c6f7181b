package gradkernel.spark;

import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Prints the README's "Scaling out" figures: the global norm of 16M floats (64 MiB, 24 tensors) on
 * one machine and by treeAggregate over 2, 4 and 8 partitions in local[2] mode (median of 7 runs,
 * data cached in the executors), and checks that every result has the same bits. Not a test:
 * {@code java -cp … gradkernel.spark.ScalingFigures} (see README).
 */
public final class ScalingFigures {
  private ScalingFigures() {}

  public static void main(String[] args) {
    Random r = new Random(1);
    List<float[]> ts = new ArrayList<>();
    for (int t = 0; t < 24; t++) {
      float[] a = new float[(16 << 20) / 24];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
      ts.add(a);
    }
    double[] one = new double[7];
    double norm = 0;
    for (int k = 0; k < one.length; k++) {
      long t0 = System.nanoTime();
      NormAccumulator acc = NormAccumulator.l2();
      ts.forEach(t -> acc.add(Vec.of(t)));
      norm = acc.norm();
      one[k] = (System.nanoTime() - t0) / 1e6;
    }
    System.out.printf("one machine (NormAccumulator): %.1f ms, norm %s%n", median(one),
        Double.toString(norm));
    JavaSparkContext sc = SparkSupport.localContext("gradkernel-scaling-figures");
    try {
      List<Shard> blocks = ShardedNormTest.shards(ts, 4);
      for (int p : new int[] {2, 4, 8}) {
        JavaRDD<Shard> rdd = sc.parallelize(blocks, p).cache();
        rdd.count();
        double[] ms = new double[7];
        for (int k = 0; k < ms.length; k++) {
          long t0 = System.nanoTime();
          double n = ShardedNorm.globalNorm(rdd);
          ms[k] = (System.nanoTime() - t0) / 1e6;
          if (Double.doubleToRawLongBits(n) != Double.doubleToRawLongBits(norm)) {
            throw new AssertionError(p + " partitions: " + n + " != " + norm);
          }
        }
        System.out.printf("spark local[2], %d partitions: %.1f ms (same bits)%n", p, median(ms));
        rdd.unpersist();
      }
    } finally {
      sc.stop();
    }
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
