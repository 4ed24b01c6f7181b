package gradkernel.spark;

import org.apache.spark.api.java.JavaRDD;

/**
 * The global L2 norm of gradient blocks held in an RDD's partitions, for clipping in
 * data-parallel or tensor-sharded training: each partition folds its blocks into a
 * {@link NormPartial}, and {@code treeAggregate} merges the partials exactly. The result is
 * bit-identical for any number of partitions, any placement of blocks and any merge tree, and
 * equal to {@link gradkernel.clip.NormAccumulator} over the same tensors on one machine.
 */
public final class ShardedNorm {
  private ShardedNorm() {}

  /** The merged partial (norm and non-finite provenance) of every block in {@code shards}. */
  public static NormPartial aggregate(JavaRDD<Shard> shards, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    return shards.treeAggregate(new NormPartial(), NormPartial::add, NormPartial::merge, depth);
  }

  /** The global L2 norm of every block in {@code shards} (treeAggregate of depth 2). */
  public static double globalNorm(JavaRDD<Shard> shards) {
    return aggregate(shards, 2).norm();
  }
}
