package gradkernel.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a weight file holds: its arrays in file order and its string metadata (safetensors'
 * {@code __metadata__}; for {@code .npz}, what gradkernel's writer stored in the archive comment;
 * empty for {@code .npy} and for files written by other tools).
 *
 * @param arrays   the arrays, in file order (unmodifiable)
 * @param metadata key → value (unmodifiable, order kept)
 */
public record WeightFile(List<NamedArray> arrays, Map<String, String> metadata) {
  /** Copies both. */
  public WeightFile {
    arrays = List.copyOf(Objects.requireNonNull(arrays, "arrays"));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata,
        "metadata")));
  }
}
