package gradkernel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.clip.NormAccumulator;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The global norm on Spark (local[2]) equals one machine's NormAccumulator bit for bit. */
class ShardedNormTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = SparkSupport.localContext("gradkernel-sharded-norm");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static List<float[]> gradients(long seed) {
    Random r = new Random(seed);
    List<float[]> ts = new ArrayList<>();
    float[] huge = new float[1000];
    java.util.Arrays.fill(huge, 1e19f); // Σx² overflows float (and a float sum of squares)
    ts.add(huge);
    ts.add(new float[] {3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f});
    for (int t = 0; t < 10; t++) {
      float[] a = new float[1 + r.nextInt(3 * NormAccumulator.CHUNK)];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(40) - 20);
      }
      ts.add(a);
    }
    return ts;
  }

  static List<Shard> shards(List<float[]> ts, int blockChunks) {
    List<Shard> all = new ArrayList<>();
    for (int t = 0; t < ts.size(); t++) {
      all.addAll(Shard.split(t, ts.get(t), blockChunks));
    }
    return all;
  }

  @Test
  void globalNormEqualsOneMachineForEveryPartitionCount() {
    List<float[]> ts = gradients(1);
    NormAccumulator one = NormAccumulator.l2();
    ts.forEach(t -> one.add(Vec.of(t)));
    long want = Double.doubleToRawLongBits(one.norm());
    assertTrue(one.norm() > 3.16e20 && one.norm() < 3.17e20, "1000 × 1e19 dominates: " + one.norm());
    Random r = new Random(2);
    for (int partitions : new int[] {1, 2, 3, 4, 8}) {
      List<Shard> blocks = shards(ts, 1 + r.nextInt(2));
      Collections.shuffle(blocks, r);
      double norm = ShardedNorm.aggregate(sc.parallelize(blocks, partitions), 1 + r.nextInt(3))
          .norm();
      assertEquals(want, Double.doubleToRawLongBits(norm), partitions + " partitions: " + norm);
    }
  }

  @Test
  void nonFiniteGradientsAreReportedWithTheFirstLocation() {
    List<float[]> ts = gradients(3);
    ts.get(5)[17] = Float.POSITIVE_INFINITY;
    ts.get(7)[3] = Float.NaN;
    NormAccumulator one = NormAccumulator.l2();
    ts.forEach(t -> one.add(Vec.of(t)));
    List<Shard> blocks = shards(ts, 1);
    Collections.reverse(blocks);
    NormPartial p = ShardedNorm.aggregate(sc.parallelize(blocks, 4), 2);
    assertTrue(Double.isNaN(p.norm()));
    assertEquals(one.nonFiniteTensor(), p.nonFiniteTensor());
    assertEquals(one.nonFiniteElement(), p.nonFiniteElement());
    assertEquals(Float.POSITIVE_INFINITY, p.nonFiniteValue());
  }
}
