package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightStackTest {
  @TempDir Path dir;

  private static Tensor t(String name, int... shape) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    return new Tensor(name, shape, new float[n], "float32");
  }

  @Test
  void pairsBiasesByStemOrByPosition() throws Exception {
    Tensor w1 = t("fc1.weight", 4, 3);
    Tensor b1 = t("fc1.bias", 4);
    Tensor w2 = t("W2", 5, 4);
    Tensor b2 = t("b2", 5);
    // fc1.bias comes first, as natural name order puts it: pairing by stem still finds fc1.weight.
    WeightStack s = WeightStack.group(List.of(b1, w1, w2, b2));
    assertEquals(2, s.layers().size());
    assertSame(w1, s.layers().get(0).weight());
    assertSame(b1, s.layers().get(0).bias());
    assertSame(b2, s.layers().get(1).bias());
    assertNull(WeightStack.group(List.of(w1, w2)).layers().get(1).bias());
  }

  @Test
  void shapeMismatchesNameTheTensorsAndShapes() {
    WeightFileException e = assertThrows(WeightFileException.class,
        () -> WeightStack.group(List.of(t("l1", 4, 3), t("l2", 5, 6))));
    assertTrue(e.getMessage().contains("'l2'") && e.getMessage().contains("[5, 6]")
        && e.getMessage().contains("'l1'") && e.getMessage().contains("expected [5, 4]"), e.getMessage());
    e = assertThrows(WeightFileException.class,
        () -> WeightStack.group(List.of(t("l1", 4, 3), t("l1.bias", 3))));
    assertTrue(e.getMessage().contains("bias shape [3]") && e.getMessage().contains("expected [4]"),
        e.getMessage());
    e = assertThrows(WeightFileException.class, () -> WeightStack.group(List.of(t("conv", 8, 3, 3, 3))));
    assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains("[8, 3, 3, 3]"), e.getMessage());
    e = assertThrows(WeightFileException.class, () -> WeightStack.group(List.of(t("stray", 3), t("l1", 4, 3))));
    assertTrue(e.getMessage().contains("'stray'") && e.getMessage().contains("not the bias"), e.getMessage());
  }

  @Test
  void naturalOrderPutsLayer2BeforeLayer10() {
    List<String> names = new java.util.ArrayList<>(List.of("layer10", "layer2", "layer1.b", "layer1", "a"));
    names.sort(WeightStack.NATURAL);
    assertEquals(List.of("a", "layer1", "layer1.b", "layer2", "layer10"), names);
  }

  @Test
  void loadsNpyGlobsNpzAndSafetensorsWithSelectionAndOrder() throws Exception {
    for (int l = 1; l <= 10; l++) {
      TestFiles.write(dir, "layer" + l + ".npy", TestFiles.npy(new int[] {3, 3}, TestFiles.ramp(9, l)));
    }
    WeightStack s = WeightStack.load(List.of(dir.resolve("layer*.npy").toString()), null, false);
    assertEquals(10, s.layers().size());
    assertEquals("layer2", s.layers().get(1).weight().name(), "glob expands in natural order");
    assertEquals(10 * 8, s.layers().get(9).weight().data()[8], 0);

    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("z.weight", TestFiles.npy(new int[] {2, 3}, TestFiles.ramp(6, 1)));
    members.put("z.bias", TestFiles.npy(1, "<f8", false, new int[] {2}, new double[] {5, 6}));
    members.put("a.weight", TestFiles.npy(new int[] {4, 2}, TestFiles.ramp(8, 1)));
    members.put("step", TestFiles.npy(new int[] {}, new double[] {7}));
    for (boolean deflate : new boolean[] {false, true}) {
      Path npz = TestFiles.write(dir, "m" + deflate + ".npz", TestFiles.npz(members, deflate));
      WeightStack fileOrder = WeightStack.load(List.of(npz.toString()), Pattern.compile(".*(weight|bias)"), false);
      assertEquals(List.of("z.weight", "a.weight"),
          fileOrder.layers().stream().map(l -> l.weight().name()).toList());
      assertArrayEquals(new float[] {5, 6}, fileOrder.layers().get(0).bias().data());
      WeightFileException e = assertThrows(WeightFileException.class,
          () -> WeightStack.load(List.of(npz.toString()), Pattern.compile(".*weight"), true));
      assertTrue(e.getMessage().contains("'z.weight'"), "name order puts a.weight [4, 2] first: " + e.getMessage());
      e = assertThrows(WeightFileException.class, () -> WeightStack.load(List.of(npz.toString()), null, false));
      assertTrue(e.getMessage().contains("'step'") && e.getMessage().contains("--select"), e.getMessage());
    }

    Path st = TestFiles.write(dir, "m.safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St("h.0.weight", "F32", new int[] {3, 2}, TestFiles.ramp(6, 1)),
        new TestFiles.St("h.0.bias", "F32", new int[] {3}, new double[] {1, 2, 3}),
        new TestFiles.St("h.1.weight", "F64", new int[] {1, 3}, new double[] {1, 1, 1}))));
    WeightStack fromSt = WeightStack.load(List.of(st.toString()), null, false);
    assertEquals(2, fromSt.layers().size());
    assertEquals(2, fromSt.layers().get(0).in());
    assertEquals(1, fromSt.layers().get(1).out());
  }

  @Test
  void missingTruncatedAndUnknownFilesFailWithTheirName() throws Exception {
    assertFails(dir.resolve("nope.npy").toString(), "no such file");
    assertFails(dir.resolve("nope*.npy").toString(), "no file matches");
    assertFails(dir.resolve("nope.npz").toString(), "no such file");
    Path txt = TestFiles.write(dir, "w.txt", new byte[] {1});
    assertFails(txt.toString(), "unknown weight format");
    Map<String, byte[]> members = Map.of("w", TestFiles.npy(new int[] {2, 2}, TestFiles.ramp(4, 1)));
    byte[] zip = TestFiles.npz(members, true);
    Path cut = TestFiles.write(dir, "cut.npz", Arrays.copyOf(zip, zip.length - 10));
    assertFails(cut.toString(), "not a readable zip archive");
    Path notNpy = dir.resolve("other.npz");
    try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(notNpy))) {
      z.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
      z.write(1);
    }
    assertFails(notNpy.toString(), "not a .npy member");
  }

  private void assertFails(String spec, String part) {
    WeightFileException e = assertThrows(WeightFileException.class,
        () -> WeightStack.load(List.of(spec), null, false));
    assertTrue(e.getMessage().contains(part) && e.getMessage().contains(Path.of(spec).getFileName().toString()),
        e.getMessage());
  }
}
