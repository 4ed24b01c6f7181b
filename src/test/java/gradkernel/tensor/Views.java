package gradkernel.tensor;

/** Test helper: whole-array views of tensors kept as separate arrays. */
public final class Views {
  private Views() {}

  /** {@code Vec.of} of each array, in order; a null array gives a null view (for null tests). */
  public static Vec[] all(float[]... arrays) {
    Vec[] v = new Vec[arrays.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = arrays[i] == null ? null : Vec.of(arrays[i]);
    }
    return v;
  }
}
