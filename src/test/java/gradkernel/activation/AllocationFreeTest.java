package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The array entry points allocate nothing once compiled, tail included (n = 4·16 + 3). Compilation
 * happens in the background, so rounds repeat until one is measured after it; interpreted Vector
 * API code allocates on every call (≥ 64 bytes per boxed vector), so a round below one byte per call
 * proves the compiled hot path is clean. The counter is read reflectively (this module does not
 * read java.management); the reads themselves allocate a few boxed longs, hence the 1 KiB slack.
 */
class AllocationFreeTest {

  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh", "sigmoid", "silu", "gelu", "gelu_tanh", "softplus:3"})
  void compiledHotPathAllocatesNothing(String spec) throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
    Activation a = Activations.of(spec);
    int n = 4 * 16 + 3;
    float[] z = new float[n];
    float[] u = new float[n];
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      z[i] = (i - n / 2) / 7f;
      u[i] = 1 + i;
    }
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 60 && best > 1024; round++) {
      long before = (Long) allocated.invoke(mx);
      for (int r = 0; r < 2000; r++) {
        a.backward(u, 0, z, 0, out, 0, n);
        a.derivative(z, 0, out, 0, n);
        a.forward(z, 0, out, 0, n);
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    long bytes = best;
    assertTrue(bytes <= 1024, () -> spec + ": " + bytes + " bytes allocated by 6000 compiled calls");
  }
}
