package gradkernel.probe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stack of recurrent layers read from a PyTorch {@code nn.RNN} / {@code nn.LSTM} /
 * {@code nn.GRU} state_dict: per layer k the tensors {@code weight_ih_lk [G·n, m]},
 * {@code weight_hh_lk [G·n, n]} and (unless the module had {@code bias=False}) {@code bias_ih_lk},
 * {@code bias_hh_lk [G·n]}, all under one optional prefix ({@code lstm.weight_ih_l0}). The cell
 * follows from {@code weight_hh}: G = rows / columns is 1 (RNN), 3 (GRU) or 4 (LSTM).
 * Layer k ≥ 1 takes layer k−1's hidden state as input (m = n). Bidirectional layers
 * ({@code _reverse}) and {@code proj_size} ({@code weight_hr}) are refused with a message.
 */
record RecurrentStack(Cell cell, String prefix, List<Layer> layers) {

  /** The recurrent cell and its number of gate blocks G. */
  enum Cell {
    RNN(1), GRU(3), LSTM(4);

    final int gates;

    Cell(int gates) {
      this.gates = gates;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "rnn", "lstm" or "gru" (case-insensitive); null if none of them. */
    static Cell parse(String s) {
      for (Cell c : values()) {
        if (c.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return c;
        }
      }
      return null;
    }

    static Cell ofGates(int g) {
      for (Cell c : values()) {
        if (c.gates == g) {
          return c;
        }
      }
      return null;
    }
  }

