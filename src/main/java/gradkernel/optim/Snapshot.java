package gradkernel.optim;

import gradkernel.io.NamedArray;
import gradkernel.io.WeightFile;
import gradkernel.io.WeightFormat;
import gradkernel.io.WeightFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>{@link #save} writes a snapshot to a {@code .npz} or {@code .safetensors} file (float32
 * tensors under these keys, the metadata in safetensors' {@code __metadata__} or the npz archive
 * comment), atomically; {@link #load} reads one back, every size checked against the file before
 * it is allocated. The probe reads such a file as weights, skipping the {@code optim.*} tensors.
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

  /**
   * Writes the snapshot to {@code file} in {@code format} ({@link WeightFormat#NPZ} or
   * {@link WeightFormat#SAFETENSORS}) through a temporary file renamed over {@code file}, so an
   * existing file is replaced whole or not at all.
   *
   * @throws IllegalArgumentException for {@link WeightFormat#NPY} (one array, no metadata) or a
   *     key the format cannot store, before anything is written
   * @throws IOException when the file cannot be written (the target is then untouched)
   */
  public void save(Path file, WeightFormat format) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    if (format == WeightFormat.NPY) {
      throw new IllegalArgumentException("format: .npy holds one array without metadata; save a"
          + " snapshot as NPZ or SAFETENSORS");
    }
    List<NamedArray> arrays = new ArrayList<>(tensors.size());
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      int[] shape = shapes.get(e.getKey()).stream().mapToInt(Integer::intValue).toArray();
      arrays.add(NamedArray.of(e.getKey(), shape, e.getValue()));
    }
    format.write(file, arrays, metadata);
  }

  /**
   * Reads a snapshot from {@code file} (format by extension: {@code .npz}, {@code .safetensors},
   * or {@code .npy} as a single tensor named after the file), float64 data rounded to float32.
   * Restore it with {@link ParameterSet#restore} or {@link Optimizer#restore}, which check the
   * names and shapes against the set before writing anything.
   *
   * @throws WeightFormatException when the file is missing, corrupt or promises more data than it
   *     holds
   * @throws IllegalArgumentException when the extension is unknown
   */
  public static Snapshot load(Path file) throws WeightFormatException {
    WeightFile wf = WeightFormat.of(file).read(file);
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, List<Integer>> s = new LinkedHashMap<>();
    for (NamedArray a : wf.arrays()) {
      t.put(a.name(), a.data());
      s.put(a.name(), java.util.Arrays.stream(a.shape()).boxed().toList());
    }
    return new Snapshot(t, s, wf.metadata());
  }

  /** A copy with {@code extra} added to (or replacing entries of) the metadata. */
  public Snapshot withMetadata(Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.putAll(extra);
    return new Snapshot(tensors, shapes, m);
  }
}
