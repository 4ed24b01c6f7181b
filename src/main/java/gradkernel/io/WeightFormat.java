package gradkernel.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The weight-file formats gradkernel reads and writes, chosen by file extension
 * ({@link #of(Path)}). Every writer is atomic (a temporary file renamed over the target) and
 * streams the data in bounded chunks; every reader validates sizes against the file before it
 * allocates (see {@link NpyFormat}, {@link NpzFormat}, {@link SafetensorsFormat}).
 */
public enum WeightFormat {
  /** NumPy {@code .npy}: one array, named after the file; no metadata. */
  NPY(".npy"),
  /** NumPy {@code .npz}: a zip of {@code .npy} members; metadata in the archive comment. */
  NPZ(".npz"),
  /** Hugging Face {@code .safetensors}: named tensors and a {@code __metadata__} string map. */
  SAFETENSORS(".safetensors");

  private final String extension;

  WeightFormat(String extension) {
    this.extension = extension;
  }

  /** The file extension, with its dot ({@code ".npz"}). */
  public String extension() {
    return extension;
  }

  /**
   * The format of {@code file} by its extension (case-insensitive).
   *
   * @throws IllegalArgumentException naming the file when the extension is none of
   *     {@code .npy}, {@code .npz}, {@code .safetensors}
   */
  public static WeightFormat of(Path file) {
    Objects.requireNonNull(file, "file");
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    for (WeightFormat f : values()) {
      if (name.endsWith(f.extension)) {
        return f;
      }
    }
    throw new IllegalArgumentException("file: " + file
        + " has an unknown weight format; expected .npy, .npz or .safetensors");
  }

  /** Every array and the metadata of {@code file}. */
  public WeightFile read(Path file) throws WeightFormatException {
    return read(file, name -> true);
  }

  /**
   * The arrays of {@code file} whose name {@code keep} accepts (the others are validated but not
   * decoded, and for {@code .npz} not inflated), and its metadata.
   */
  public WeightFile read(Path file, Predicate<String> keep) throws WeightFormatException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keep, "keep");
    return switch (this) {
      case NPY -> {
        NamedArray a = NpyFormat.read(file);
        yield new WeightFile(keep.test(a.name()) ? List.of(a) : List.of(), Map.of());
      }
      case NPZ -> NpzFormat.read(file, NpzFormat.defaultBudget(), keep);
      case SAFETENSORS -> SafetensorsFormat.read(file.toString(), NpyFormat.readAll(file), keep);
    };
  }

  /**
   * Writes {@code arrays} (float32) and {@code metadata} to {@code file} atomically, after
   * checking every name (see {@link #checkNames}). {@code .npy} takes exactly one array and no
   * metadata.
   *
   * @throws IllegalArgumentException for a bad name or a list {@code .npy} cannot hold, before
   *     anything is written
   */
  public void write(Path file, List<NamedArray> arrays, Map<String, String> metadata)
      throws IOException {
    Objects.requireNonNull(file, "file");
    checkNames(arrays);
    Objects.requireNonNull(metadata, "metadata");
    metadata.forEach((k, v) -> {
      Objects.requireNonNull(k, "metadata key");
      Objects.requireNonNull(v, () -> "metadata: value of " + k);
    });
    switch (this) {
      case NPY -> {
        if (arrays.size() != 1 || !metadata.isEmpty()) {
          throw new IllegalArgumentException("arrays: .npy holds exactly one array and no metadata,"
              + " got " + arrays.size() + " arrays and " + metadata.size() + " metadata entries;"
              + " use .npz or .safetensors");
        }
        NpyFormat.write(arrays.get(0), file);
      }
      case NPZ -> NpzFormat.write(file, arrays, metadata);
      case SAFETENSORS -> SafetensorsFormat.write(file, arrays, metadata);
    }
  }

  /**
   * Checks names a writer stores: non-empty, at most 1024 characters, no {@code /}, {@code \},
   * control characters or leading dot, not {@code __metadata__}, and unique.
   *
   * @throws IllegalArgumentException naming the first bad name
   */
  public static void checkNames(List<NamedArray> arrays) {
    Objects.requireNonNull(arrays, "arrays");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < arrays.size(); i++) {
      NamedArray a = Objects.requireNonNull(arrays.get(i), "arrays[" + i + "]");
      String n = a.name();
      boolean bad = n.isEmpty() || n.length() > 1024 || n.startsWith(".")
          || n.equals("__metadata__") || n.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f);
      if (bad) {
        throw new IllegalArgumentException("arrays[" + i + "]: name '" + n.replaceAll("\\p{Cntrl}", "?")
            + "' cannot be stored (need 1-1024 characters, no '/', '\\', control characters or"
            + " leading '.', not __metadata__)");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException("arrays[" + i + "]: duplicate name '" + n + "'");
      }
    }
  }
}
