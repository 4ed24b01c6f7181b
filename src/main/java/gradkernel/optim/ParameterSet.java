package gradkernel.optim;

import gradkernel.chain.Chain;
import gradkernel.chain.Decay;
import gradkernel.chain.Gradients;
import gradkernel.chain.Parameter;
import gradkernel.tensor.Matrix;
import gradkernel.io.WeightFormat;
import gradkernel.tensor.Vec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every trainable tensor of a {@link Chain} in flat float arrays of one layout: the values
 * ({@link #values()}, which the {@link #chain() bound chain}'s layers view directly), the
 * gradients ({@link #gradients()}, which {@link Chain#backward} fills through {@link #grads()})
 * and optimizer state buffers ({@link #state(String)}), so one kernel pass per tensor covers w, g
 * and the state.
 *
 * <p>Tensors are named as in {@link Chain#parameters()} ({@code "0.weight"}, {@code "0.bias"},
 * {@code "3.weight_hh"}, {@code "2.f.1.bias"}); each has a shape (row-major, weights
 * {@code [out, in]}) and a {@link Decay} flag (weights decay; biases and normalization gains and
 * shifts do not). Views ({@link #value}, {@link #gradient}, {@link #stateOf}) alias the flat
 * arrays (no copy). Snapshots ({@link #snapshot()}, {@link #restore}) copy values and state;
 * {@link #save}/{@link #load} put them in a {@code .npz} or {@code .safetensors} file (to resume
 * an optimizer with its counters, use {@link Optimizer#snapshot()} and {@link Snapshot#save}).
 *
 * <p>Not thread-safe; the optimizer's parallel step splits work internally.
 */
public final class ParameterSet {
  private final Chain chain;
  private final float[] values;
  private final float[] grads;
  private final Gradients gradients;
  private final List<Parameter> tensors;
  private final Map<String, Integer> index = new HashMap<>();
  private final int[] offsets;
  private final int[] lengths;
  private final boolean[] decays;
  private final Map<String, float[]> state = new LinkedHashMap<>();

  private ParameterSet(Chain source) {
    int n = source.parameterCount();
    values = new float[n];
    source.copyParametersTo(values, 0);
    chain = source.withParameters(values, 0);
    grads = new float[n];
    gradients = Gradients.wrap(chain, grads, 0);
    tensors = chain.parameters();
    offsets = new int[tensors.size()];
    lengths = new int[tensors.size()];
    decays = new boolean[tensors.size()];
    for (int i = 0; i < tensors.size(); i++) {
      Parameter p = tensors.get(i);
      index.put(p.name(), i);
      offsets[i] = p.offset();
      lengths[i] = p.size();
      decays[i] = p.decay() == Decay.APPLY;
    }
  }

  /**
   * A parameter set holding a copy of {@code chain}'s parameter values; train {@link #chain()}
   * (the same network bound to {@link #values()}), not the original.
   */
  public static ParameterSet of(Chain chain) {
    return new ParameterSet(Objects.requireNonNull(chain, "chain"));
  }

  /** The chain whose layers view {@link #values()}: run forward/backward on this one. */
  public Chain chain() {
    return chain;
  }

  /** All parameter values, flat, in the layout of {@link #tensors()} (live, not a copy). */
  public float[] values() {
    return values;
  }

  /** All parameter gradients, flat, same layout (live). */
  public float[] gradients() {
    return grads;
  }

  /** The gradient buffer to pass to {@link Chain#backward} of {@link #chain()}. */
  public Gradients grads() {
    return gradients;
  }

  /** Total number of floats (Σ tensor sizes). */
  public int size() {
    return values.length;
  }

  /** The tensors: names, offsets into the flat arrays, shapes, decay flags. */
  public List<Parameter> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}; IllegalArgumentException listing the names if absent. */
  public Parameter tensor(String name) {
    return tensors.get(indexOf(name));
  }

  /** The value of tensor {@code name}, flat (a view of {@link #values()}). */
  public Vec value(String name) {
    Parameter p = tensor(name);
    return new Vec(values, p.offset(), p.size());
  }

  /** The gradient of tensor {@code name}, flat (a view of {@link #gradients()}). */
  public Vec gradient(String name) {
    Parameter p = tensor(name);
    return new Vec(grads, p.offset(), p.size());
  }

  /**
   * The gradient of every tensor as a flat view of {@link #gradients()}, in the order of
   * {@link #tensors()}: what {@code Clip} and {@code NormAccumulator} take, each tensor exactly its
   * slice. A fresh array per call; make it once, outside a step loop.
   */
  public Vec[] gradientViews() {
    Vec[] v = new Vec[tensors.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = new Vec(grads, offsets[i], lengths[i]);
    }
    return v;
  }

  /** The value of 2-D tensor {@code name} as a [rows, cols] row-major matrix view. */
  public Matrix valueMatrix(String name) {
    return matrix(values, tensor(name));
  }

  /** The gradient of 2-D tensor {@code name} as a [rows, cols] row-major matrix view. */
  public Matrix gradientMatrix(String name) {
    return matrix(grads, tensor(name));
  }

  /** Names of the optimizer state buffers present, in creation order (e.g. exp_avg). */
  public List<String> stateSlots() {
    return List.copyOf(state.keySet());
  }

  /** True when state buffer {@code slot} exists. */
  public boolean hasState(String slot) {
    return state.containsKey(Objects.requireNonNull(slot, "slot"));
  }

  /** The flat state buffer {@code slot} (live, layout of {@link #tensors()}). */
  public float[] state(String slot) {
    float[] s = state.get(Objects.requireNonNull(slot, "slot"));
    if (s == null) {
      throw new IllegalArgumentException("slot: no state buffer '" + slot + "'; present: "
          + state.keySet());
    }
    return s;
  }

  /** Slot {@code slot} of tensor {@code name}, flat (a view of {@link #state(String)}). */
  public Vec stateOf(String slot, String name) {
    float[] s = state(slot);
    Parameter p = tensor(name);
    return new Vec(s, p.offset(), p.size());
  }

  /** Sets every gradient to zero. */
  public void zeroGradients() {
    Arrays.fill(grads, 0f);
  }

  /**
   * A copy of every value and state buffer (see {@link Snapshot} for the keys) with empty
   * metadata; {@link Optimizer#snapshot()} adds the optimizer's counters.
   */
  public Snapshot snapshot() {
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, List<Integer>> s = new LinkedHashMap<>();
    for (Parameter p : tensors) {
      t.put(p.name(), Arrays.copyOfRange(values, p.offset(), p.offset() + p.size()));
      s.put(p.name(), p.shape());
    }
    for (Map.Entry<String, float[]> e : state.entrySet()) {
      for (Parameter p : tensors) {
        String key = Snapshot.stateKey(e.getKey(), p.name());
        t.put(key, Arrays.copyOfRange(e.getValue(), p.offset(), p.offset() + p.size()));
        s.put(key, p.shape());
      }
    }
    return new Snapshot(t, s, Map.of());
  }

  /**
   * Overwrites values and state from {@code snap}: every parameter must be present with its size
   * (and shape); state keys {@code optim.<slot>.<name>} must cover every tensor of each slot they
   * mention. State buffers absent from the snapshot are removed. Everything is validated before
   * anything is written (IllegalArgumentException naming the key).
   */
  public void restore(Snapshot snap) {
    Objects.requireNonNull(snap, "snap");
    Map<String, Integer> slotCounts = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : snap.tensors().entrySet()) {
      String key = e.getKey();
      String name = key;
      if (key.startsWith(Snapshot.STATE_PREFIX)) {
        String rest = key.substring(Snapshot.STATE_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0) {
          throw new IllegalArgumentException("snap: malformed state key '" + key
              + "', expected optim.<slot>.<name>");
        }
        name = rest.substring(dot + 1);
        slotCounts.merge(rest.substring(0, dot), 1, Integer::sum);
      }
      Integer i = index.get(name);
      if (i == null) {
        throw new IllegalArgumentException("snap: key '" + key + "' names no tensor of this set; "
            + "names are " + index.keySet());
      }
      Parameter p = tensors.get(i);
      if (e.getValue().length != p.size() || !snap.shapes().get(key).equals(p.shape())) {
        throw new IllegalArgumentException("snap: '" + key + "' has shape "
            + snap.shapes().get(key) + " (" + e.getValue().length + " floats), tensor " + p.name()
            + " has shape " + p.shape());
      }
    }
    for (Parameter p : tensors) {
      if (!snap.tensors().containsKey(p.name())) {
        throw new IllegalArgumentException("snap: missing value of tensor '" + p.name() + "'");
      }
    }
    for (Map.Entry<String, Integer> e : slotCounts.entrySet()) {
      if (e.getValue() != tensors.size()) {
        throw new IllegalArgumentException("snap: state slot '" + e.getKey() + "' covers "
            + e.getValue() + " of " + tensors.size() + " tensors");
      }
    }
    // Validated: write.
    state.keySet().retainAll(slotCounts.keySet());
    for (String slot : slotCounts.keySet()) {
      state.computeIfAbsent(slot, k -> new float[values.length]);
    }
    for (Parameter p : tensors) {
      System.arraycopy(snap.tensors().get(p.name()), 0, values, p.offset(), p.size());
      for (Map.Entry<String, float[]> e : state.entrySet()) {
        System.arraycopy(snap.tensors().get(Snapshot.stateKey(e.getKey(), p.name())), 0,
            e.getValue(), p.offset(), p.size());
      }
    }
  }

  /**
   * Writes every value and state buffer ({@link #snapshot()}: keys {@code "0.weight"},
   * {@code "optim.exp_avg.0.weight"}, …) to {@code file} in {@code format}, atomically (see
   * {@link Snapshot#save}).
   */
  public void save(Path file, WeightFormat format) throws IOException {
    snapshot().save(file, format);
  }

  /**
   * Overwrites values and state from {@code file} ({@link Snapshot#load} then {@link #restore}):
   * the file is read and every name and shape checked before anything in the set is written.
   */
  public void load(Path file) throws IOException {
    restore(Snapshot.load(file));
  }

  @Override
  public String toString() {
    return "ParameterSet[" + tensors.size() + " tensors, " + values.length + " floats, state "
        + state.keySet() + "]";
  }

  // ---- package-private: used by the optimizers ----

  /** State buffer {@code slot}, created filled with {@code init} when absent. */
  float[] ensureState(String slot, float init) {
    float[] s = state.get(slot);
    if (s == null) {
      s = new float[values.length];
      if (init != 0) {
        Arrays.fill(s, init);
      }
      state.put(slot, s);
    }
    return s;
  }

  int count() {
    return offsets.length;
  }

  int offset(int t) {
    return offsets[t];
  }

  int length(int t) {
    return lengths[t];
  }

  boolean decays(int t) {
    return decays[t];
  }

  private int indexOf(String name) {
    Integer i = index.get(Objects.requireNonNull(name, "name"));
    if (i == null) {
      List<String> names = new ArrayList<>();
      tensors.forEach(p -> names.add(p.name()));
      throw new IllegalArgumentException("name: no tensor '" + name + "'; names are " + names);
    }
    return i;
  }

  private static Matrix matrix(float[] data, Parameter p) {
    if (p.shape().size() != 2) {
      throw new IllegalArgumentException("name: tensor '" + p.name() + "' has shape " + p.shape()
          + ", not [rows, cols]; use the flat view");
    }
    int rows = p.shape().get(0);
    int cols = p.shape().get(1);
    return new Matrix(data, p.offset(), rows, cols, Math.max(1, cols));
  }
}
