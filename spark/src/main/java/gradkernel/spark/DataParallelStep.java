package gradkernel.spark;

import gradkernel.chain.BatchBlocks;
import gradkernel.chain.Chain;
import gradkernel.chain.Gradients;
import gradkernel.chain.Parameter;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.loss.MseLoss;
import gradkernel.loss.Reduction;
import gradkernel.optim.Optimizer;
import gradkernel.optim.ParameterSet;
import gradkernel.tensor.Blas;
import gradkernel.tensor.Matrix;
import gradkernel.tensor.Vec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * One synchronous data-parallel training step with an MSE loss: the driver broadcasts the
 * weights, every partition runs a {@link Chain} backward on each of its {@link Block}s, the
 * block gradients are reduced <b>in block-index order</b> (never in arrival order) by
 * {@link BatchBlocks#sum}, scaled to the mean over the batch, the global norm is taken once with {@link NormAccumulator} (exact, so
 * order-free) and the optimizer's fused clip-and-update step runs once on the driver.
 *
 * <p>Guarantee: the new weights equal, bit for bit, {@link #stepLocally} — one machine running
 * the same blocks in the same order — for any number of partitions and any placement of blocks,
 * because each block's gradient is a deterministic function of (weights, block) and the
 * reduction order is fixed by block index. Cut the batch with {@link Block#split} (the fixed
 * {@link BatchBlocks} partition, a function of the batch size only) and the result does not depend
 * on the cluster either: the same bits for any number of partitions, executors and machines.
 * Cost of that guarantee: the driver receives every
 * block gradient (B·P floats for B blocks of P parameters) instead of a tree-combined sum; use
 * few, large blocks.
 */
public final class DataParallelStep {
  private DataParallelStep() {}

  /**
   * Runs one step on Spark: {@code params} (driver-side, bound to {@code factory}'s architecture)
   * are updated by {@code optimizer} with clipping to {@code maxNorm}. Returns the pre-clip global
   * norm of the mean gradient.
   */
  public static double step(JavaSparkContext sc, JavaRDD<Block> blocks, ModelFactory factory,
      Optimizer<?> optimizer, double maxNorm) {
    ParameterSet params = optimizer.parameters();
    Broadcast<float[]> weights = sc.broadcast(params.values().clone());
    List<Tuple2<Integer, float[]>> grads = blocks.mapPartitions(it -> {
      Worker w = new Worker(factory.build(), weights.value());
      List<Tuple2<Integer, float[]>> out = new ArrayList<>();
      while (it.hasNext()) {
        Block b = it.next();
        out.add(new Tuple2<>(b.index(), w.gradient(b)));
      }
      return out.iterator();
    }).collect();
    weights.destroy();
    List<Map.Entry<Integer, float[]>> ordered = new ArrayList<>();
    for (Tuple2<Integer, float[]> t : grads) {
      ordered.add(Map.entry(t._1(), t._2()));
    }
    return apply(ordered, optimizer, maxNorm);
  }

  /** The same step on one machine, blocks in the order given by their index. */
  public static double stepLocally(List<Block> blocks, ModelFactory factory,
      Optimizer<?> optimizer, double maxNorm) {
    Worker w = new Worker(factory.build(), optimizer.parameters().values().clone());
    List<Map.Entry<Integer, float[]>> grads = new ArrayList<>();
    for (Block b : blocks) {
      grads.add(Map.entry(b.index(), w.gradient(b)));
    }
    return apply(grads, optimizer, maxNorm);
  }

  /** Sums block gradients in index order, scales to the batch mean, clips and steps. */
  static double apply(List<Map.Entry<Integer, float[]>> grads, Optimizer<?> optimizer,
      double maxNorm) {
    if (grads.isEmpty()) {
      throw new IllegalArgumentException("grads: no blocks");
    }
    List<Map.Entry<Integer, float[]>> sorted = new ArrayList<>(grads);
    sorted.sort(Comparator.comparingInt(Map.Entry::getKey));
    ParameterSet params = optimizer.parameters();
    float[] g = params.gradients();
    int p = params.size();
    long examples = 0;
    Gradients[] parts = new Gradients[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0 && sorted.get(i).getKey().equals(sorted.get(i - 1).getKey())) {
        throw new IllegalArgumentException("grads: block " + sorted.get(i).getKey() + " twice");
      }
      parts[i] = Gradients.wrap(params.chain(), sorted.get(i).getValue(), 0);
      examples += (long) sorted.get(i).getValue()[p]; // the worker appends its example count
    }
    // the same fixed-order sum as Trainer's blocks on one machine
    BatchBlocks.sum(parts, parts.length, params.grads());
    Blas.scal((float) (1.0 / examples), new Vec(g, 0, p));
    NormAccumulator acc = NormAccumulator.l2();
    for (Parameter t : params.tensors()) {
      acc.add(new Vec(g, t.offset(), t.size()));
    }
    double norm = acc.norm();
    optimizer.step(norm, maxNorm);
    return norm;
  }

  /** A worker's model bound to a copy of the broadcast weights. */
  static final class Worker {
    private final Chain net;
    private final Tape tape;
    private final Gradients grads;
    private final MseLoss loss = MseLoss.of(Reduction.SUM);

    Worker(Chain architecture, float[] weights) {
      this.net = architecture.withParameters(weights, 0);
      this.tape = net.newTape();
      this.grads = new Gradients(net);
    }

    /** Σ over the block's examples of ∂(squared error)/∂θ, with the example count appended. */
    float[] gradient(Block b) {
      int out = net.outputSize();
      if (b.x().length != b.examples() * net.inputSize() || b.y().length != b.examples() * out) {
        throw new IllegalArgumentException("block " + b.index() + ": x [" + b.x().length
            + "] and y [" + b.y().length + "] must be [" + b.examples() + ", " + net.inputSize()
            + "] and [" + b.examples() + ", " + out + "]");
      }
      float[] y = net.forward(tape, b.x(), 0, b.examples()).copy().data();
      float[] dy = new float[y.length];
      loss.apply(Matrix.of(y, b.examples(), out), Matrix.of(b.y(), b.examples(), out),
          Matrix.of(dy, b.examples(), out));
      net.backward(tape, dy, 0, grads, null);
      float[] g = java.util.Arrays.copyOf(grads.data(), net.parameterCount() + 1);
      g[net.parameterCount()] = b.examples();
      return g;
    }
  }
}
