package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad ranges throw before anything is written; from-output entry points. */
class ArgumentChecksTest {
  private final Activation a = Activations.SIGMOID;
  private final float[] z = {1, 2, 3, 4};
  private final float[] u = {1, 1, 1, 1};
  private final float[] out = {9, 9, 9, 9, 9};

  private void rejectsUntouched(Class<? extends Throwable> type, Executable call) {
    float[] before = out.clone();
    assertThrows(type, call);
    assertArrayEquals(before, out, "out must be untouched");
  }

  @Test void rangesPastTheEndThrowBeforeWriting() {
    rejectsUntouched(IllegalArgumentException.class, () -> a.backward(u, 1, z, 0, out, 0, 4));
    rejectsUntouched(IllegalArgumentException.class, () -> a.backward(u, 0, z, 1, out, 0, 4));
    rejectsUntouched(IllegalArgumentException.class, () -> a.backward(u, 0, z, 0, out, 2, 4));
    rejectsUntouched(IllegalArgumentException.class, () -> a.forward(z, 0, out, 0, 5));
    rejectsUntouched(IllegalArgumentException.class, () -> a.derivative(z, -1, out, 0, 2));
    rejectsUntouched(IllegalArgumentException.class, () -> a.derivative(z, 0, out, 0, -1));
    rejectsUntouched(IllegalArgumentException.class, () -> a.backwardFromOutput(u, 0, z, 1, out, 0, 4));
    rejectsUntouched(IllegalArgumentException.class, () -> a.backward(u, z, out));
    rejectsUntouched(NullPointerException.class, () -> a.backward(null, 0, z, 0, out, 0, 1));
    rejectsUntouched(NullPointerException.class, () -> a.forward(null, 0, out, 0, 1));
    rejectsUntouched(UnsupportedOperationException.class,
        () -> Activations.RELU.derivativeFromOutput(z, 0, out, 0, 4));
    String msg = assertThrows(IllegalArgumentException.class, () -> a.backward(u, 0, z, 0, out, 2, 4))
        .getMessage();
    assertTrue(msg.contains("out") && msg.contains("5"), msg);
  }

  @Test void derivativeFromOutputMatchesDerivative() {
    for (Activation act : new Activation[] {Activations.SIGMOID, Activations.TANH}) {
      assertTrue(act.hasDerivativeFromOutput());
      int n = 1001;
      float[] zs = new float[n];
      for (int i = 0; i < n; i++) {
        zs[i] = -5f + 10f * i / (n - 1);
      }
      float[] y = act.forward(zs);
      float[] d = new float[n];
      act.derivativeFromOutput(y, 0, d, 0, n);
      float[] g = new float[n];
      float[] back = g.clone();
      act.backwardFromOutput(zs, 0, y, 0, back, 0, n);
      for (int i = 0; i < n; i++) {
        assertEquals(act.derivativeFromOutput(y[i]), d[i], act.name() + " array vs scalar at " + i);
        assertEquals(zs[i] * d[i], back[i], act.name() + " backwardFromOutput = u*g'");
        double ref = Reference.derivative(act.name(), zs[i]);
        // y carries ≤ 1e-6 relative error; g' = y(1−y) or 1−y² amplifies it by ≤ 2/(1−|y|) here
        assertEquals(ref, d[i], 1e-6 * Math.abs(ref) + 3e-7, act.name() + " at z=" + zs[i]);
      }
    }
    assertFalse(Activations.RELU.hasDerivativeFromOutput());
    assertThrows(UnsupportedOperationException.class, () -> Activations.GELU.derivativeFromOutput(0.5f));
  }
}
