package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The activation kernels give the same bits at every JIT tier: in fresh JVMs, pure interpreter
 * ({@code -Xint}), C1 only, and the default tiered C2 after 20000 warm-up rounds over many lengths
 * (compilation made synchronous so that the warm results really are compiled code). Each JVM also
 * checks its own first call against its warm calls and the scalar twin; the digests of all
 * results must agree across the three JVMs.
 */
class ColdWarmDeterminismTest {

  @Test void interpreterC1AndC2GiveTheSameBits() throws Exception {
    List<String> interpreted = JitProbe.fork("-Xint", "--", "determinism", "0");
    List<String> c1 = JitProbe.fork("-XX:TieredStopAtLevel=1", "-XX:-BackgroundCompilation", "--",
        "determinism", "3000");
    List<String> c2 = JitProbe.fork("-XX:-BackgroundCompilation", "--", "determinism", "20000");
    for (List<String> run : List.of(interpreted, c1, c2)) {
      assertEquals("EXIT 0", run.get(run.size() - 1), () -> String.join("\n", run));
      assertTrue(run.size() > Reference.SPECS.size() * 3, () -> String.join("\n", run));
    }
    assertEquals(String.join("\n", interpreted), String.join("\n", c1), "interpreter vs C1");
    assertEquals(String.join("\n", interpreted), String.join("\n", c2), "interpreter vs C2");
  }
}
