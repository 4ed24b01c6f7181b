package gradkernel.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * A block of one gradient tensor held by a worker: elements {@code [start, start + values.length)}
 * of tensor {@code tensor}. Blocks start at multiples of {@link gradkernel.clip.NormAccumulator#CHUNK}
 * so that every worker cuts the same chunks as one machine would.
 *
 * @param tensor index of the tensor in the model's fixed tensor order
 * @param start  first element of the block within the tensor (a multiple of CHUNK)
 * @param values the block's gradient values
 */
public record Shard(int tensor, int start, float[] values) implements Serializable {

  /** Validates the block. */
  public Shard {
    Objects.requireNonNull(values, "values");
    if (tensor < 0) {
      throw new IllegalArgumentException("tensor must be >= 0, got " + tensor);
    }
    if (start < 0 || start % gradkernel.clip.NormAccumulator.CHUNK != 0) {
      throw new IllegalArgumentException("start must be a non-negative multiple of "
          + gradkernel.clip.NormAccumulator.CHUNK + ", got " + start);
    }
  }

  /** Cuts tensor {@code t} into blocks of at most {@code blockChunks}·CHUNK elements. */
  public static java.util.List<Shard> split(int t, float[] tensor, int blockChunks) {
    if (blockChunks < 1) {
      throw new IllegalArgumentException("blockChunks must be >= 1, got " + blockChunks);
    }
    int block = Math.multiplyExact(blockChunks, gradkernel.clip.NormAccumulator.CHUNK);
    java.util.List<Shard> out = new java.util.ArrayList<>();
    for (int s = 0; s < tensor.length || s == 0; s += block) {
      out.add(new Shard(t, s, java.util.Arrays.copyOfRange(tensor, s,
          Math.min(tensor.length, s + block))));
      if (tensor.length == 0) {
        break;
      }
    }
    return out;
  }
}
