package gradkernel.chain;

import java.util.List;
import java.util.Objects;

/**
 * Residual block a ↦ a + f(a) with f an inner {@link Chain} mapping R^n → R^n. Jacobian I + J_f.
 * Gradient block layout: f's parameter gradients in f's own layout. One profile slot: the
 * gradient w.r.t. the block's input, with the weight-gradient norm of all of f.
 */
public final class Residual extends Layer {
  private final Chain f;

  /** The block a + f(a); f's input and output widths must be equal. */
  public Residual(Chain f) {
    this.f = Objects.requireNonNull(f, "f");
    if (f.inputSize() != f.outputSize()) {
      throw new IllegalArgumentException("f: a residual branch must map n -> n, but " + f
          + " maps " + f.inputSize() + " -> " + f.outputSize());
    }
  }

  /** Convenience: the block a + (layers…)(a). */
  public static Residual of(Layer... layers) {
    return new Residual(Chain.of(layers));
  }

  /** The branch f. */
  public Chain branch() {
    return f;
  }

  @Override void mode(Mode m) {
    f.mode(m);
  }

  @Override public int inputSize() { return f.inputSize(); }

  @Override public int outputSize() { return f.inputSize(); }

  @Override public int parameterCount() { return f.parameterCount(); }

  /** The branch's parameters, named {@code "f." + branch name} (e.g. {@code "f.0.weight"}). */
  @Override public List<Parameter> parameters() {
    return f.parameters().stream().map(p -> p.within("f.", 0)).toList();
  }

  @Override List<gradkernel.tensor.Matrix> parameterValues() {
    List<gradkernel.tensor.Matrix> all = new java.util.ArrayList<>();
    for (int l = 0; l < f.size(); l++) {
      all.addAll(f.layer(l).parameterValues());
    }
    return all;
  }

  @Override Residual rebind(float[] data, int off) {
    return new Residual(f.withParameters(data, off));
  }

  @Override public String describe() {
    return "Residual[" + f.inputSize() + " -> " + f.inputSize() + ", " + f + "]";
  }

  @Override int scratchPerExample() { return f.tapePerExample(); }

  @Override int workPerExample() { return f.workPerExample(false); }

  @Override
  void forward(int threads, int b, float[] a, int aOff, float[] out, int outOff, float[] s,
      int sOff) {
    int len = b * f.inputSize();
    f.forwardCore(threads, b, a, aOff, s, sOff);
    System.arraycopy(a, aOff, out, outOff, len);
    K.axpy(len, 1f, s, f.outputOffset(b, sOff), out, outOff);
  }

  @Override
  double backward(int threads, int b, float[] a, int aOff, float[] s, int sOff, float[] up,
      int upOff,
      float[] dIn, int dInOff, float[] grad, int gOff, float[] w, int wOff, GradientProfile p,
      int slot) {
    int len = b * f.inputSize();
    double ss = f.backwardCore(threads, b, s, sOff, up, upOff, dIn, dInOff, grad, gOff, w, wOff, false,
        null, 0);
    K.axpy(len, 1f, up, upOff, dIn, dInOff);
    record(p, slot, dIn, dInOff, len, ss);
    return ss;
  }

  @Override
  void jvp(float[] a, int aOff, float[] s, int sOff, float[] da, int daOff, float[] dOut,
      int dOutOff, float[] w, int wOff) {
    f.jvpCore(s, sOff, da, daOff, dOut, dOutOff, w, wOff);
    K.axpy(f.inputSize(), 1f, da, daOff, dOut, dOutOff);
  }
}
