package gradkernel.chain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Repeated sequence passes of the same shapes (forward at T &lt; capacity with initial states,
 * backward with gradients and profile, forward/JVP at batch 1) allocate nothing once compiled;
 * the method of {@link AllocationFreeTest}: rounds repeat for up to 30 s until one runs compiled,
 * and a round of 300 passes must allocate under 4 KiB (less than one activation buffer per pass).
 */
class SequenceAllocationFreeTest {

  @ParameterizedTest
  @ValueSource(strings = {"rnn", "lstm", "gru"})
  void repeatedSequencePassesAllocateNothing(String kind) throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
    int m = 8;
    int n = 16;
    int cap = 12;
    int steps = 9;
    int batch = 4;
    Chain net = Chain.of(SequenceLayerTest.make(kind, m, n, cap, SequenceOutput.ALL_STEPS, 1),
        SequenceLayerTest.make(kind, n, n, cap, SequenceOutput.LAST_STEP, 2));
    Random r = new Random(11);
    float[] x = Reference.gaussian(r, batch * steps * m, 1);
    float[] up = Reference.gaussian(r, batch * n, 1);
    float[] h0 = Reference.gaussian(r, batch * n, 1);
    float[] dir = Reference.gaussian(r, steps * m, 1);
    float[] dOut = new float[n];
    Tape batchTape = net.newTape();
    batchTape.initialState(0, h0, 0).initialState(1, h0, 0);
    if (kind.equals("lstm")) {
      batchTape.initialCell(1, h0, 0);
    }
    Tape single = net.newTape();
    Gradients grads = new Gradients(net);
    GradientProfile profile = new GradientProfile(net);
    long best = Long.MAX_VALUE;
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int round = 0; best > 4096 && (round < 20 || System.nanoTime() < deadline); round++) {
      long before = (Long) allocated.invoke(mx);
      for (int p = 0; p < 100; p++) {
        net.forward(batchTape, x, 0, batch, steps);
        net.backward(batchTape, up, 0, grads, profile);
        net.forward(single, x, 0, 1, steps);
        net.jvp(single, dir, 0, dOut, 0);
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    long bytes = best;
    assertTrue(bytes <= 4096, () -> kind + ": " + bytes + " bytes allocated by 300 compiled passes");
  }
}
