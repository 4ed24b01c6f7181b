package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetensorsTest {
  @Test
  void readsF32AndF64InDataOrder() throws Exception {
    byte[] f = TestFiles.safetensors(List.of(
        new TestFiles.St("b.weight", "F64", new int[] {2, 2}, new double[] {1, 2, 3, 4.5}),
        new TestFiles.St("a.bias", "F32", new int[] {2}, new double[] {-1, 0.25})));
    List<Tensor> ts = Safetensors.read("m.safetensors", f);
    assertEquals(List.of("b.weight", "a.bias"), ts.stream().map(Tensor::name).toList());
    assertArrayEquals(new float[] {1, 2, 3, 4.5f}, ts.get(0).data());
    assertArrayEquals(new int[] {2, 2}, ts.get(0).shape());
    assertEquals("float64", ts.get(0).sourceDtype());
    assertArrayEquals(new float[] {-1, 0.25f}, ts.get(1).data());
  }

  @Test
  void fileOrderFollowsOffsetsNotHeaderKeyOrder() throws Exception {
    String header = "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    byte[] data = new byte[8];
    List<Tensor> ts = Safetensors.read("m", TestFiles.safetensors(header, data));
    assertEquals(List.of("first", "second"), ts.stream().map(Tensor::name).toList());
  }

  @Test
  void rejectsDamagedOrUnsupportedFiles() {
    byte[] good = TestFiles.safetensors(List.of(
        new TestFiles.St("w", "F32", new int[] {2, 3}, TestFiles.ramp(6, 1))));
    assertMessage("truncated", Arrays.copyOf(good, good.length - 3));
    assertMessage("truncated: header declares", Arrays.copyOf(good, 20));
    assertMessage("not a .safetensors file", Arrays.copyOf(good, 4));
    byte[] hugeHeader = good.clone();
    hugeHeader[7] = 0x7f;
    assertMessage("implausible", hugeHeader);
    assertMessage("dtype BF16 is not supported", TestFiles.safetensors(List.of(
        new TestFiles.St("w", "BF16", new int[] {2}, new double[] {1, 2}))));
    assertMessage("needs 16 bytes but data_offsets span 12", TestFiles.safetensors(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[16]));
    assertMessage("overlap", TestFiles.safetensors(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]));
    assertMessage("bad header: JSON", TestFiles.safetensors("{\"w\":", new byte[0]));
    assertMessage("'shape' must hold non-negative integers", TestFiles.safetensors(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]));
    assertMessage("no tensors", TestFiles.safetensors("{\"__metadata__\":{}}", new byte[0]));
  }

  /** Zero-size tensors may share offsets with anything; the verdict must not depend on key order. */
  @Test
  void zeroSizeTensorsMayShareOffsetsInEitherKeyOrder() throws Exception {
    String full = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    for (String empty : new String[] {
        "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}",
        "\"e\":{\"dtype\":\"F64\",\"shape\":[3,0],\"data_offsets\":[4,4]}",
        "\"e\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[8,8]}"}) {
      for (String header : new String[] {"{" + full + "," + empty + "}", "{" + empty + "," + full + "}"}) {
        List<Tensor> ts = Safetensors.read("m", TestFiles.safetensors(header, new byte[8]));
        assertEquals(2, ts.size(), header);
        Tensor w = ts.stream().filter(t -> t.name().equals("w")).findFirst().orElseThrow();
        assertEquals(2, w.data().length, header);
      }
    }
    // Non-empty tensors still may not overlap, in either order.
    String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}";
    assertMessage("overlap", TestFiles.safetensors("{" + a + "," + b + "}", new byte[8]));
    assertMessage("overlap", TestFiles.safetensors("{" + b + "," + a + "}", new byte[8]));
  }

  private static void assertMessage(String part, byte[] bytes) {
    WeightFileException e = assertThrows(WeightFileException.class,
        () -> Safetensors.read("m.safetensors", bytes));
    assertTrue(e.getMessage().startsWith("m.safetensors: ") && e.getMessage().contains(part), e.getMessage());
  }
}
