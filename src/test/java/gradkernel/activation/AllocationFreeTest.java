package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The array entry points allocate nothing once compiled, tail included (n = 4·16 + 3). Measured in
 * a fresh JVM with {@code -XX:-BackgroundCompilation}, so compilation happens synchronously when a
 * counter trips and the measurement does not race the JIT (on a busy machine a background C2 could
 * still be queued after any fixed warm-up). Rounds of 6000 calls repeat until one is clean, at most
 * 100; interpreted or C1 Vector API code allocates on every call (≥ 64 bytes per boxed vector),
 * so a round below 1 KiB — the slack for the reflective counter reads — proves the compiled hot
 * path allocates nothing, and real garbage can never reach it.
 */
class AllocationFreeTest {

  @Test void compiledHotPathAllocatesNothing() throws Exception {
    assertCleanRounds("allocation", JitProbe.ALLOCATION_SPECS.size());
  }

  /**
   * The same bound for compiled callers that use several families together (an LSTM-like step of
   * sigmoid and tanh, and one caller running every family at two lengths): C2's inlining budget is
   * per caller, so kernels that allocate nothing one family at a time could still box vectors here.
   */
  @Test void callersMixingFamiliesAllocateNothing() throws Exception {
    assertCleanRounds("mixed", 2);
  }

  private static void assertCleanRounds(String mode, int expected) throws Exception {
    List<String> lines = JitProbe.fork("-XX:-BackgroundCompilation", "--", mode);
    assertEquals("EXIT 0", lines.get(lines.size() - 1), () -> String.join("\n", lines));
    int checked = 0;
    for (String line : lines) {
      if (line.startsWith("ALLOCATED ")) {
        String[] f = line.split(" ");
        long bytes = Long.parseLong(f[2]);
        assertTrue(bytes <= 1024, () -> f[1] + ": " + bytes + " bytes allocated by 2000 compiled rounds");
        checked++;
      }
    }
    assertEquals(expected, checked, () -> String.join("\n", lines));
  }
}
