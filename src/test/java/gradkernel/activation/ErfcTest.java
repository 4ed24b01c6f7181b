package gradkernel.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gradkernel.kernel.ScalarActivationKernels;
import org.junit.jupiter.api.Test;

/** The double erfc behind GELU's reference and bounds, against 20-digit values from mpmath (dps=40). */
class ErfcTest {
  @Test void matchesHighPrecisionValues() {
    double[][] table = {{0.1, 0.88753708398171510160}, {0.5, 0.47950012218695346232},
        {1, 0.15729920705028513066}, {2, 0.0046777349810472658379},
        {2.5, 0.00040695201744495893956}, {3, 0.000022090496998585441373},
        {4, 1.5417257900280018852e-8}, {5, 1.5374597944280348502e-12},
        {7, 4.1838256077794143986e-23}, {10, 2.088487583762544757e-45}};
    for (double[] row : table) {
      assertEquals(row[1], ScalarActivationKernels.erfc(row[0]), 5e-15 * row[1], "erfc(" + row[0] + ")");
      assertEquals(2 - row[1], ScalarActivationKernels.erfc(-row[0]), 5e-15, "erfc(-" + row[0] + ")");
    }
    assertEquals(1.0, ScalarActivationKernels.erfc(0));
    assertEquals(0.0, ScalarActivationKernels.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, ScalarActivationKernels.erfc(Double.NEGATIVE_INFINITY));
    assertEquals(Double.NaN, ScalarActivationKernels.erfc(Double.NaN));
  }
}
