package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {
  private static final double[] SIX = {1.5, -2, 3.25, 1e-3, 0, -7};

  @Test
  void readsEveryVersionAndFloatDtype() throws Exception {
    for (int major : new int[] {1, 2, 3}) {
      for (String descr : new String[] {"<f4", "<f8", ">f4", ">f8"}) {
        Tensor t = Npy.read("x.npy", "x", TestFiles.npy(major, descr, false, new int[] {2, 3}, SIX));
        assertArrayEquals(new int[] {2, 3}, t.shape(), descr);
        float[] expected = new float[SIX.length];
        for (int i = 0; i < SIX.length; i++) {
          expected[i] = (float) SIX[i];
        }
        assertArrayEquals(expected, t.data(), descr + " v" + major);
        assertEquals(descr.endsWith("8") ? "float64" : "float32", t.sourceDtype());
      }
    }
  }

  @Test
  void float64IsRoundedToNearestFloat() throws Exception {
    double v = 0.1; // not representable: float rounding must be to nearest
    Tensor t = Npy.read("x.npy", "x", TestFiles.npy(1, "<f8", false, new int[] {1}, new double[] {v}));
    assertEquals((float) v, t.data()[0]);
  }

  @Test
  void scalarAndVectorShapes() throws Exception {
    assertEquals(0, Npy.read("s", "s", TestFiles.npy(new int[] {}, new double[] {4})).rank());
    assertArrayEquals(new int[] {3}, Npy.read("v", "v", TestFiles.npy(new int[] {3}, new double[] {1, 2, 3})).shape());
    assertEquals(0, Npy.read("e", "e", TestFiles.npy(new int[] {0, 5}, new double[0])).data().length);
  }

  @Test
  void rejectsFortranOrderOtherDtypesAndDamage() {
    assertMessage("fortran_order=True", TestFiles.npy(1, "<f4", true, new int[] {2, 3}, SIX));
    assertMessage("dtype '<i8' is not supported", TestFiles.npy(1, "<i8", false, new int[] {2, 3}, SIX));
    byte[] good = TestFiles.npy(new int[] {2, 3}, SIX);
    assertMessage("truncated data", Arrays.copyOf(good, good.length - 1));
    assertMessage("truncated .npy header", Arrays.copyOf(good, 40));
    assertMessage("not a .npy file", Arrays.copyOf(good, 5));
    byte[] magic = good.clone();
    magic[1] = 'X';
    assertMessage("magic", magic);
    byte[] version = good.clone();
    version[6] = 4;
    assertMessage("unsupported .npy version 4.0", version);
    byte[] header = good.clone();
    header[12] = '[';
    assertMessage("bad .npy header", header);
  }

  private static void assertMessage(String part, byte[] bytes) {
    WeightFileException e = assertThrows(WeightFileException.class, () -> Npy.read("w.npy", "w", bytes));
    assertTrue(e.getMessage().startsWith("w.npy: ") && e.getMessage().contains(part), e.getMessage());
  }
}
