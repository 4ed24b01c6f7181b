package gradkernel.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A copy of a {@link ParameterSet}'s values and optimizer state, plus string metadata (the
 * optimizer's kind and counters), in a form a weight-file writer can store as it is: tensors are
 * flat float arrays (row-major) with their shapes, metadata is a string map (safetensors'
 * {@code __metadata__}).
 *
 * <p>Keys: a parameter's value under its chain name ({@code "0.weight"}); an optimizer state
 * buffer under {@code "optim.<slot>.<name>"} ({@code "optim.exp_avg.0.weight"}, slot names as in
 * torch.optim's state). Iteration order is parameters first, then state slots in creation order.
 *
 * @param tensors  key → data (the snapshot owns the arrays; {@link ParameterSet#snapshot()}
 *                 returns fresh copies)
 * @param shapes   key → shape, same keys as tensors
 * @param metadata e.g. {@code optimizer=AdamW, step=120, skipped=1}
 */
public record Snapshot(Map<String, float[]> tensors, Map<String, List<Integer>> shapes,
    Map<String, String> metadata) {

  /** Prefix of optimizer state keys. */
  public static final String STATE_PREFIX = "optim.";

  /** Freezes the maps (the arrays stay shared); every tensor needs a shape of matching size. */
  public Snapshot {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors,
        "tensors")));
    shapes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(shapes,
        "shapes")));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata,
        "metadata")));
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      Objects.requireNonNull(e.getValue(), () -> "tensors: " + e.getKey());
      List<Integer> shape = shapes.get(e.getKey());
      if (shape == null) {
        throw new IllegalArgumentException("shapes: no shape for tensor '" + e.getKey() + "'");
      }
      long size = 1;
      for (int d : shape) {
        size *= d;
      }
      if (size != e.getValue().length) {
        throw new IllegalArgumentException("shapes: '" + e.getKey() + "' has shape " + shape
            + " (" + size + " floats) but " + e.getValue().length + " floats");
      }
    }
  }

  /** The key of state buffer {@code slot} of parameter {@code name}. */
  public static String stateKey(String slot, String name) {
    return STATE_PREFIX + slot + "." + name;
  }

  /** A copy with {@code extra} added to (or replacing entries of) the metadata. */
  public Snapshot withMetadata(Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.putAll(extra);
    return new Snapshot(tensors, shapes, m);
  }
}
