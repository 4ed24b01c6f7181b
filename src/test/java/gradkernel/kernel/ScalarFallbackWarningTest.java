package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Falling back to the 10–15× slower scalar kernels is never silent: without the Vector API module
 * one WARNING (naming the module and the flag) goes to stderr through System.Logger, once per JVM
 * however many kernel families are chosen; forcing the scalar kernels, or having the module, logs
 * nothing at the default level.
 */
class ScalarFallbackWarningTest {

  /** Child main: chooses both kernel families (two fallbacks without the module), prints names. */
  public static final class ChooseKernels {
    public static void main(String[] args) {
      System.out.println(Kernels.active().name() + " " + ActivationKernels.active().name());
    }
  }

  @Test
  void warningNamesTheModuleAndTheFlags() {
    String w = VectorSupport.warning("module jdk.incubator.vector not present");
    assertTrue(w.contains("--add-modules jdk.incubator.vector"), w);
    assertTrue(w.contains("requires jdk.incubator.vector"), w);
    assertTrue(w.contains("-Dgradkernel.kernels=scalar"), w);
    assertFalse(w.contains("\n"), "one line: " + w);
    assertNull(VectorSupport.warning("forced by -Dgradkernel.kernels=scalar"));
  }

  @Test
  void missingModuleWarnsOnce() {
    ChildJvm.Result r = ChildJvm.run("no module", false, List.of(), ChooseKernels.class)
        .requireSuccess();
    assertEquals("scalar scalar", r.out().strip());
    List<String> warnings = r.err().lines().filter(l -> l.startsWith("WARNING")).toList();
    assertEquals(1, warnings.size(), r.err());
    assertTrue(warnings.get(0).contains("--add-modules jdk.incubator.vector"), r.err());
    assertTrue(warnings.get(0).contains("not present"), r.err());
  }

  @Test
  void forcedScalarIsQuiet() {
    ChildJvm.Result r = ChildJvm.run("forced", false, List.of("-Dgradkernel.kernels=scalar"),
        ChooseKernels.class).requireSuccess();
    assertEquals("scalar scalar", r.out().strip());
    assertEquals("", r.err(), "forced scalar must log nothing at the default level");
  }

  @Test
  void modulePresentIsQuiet() {
    ChildJvm.Result r = ChildJvm.run("module", true, List.of(), ChooseKernels.class)
        .requireSuccess();
    if (System.getProperty("gradkernel.kernels") == null) {
      assertFalse(r.out().startsWith("scalar"), r.out() + r.err());
    }
    // The JVM's own incubator notice is the only line.
    assertEquals(List.of("WARNING: Using incubator modules: jdk.incubator.vector"),
        r.err().lines().toList());
  }
}
