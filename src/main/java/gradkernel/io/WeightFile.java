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

  /** {@code parsed} JSON as a string map, or a format error starting with {@code what}. */
  static Map<String, String> stringMap(String source, String what, Object parsed)
      throws WeightFormatException {
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new WeightFormatException(source, what + ": not a JSON object");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String v)) {
        throw new WeightFormatException(source, what + ": '" + e.getKey() + "' is not a string");
      }
      m.put((String) e.getKey(), v);
    }
    return m;
  }
}
