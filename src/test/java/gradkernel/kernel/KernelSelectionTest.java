package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class KernelSelectionTest {
  @Test
  void selectsTheExpectedImplementation() {
    // The scalar-fallback Surefire execution runs without jdk.incubator.vector and sets this.
    String expected = System.getProperty("gradkernel.expectKernels", "vector");
    if (expected.equals("scalar")) {
      assertEquals("scalar", Kernels.active().name());
      assertEquals(false, VectorSupport.vectorized());
    } else {
      assertNotEquals("scalar", Kernels.active().name(), VectorSupport.scalarReason().orElse(""));
    }
  }
}