  /** Layer k: weights [G·n, m] and [G·n, n], biases [G·n] or null (bias=False). */
  record Layer(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {
    int hidden() {
      return weightHh.shape()[1];
    }

    int input() {
      return weightIh.shape()[1];
    }
  }

  /** Copies the list. */
  RecurrentStack {
    layers = List.copyOf(layers);
  }

  /** PyTorch's recurrent parameter names: prefix, kind, side, layer, optional direction suffix. */
  private static final Pattern NAME = Pattern.compile(
      "(.*?)(weight|bias)_(ih|hh|hr)_l(\\d+)(_reverse)?");

  /** Whether any tensor is named like a recurrent parameter (then the file is read as one). */
  static boolean isRecurrent(List<Tensor> tensors) {
    for (Tensor t : tensors) {
      if (NAME.matcher(t.name()).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Groups {@code tensors} into a recurrent stack. {@code forced} is the cell given with --cell
   * (null: detected from the shapes).
   *
   * @throws WeightFileException naming the tensor and the expected shape when anything does not
   *     fit: other tensors mixed in, several prefixes, a missing or extra layer tensor, a shape
   *     that does not match the cell, bidirectional or projected layers, NaN/±∞ values
   */
  static RecurrentStack of(List<Tensor> tensors, Cell forced) throws WeightFileException {
    TreeMap<Integer, Tensor[]> byLayer = new TreeMap<>();
    Set<String> prefixes = new LinkedHashSet<>();
    List<String> others = new ArrayList<>();
    for (Tensor t : tensors) {
      Matcher m = NAME.matcher(t.name());
      if (!m.matches()) {
        others.add(Text.name(t.name()) + t.shapeString());
        continue;
      }
      String what = "tensor '" + Text.name(t.name()) + "'";
      if (m.group(5) != null) {
        throw new WeightFileException(what, "bidirectional recurrent layers (_reverse) are not"
            + " supported; probe one direction with --select (e.g. '.*_l\\d+')");
      }
      if (m.group(3).equals("hr")) {
        throw new WeightFileException(what, "LSTM projections (proj_size, weight_hr) are not"
            + " supported");
      }
      if (m.group(4).length() > 6) {
        throw new WeightFileException(what, "layer index out of range");
      }
      prefixes.add(m.group(1));
    }
    if (prefixes.isEmpty()) {
      throw new WeightFileException("weights", "no recurrent tensor (weight_ih_l0, weight_hh_l0, …)");
    }
    if (!others.isEmpty()) {
      throw new WeightFileException("weights", "recurrent tensors (weight_ih_l0, …) mixed with"
          + " other tensors " + String.join(", ", others.subList(0, Math.min(8, others.size())))
          + (others.size() > 8 ? ", …" : "") + "; keep only the recurrent module with --select"
          + " (e.g. '" + Text.name(prefixes.iterator().next()) + ".*')");
    }
    if (prefixes.size() > 1) {
      throw new WeightFileException("weights", "recurrent tensors of several modules (prefixes "
          + String.join(", ", prefixes.stream().map(p -> "'" + Text.name(p) + "'").toList())
          + "); choose one with --select (e.g. '" + Text.name(prefixes.iterator().next()) + ".*')");
    }
    String prefix = prefixes.iterator().next();
    for (Tensor t : tensors) {
      Matcher m = NAME.matcher(t.name());
      m.matches();
      int k = Integer.parseInt(m.group(4));
      int slot = (m.group(2).equals("weight") ? 0 : 2) + (m.group(3).equals("ih") ? 0 : 1);
      Tensor[] four = byLayer.computeIfAbsent(k, x -> new Tensor[4]);
      if (four[slot] != null) {
        throw new WeightFileException("tensor '" + Text.name(t.name()) + "'",
            "appears twice (also in another file?)");
      }
      four[slot] = t;
    }
    List<Layer> layers = new ArrayList<>();
    Cell cell = forced;
    int k = 0;
    String[] names = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
    for (var e : byLayer.entrySet()) {
      if (e.getKey() != k) {
        throw new WeightFileException("weights", "layer " + k + " is missing: expected "
            + Text.name(prefix) + "weight_ih_l" + k + " before " + Text.name(prefix) + "…_l"
            + e.getKey());
      }
      Tensor[] f = e.getValue();
      for (int i = 0; i < 2; i++) {
        if (f[i] == null) {
          throw new WeightFileException("weights", "missing " + Text.name(prefix) + names[i]
              + "_l" + k + " (found " + present(f, names, prefix, k) + ")");
        }
      }
      if ((f[2] == null) != (f[3] == null)) {
        throw new WeightFileException("weights", "layer " + k + " has only one of "
            + Text.name(prefix) + "bias_ih_l" + k + " and bias_hh_l" + k + "; PyTorch writes both"
            + " or neither (bias=False)");
      }
      Tensor wih = f[0];
      Tensor whh = f[1];
      String hhName = "tensor '" + Text.name(whh.name()) + "'";
      if (whh.rank() != 2 || whh.shape()[1] == 0 || whh.shape()[0] % whh.shape()[1] != 0) {
        throw new WeightFileException(hhName, "shape " + whh.shapeString() + " is not a recurrent"
            + " weight [G·n, n] (G = 1 RNN, 3 GRU, 4 LSTM)");
      }
      int n = whh.shape()[1];
      int g = whh.shape()[0] / n;
      Cell here = Cell.ofGates(g);
      if (here == null) {
        throw new WeightFileException(hhName, "shape " + whh.shapeString() + " has " + g
            + " gate blocks of n = " + n + " rows; expected 1 (RNN, [n, n]), 3 (GRU, [3n, n]) or 4"
            + " (LSTM, [4n, n])");
      }
      if (cell == null) {
        cell = here;
      } else if (cell != here) {
        throw new WeightFileException(hhName, "shape " + whh.shapeString() + " is a "
            + here.label() + " weight, but " + (forced != null ? "--cell " + forced.label()
            + " expects [" + forced.gates + "·n, n]" : "layer 0 is a " + cell.label()));
      }
      int m = k == 0 ? -1 : n;
      if (wih.rank() != 2 || wih.shape()[0] != g * n || wih.shape()[1] == 0
          || (m > 0 && wih.shape()[1] != m)) {
        throw new WeightFileException("tensor '" + Text.name(wih.name()) + "'", "shape "
            + wih.shapeString() + " does not fit " + cell.label() + " layer " + k + " with n = " + n
            + "; expected [" + g * n + ", " + (m > 0 ? m + "" : "m") + "] (weight_ih is [G·n, m]"
            + (k > 0 ? ", m = n above layer 0" : "") + ")");
      }
      for (int i = 2; i < 4; i++) {
        if (f[i] != null && (f[i].rank() != 1 || f[i].shape()[0] != g * n)) {
          throw new WeightFileException("tensor '" + Text.name(f[i].name()) + "'", "shape "
              + f[i].shapeString() + " does not fit " + cell.label() + " layer " + k
              + "; expected [" + g * n + "]");
        }
      }
      for (Tensor t : f) {
        if (t != null) {
          WeightStack.requireFinite(t);
        }
      }
      layers.add(new Layer(wih, whh, f[2], f[3]));
      k++;
    }
    return new RecurrentStack(cell, prefix, layers);
  }

  private static String present(Tensor[] f, String[] names, String prefix, int k) {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (f[i] != null) {
        p.add(Text.name(prefix) + names[i] + "_l" + k);
      }
    }
    return String.join(", ", p);
  }
}
