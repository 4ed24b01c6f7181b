package gradkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same bits every time: every public numeric entry point (see {@link DeterminismProbe}) gives
 * byte-identical results in a fresh JVM running only the interpreter ({@code -Xint}), in one
 * limited to C1 after warm-up, and in one where C2 has compiled everything (synchronous
 * compilation, thresholds scaled down, many warm-up rounds) — the first call in each JVM and the
 * call after warm-up alike. The parallel entry points (gemm, clip) give the sequential bits for
 * 1 to 4 threads, and {@code gradkernel probe --format json} prints the same bytes in every run.
 *
 * <p>The children use this JVM's java executable and class path, and the Vector API module when
 * this JVM has it, so the test covers whichever kernels the Surefire execution selects.
 */
class DeterminismTest {
  /**
   * Name, JVM flags and warm-up rounds of each child run. Compilation is synchronous, so the
   * rounds do not depend on the machine's load; with thresholds scaled by 0.1, 25 rounds leave
   * every PanamaKernels/PanamaGemm/activation kernel compiled by C2 (checked with
   * -XX:+PrintCompilation).
   */
  private static final String[][] CONFIGS = {
      {"interpreter", "-Xint", "0"},
      {"c1", "-XX:TieredStopAtLevel=1 -XX:-BackgroundCompilation -XX:CompileThresholdScaling=0.1",
          "3"},
      {"c2", "-XX:-BackgroundCompilation -XX:CompileThresholdScaling=0.1", "25"},
  };

  /** "config first" / "config warm" → result name → bits. */
  private static final Map<String, Map<String, String>> RESULTS = new LinkedHashMap<>();

  @BeforeAll
  static void runChildren() {
    List<ChildJvm> running = new ArrayList<>();
    for (String[] c : CONFIGS) {
      running.add(ChildJvm.start(c[0], ChildJvm.parentHasVectorModule(),
          List.of(c[1].split(" ")), DeterminismProbe.class, c[2]));
    }
    for (int i = 0; i < CONFIGS.length; i++) {
      ChildJvm.Result r = running.get(i).await().requireSuccess();
      List<Map<String, String>> parts = DeterminismProbe.parse(r.out());
      assertEquals(2, parts.size(), CONFIGS[i][0] + ": expected first and warm results");
      RESULTS.put(CONFIGS[i][0] + " first", parts.get(0));
      RESULTS.put(CONFIGS[i][0] + " warm", parts.get(1));
    }
  }

  /**
   * Every result named {@code group/...} is the same in every run (interpreter, C1, C2; first
   * call and warm) as in the interpreter's first call.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"blas", "clip", "chain/piecewise", "chain/dense", "chain/residual",
      "chain/recurrent", "activation", "probe"})
  void identicalColdAndWarmInEveryCompiler(String group) {
    Map<String, String> reference = select(RESULTS.get("interpreter first"), group);
    assertFalse(reference.isEmpty(), "no results for " + group);
    List<String> mismatches = new ArrayList<>();
    RESULTS.forEach((run, all) -> {
      Map<String, String> r = select(all, group);
      assertEquals(reference.keySet(), r.keySet(), run);
      reference.forEach((k, v) -> {
        if (!v.equals(r.get(k))) {
          mismatches.add(run + ": " + k + " " + r.get(k) + " (interpreter: " + v + ")");
        }
      });
    });
    assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " results differ from the"
        + " interpreter's:\n" + String.join("\n", mismatches));
  }

  /** gemmParallel and the parallel clip entry points give the sequential bits for 1..4 threads. */
  @Test
  void parallelEqualsSequentialForEveryThreadCount() {
    int checked = 0;
    for (Map.Entry<String, Map<String, String>> run : RESULTS.entrySet()) {
      Map<String, String> r = run.getValue();
      for (Map.Entry<String, String> e : r.entrySet()) {
        String seq = e.getKey().replaceAll("/threads=[^/]+", "");
        if (!seq.equals(e.getKey())) {
          assertTrue(r.containsKey(seq), seq);
          assertEquals(r.get(seq), e.getValue(), run.getKey() + ": " + e.getKey() + " vs " + seq);
          checked++;
        }
      }
    }
    // gemm: 5 transpose/shape cases × 4 thread counts; clip: 14 norms, 4 × 6 + 6 tensors; per run.
    assertTrue(checked >= RESULTS.size() * 60, "only " + checked + " parallel results");
  }

  private static Map<String, String> select(Map<String, String> all, String group) {
    Map<String, String> m = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith(group + "/")) {
        m.put(k, v);
      }
    });
    return m;
  }
}
