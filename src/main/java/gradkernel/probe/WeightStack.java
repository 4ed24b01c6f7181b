package gradkernel.probe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A stack of dense layers read from weight files: each layer is a 2-D weight {@code [out, in]}
 * (PyTorch's layout) with an optional 1-D bias {@code [out]}, and consecutive layers must chain
 * ({@code in} of layer l+1 = {@code out} of layer l).
 *
 * <p>Files: {@code .npy} (one tensor, named after the file), {@code .npz} and {@code .safetensors}
 * (named tensors). A file argument may be a glob in its last path element ({@code ckpt/layer*.npy}),
 * expanded in natural order (layer2 before layer10). Tensors are taken in file order, or in natural
 * name order; an optional regex (matched against the whole name) selects which ones to use.
 *
 * <p>A 1-D tensor is the bias of the weight with the same name stem ({@code fc1.bias} ↔
 * {@code fc1.weight}), else of the weight just before it when its length equals that weight's
 * rows; any other 1-D tensor, and any tensor of rank 0 or ≥ 3, is an error naming it.
 */
public record WeightStack(List<Layer> layers) {

  /** One dense layer: {@code weight} of shape [out, in], {@code bias} of shape [out] or null. */
  public record Layer(Tensor weight, Tensor bias) {
    /** Output width (weight rows). */
    public int out() {
      return weight.shape()[0];
    }

    /** Input width (weight columns). */
    public int in() {
      return weight.shape()[1];
    }
  }

  /** Copies the list. */
  public WeightStack {
    layers = List.copyOf(layers);
  }

  /**
   * Reads {@code specs} (files or globs), keeps tensors whose name matches {@code select} (null:
   * all), orders them by file order or, when {@code byName}, by natural name order, and groups
   * them into chained dense layers.
   */
  public static WeightStack load(List<String> specs, Pattern select, boolean byName)
      throws WeightFileException, UsageException {
    return group(tensors(specs, select, byName));
  }

  /**
   * The tensors of {@code specs} (files or globs) whose name matches {@code select} (null: all),
   * in file order or, when {@code byName}, natural name order; never empty.
   */
  static List<Tensor> tensors(List<String> specs, Pattern select, boolean byName)
      throws WeightFileException, UsageException {
    List<Tensor> all = new ArrayList<>();
    for (String spec : specs) {
      for (Path p : expand(spec)) {
        all.addAll(readFile(p));
      }
    }
    List<Tensor> chosen = new ArrayList<>();
    for (Tensor t : all) {
      if (select == null || matches(select, t.name())) {
        chosen.add(t);
      }
    }
    if (chosen.isEmpty()) {
      throw new WeightFileException(String.join(", ", specs), select == null
          ? "no tensors found" : "no tensor name matches --select '" + Text.name(select.pattern())
          + "'; names found: " + names(all));
    }
    if (byName) {
      chosen.sort(Comparator.comparing(Tensor::name, NATURAL));
    }
    return chosen;
  }

  /**
   * Whether {@code select} matches all of {@code name}. java.util.regex recurses per repetition of
   * some patterns, so a long name can overflow the stack: that is reported as a usage error.
   */
  static boolean matches(Pattern select, String name) throws UsageException {
    try {
      return select.matcher(name).matches();
    } catch (StackOverflowError e) {
      throw new UsageException("--select: regular expression '" + Text.name(select.pattern())
          + "' overflows the stack on tensor name '" + Text.name(name) + "'; simplify it (e.g. '.*' or"
          + " possessive '(?:a|b)*+' instead of '(a|b)*')", ProbeCli.USAGE);
    }
  }

  /** Groups tensors (already selected and ordered) into chained dense layers; see the class doc. */
  public static WeightStack group(List<Tensor> tensors) throws WeightFileException {
    Map<String, Integer> weightByStem = new HashMap<>();
    List<Tensor> weights = new ArrayList<>();
    for (Tensor t : tensors) {
      if (t.rank() == 2) {
        weightByStem.putIfAbsent(stem(t.name(), "weight"), weights.size());
        weights.add(t);
      } else if (t.rank() != 1) {
        throw new WeightFileException("tensor '" + t.name() + "'", "shape " + t.shapeString()
            + " is not a dense layer; the probe reads 2-D weights [out, in] and 1-D biases [out]"
            + " (exclude it with --select REGEX)");
      }
    }
    if (weights.isEmpty()) {
      throw new WeightFileException("weights", "no 2-D weight tensor among " + names(tensors));
    }
    Tensor[] biases = new Tensor[weights.size()];
    int lastWeight = -1;
    for (Tensor t : tensors) {
      if (t.rank() == 2) {
        lastWeight++;
        continue;
      }
      Integer byStem = t.name().toLowerCase(Locale.ROOT).endsWith("bias")
          ? weightByStem.get(stem(t.name(), "bias")) : null;
      int target = byStem != null ? byStem : lastWeight;
      if (target < 0 || biases[target] != null) {
        throw new WeightFileException("tensor '" + t.name() + "'", "1-D tensor " + t.shapeString()
            + " is not the bias of any weight (a bias follows its weight or shares its name stem);"
            + " exclude it with --select REGEX");
      }
      Tensor w = weights.get(target);
      if (t.shape()[0] != w.shape()[0]) {
        throw new WeightFileException("tensor '" + t.name() + "'", "bias shape " + t.shapeString()
            + " does not match weight '" + w.name() + "' of shape " + w.shapeString()
            + "; expected [" + w.shape()[0] + "]");
      }
      biases[target] = t;
    }
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < weights.size(); l++) {
      Tensor w = weights.get(l);
      if (l > 0) {
        Tensor prev = weights.get(l - 1);
        if (w.shape()[1] != prev.shape()[0]) {
          throw new WeightFileException("tensor '" + w.name() + "'", "layer " + (l + 1)
              + " has shape " + w.shapeString() + " but the previous layer '" + prev.name()
              + "' " + prev.shapeString() + " outputs " + prev.shape()[0] + "; expected ["
              + w.shape()[0] + ", " + prev.shape()[0] + "] (weights are [out, in])");
        }
      }
      if (w.shape()[0] == 0 || w.shape()[1] == 0) {
        throw new WeightFileException("tensor '" + w.name() + "'", "empty weight " + w.shapeString());
      }
      requireFinite(w);
      if (biases[l] != null) {
        requireFinite(biases[l]);
      }
      layers.add(new Layer(w, biases[l]));
    }
    return new WeightStack(layers);
  }

  /** Fails naming the tensor and the element (multi-index) of its first NaN or ±∞. */
  static void requireFinite(Tensor t) throws WeightFileException {
    float[] d = t.data();
    for (int k = 0; k < d.length; k++) {
      if (!Float.isFinite(d[k])) {
        int[] shape = t.shape();
        int[] at = new int[shape.length];
        long rest = k;
        for (int i = shape.length - 1; i >= 0; i--) {
          at[i] = (int) (rest % shape[i]);
          rest /= shape[i];
        }
        throw new WeightFileException("tensor '" + Text.name(t.name()) + "'", "element "
            + java.util.Arrays.toString(at) + " (flat index " + k + ") is " + d[k]
            + "; the probe needs finite weights and biases");
      }
    }
  }

  /** Reads one weight file by its extension. */
  public static List<Tensor> readFile(Path p) throws WeightFileException {
    if (Files.isDirectory(p)) {
      throw new WeightFileException(p.toString(), "is a directory; name weight files, or a glob such"
          + " as dir/*.npy");
    }
    Path fileName = p.getFileName();
    String file = fileName == null ? p.toString() : fileName.toString();
    String lower = file.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".npz")) {
      if (!Files.exists(p)) {
        throw new WeightFileException(p.toString(), "no such file");
      }
      if (!Files.isReadable(p)) {
        throw new WeightFileException(p.toString(), "cannot be read: permission denied");
      }
      return Npz.read(p);
    }
    boolean npy = lower.endsWith(".npy");
    if (!npy && !lower.endsWith(".safetensors")) {
      throw new WeightFileException(p.toString(),
          "unknown weight format; expected .npy, .npz or .safetensors");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new WeightFileException(p.toString(), "no such file");
    } catch (IOException e) {
      throw new WeightFileException(p.toString(), "cannot be read: " + Text.reason(e));
    } catch (OutOfMemoryError e) {
      throw new WeightFileException(p.toString(), "cannot be read: out of memory (raise -Xmx with"
          + " GRADKERNEL_JVM_OPTS)");
    }
    return npy ? List.of(Npy.read(p.toString(), file.substring(0, file.length() - 4), bytes))
        : Safetensors.read(p.toString(), bytes);
  }

  /**
   * The files a spec names: itself if such a file exists (even when its name holds glob
   * characters, e.g. {@code w[1].npy}), else the natural-ordered matches of a glob in its last
   * element.
   */
  static List<Path> expand(String spec) throws WeightFileException {
    Path p;
    try {
      p = Path.of(spec);
    } catch (java.nio.file.InvalidPathException e) {
      throw new WeightFileException(spec, "invalid file name (" + e.getReason() + ")");
    }
    Path nameP = p.getFileName();
    String name = nameP == null ? spec : nameP.toString();
    if (!name.matches(".*[*?\\[{].*") || Files.exists(p)) {
      return List.of(p);
    }
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw new WeightFileException(spec, "cannot list the files in " + dir + ": " + (Files.isDirectory(dir)
          ? Text.reason(e) : "no such directory"));
    } catch (IllegalArgumentException e) {
      throw new WeightFileException(spec, "bad glob pattern (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new WeightFileException(spec, "no file matches");
    }
    out.sort(Comparator.comparing(x -> x.getFileName().toString(), NATURAL));
    return out;
  }

  /** Compares runs of digits by value, everything else by character: layer2 < layer10. */
  static final Comparator<String> NATURAL = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String da = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String db = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  private static String stem(String name, String suffix) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(suffix) ? lower.substring(0, lower.length() - suffix.length()) : lower;
  }

  private static String names(List<Tensor> tensors) {
    List<String> n = new ArrayList<>();
    for (Tensor t : tensors) {
      n.add(Text.name(t.name()) + t.shapeString());
      if (n.size() == 12) {
        n.add("…");
        break;
      }
    }
    return String.join(", ", n);
  }
}
