package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Writer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Steady-state steps allocate nothing: 148 tensors (GPT-2 small's count) with update ratios and
 * the JSON line written to a Writer, the pattern of chain.AllocationFreeTest (rounds repeat, for
 * up to 30 s, until one runs compiled; 1000 steps must allocate under 1 KiB, i.e. no per-step
 * object). The counter is read reflectively because this module does not read java.management.
 */
class TrainingMonitorAllocationTest {

  @Test
  void steadyStateStepsAllocateNothing() throws ReflectiveOperationException {
    Object mx = Class.forName("java.lang.management.ManagementFactory")
        .getMethod("getThreadMXBean").invoke(null);
    Method allocated = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getCurrentThreadAllocatedBytes");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 148; i++) {
      names.add("h." + i / 12 + ".w" + i % 12);
    }
    long[] chars = new long[1];
    Writer sink = new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) {
        chars[0] += len;
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    TrainingMonitor m = TrainingMonitor.builder(names).jsonLines(sink).window(64).build();
    float[] grad = new float[4096];
    long best = Long.MAX_VALUE;
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int round = 0; best > 1024 && (round < 20 || System.nanoTime() < deadline); round++) {
      long before = (Long) allocated.invoke(mx);
      for (int p = 0; p < 1000; p++) {
        double t = m.nextStep();
        for (int i = 0; i < 148; i++) {
          m.updateNorms(i, 1e-3 * (1 + (i + t) % 7), 1 + i % 5);
        }
        m.scanNonFinite(TrainingMonitor.Source.GRADIENT, 3, grad, 0, grad.length);
        m.step(2 / (1 + t / 1000) + 0.01 * ((t * 7) % 3), 1 + 0.1 * (t % 5), 1);
      }
      best = Math.min(best, (Long) allocated.invoke(mx) - before);
    }
    assertTrue(best <= 1024, "1000 steps allocated " + best + " bytes");
    assertEquals(0, m.count(MonitorEvent.Type.LOSS_SPIKE) + m.count(MonitorEvent.Type.SKIPPED_STEP)
        + m.count(MonitorEvent.Type.GRADIENT_EXPLOSION) + m.count(MonitorEvent.Type.VANISHING));
    assertTrue(chars[0] > 1000L * 148 * 10, "the lines were written: " + chars[0] + " chars");
  }
}
