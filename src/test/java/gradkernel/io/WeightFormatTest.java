package gradkernel.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFormatTest {
  @TempDir Path dir;

  private static final List<NamedArray> ARRAYS = List.of(
      NamedArray.of("0.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 6e30f}),
      NamedArray.of("0.bias", new int[] {2}, new float[] {0.25f, Float.NaN}),
      NamedArray.of("scalar", new int[] {}, new float[] {7}),
      NamedArray.of("empty", new int[] {0, 4}, new float[0]),
      NamedArray.of("optim.exp_avg.0.bias", new int[] {2}, new float[] {1e-30f, -1}));

  private static void assertSame(List<NamedArray> want, List<NamedArray> got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).name(), got.get(i).name());
      assertArrayEquals(want.get(i).shape(), got.get(i).shape());
      assertEquals("float32", got.get(i).sourceDtype());
      float[] a = want.get(i).data();
      float[] b = got.get(i).data();
      assertEquals(a.length, b.length);
      for (int k = 0; k < a.length; k++) {
        assertEquals(Float.floatToRawIntBits(a[k]), Float.floatToRawIntBits(b[k]), want.get(i).name() + "[" + k + "]");
      }
    }
  }

  @Test
  void npzAndSafetensorsRoundTripBitsShapesOrderAndMetadata() throws Exception {
    Map<String, String> meta = Map.of("optimizer", "AdamW", "step", "12");
    for (WeightFormat f : List.of(WeightFormat.NPZ, WeightFormat.SAFETENSORS)) {
      Path p = dir.resolve("w" + f.extension());
      f.write(p, ARRAYS, meta);
      assertEquals(f, WeightFormat.of(p));
      WeightFile back = f.read(p);
      assertSame(ARRAYS, back.arrays());
      assertEquals(meta, back.metadata());
      WeightFile weights = f.read(p, n -> !n.startsWith("optim."));
      assertSame(ARRAYS.subList(0, 4), weights.arrays());
      f.write(p, ARRAYS.subList(0, 1), Map.of()); // replaces the file
      assertSame(ARRAYS.subList(0, 1), f.read(p).arrays());
      assertTrue(f.read(p).metadata().isEmpty());
    }
  }

  @Test
  void npyWriterMatchesNumpyLayout() throws Exception {
    for (NamedArray a : ARRAYS) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      NpyFormat.write(a, out);
      byte[] b = out.toByteArray();
      int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
      assertEquals(1, b[6]);
      assertEquals(0, (10 + len) % 64, "data starts 64-byte aligned");
      String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
      assertTrue(header.endsWith("\n"));
      int[] s = a.shape();
      String tuple = s.length == 0 ? "()" : s.length == 1 ? "(" + s[0] + ",)" : "(" + s[0] + ", " + s[1] + ")";
      assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }", header.strip());
      assertEquals(10 + len + 4L * a.data().length, b.length);
      assertSame(List.of(a), List.of(NpyFormat.read("x", a.name(), b)));
    }
    Path p = dir.resolve("0.weight.npy");
    WeightFormat.NPY.write(p, ARRAYS.subList(0, 1), Map.of());
    assertSame(ARRAYS.subList(0, 1), WeightFormat.NPY.read(p).arrays());
  }

  @Test
  void safetensorsHeaderIsPaddedTo8AndOffsetsAreContiguous() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafetensorsFormat.write(ARRAYS, Map.of(), out);
    byte[] b = out.toByteArray();
    long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8);
    String json = new String(b, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}"), json);
    assertEquals(8 + n + 4 * (6 + 2 + 1 + 0 + 2), b.length);
  }

  @Test
  void badNamesAndShapesAreRejectedBeforeAnythingIsWritten() throws Exception {
    Path p = dir.resolve("keep.npz");
    WeightFormat.NPZ.write(p, ARRAYS, Map.of());
    byte[] before = Files.readAllBytes(p);
    for (String bad : List.of("", "a/b", "..\\x", ".hidden", "__metadata__", "tab\there")) {
      List<NamedArray> arrays = List.of(NamedArray.of(bad, new int[] {1}, new float[1]));
      for (WeightFormat f : WeightFormat.values()) {
        Path target = f == WeightFormat.NPZ ? p : dir.resolve("keep" + f.extension());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> f.write(target, arrays, Map.of()));
        assertTrue(e.getMessage().startsWith("arrays[0]: name"), e.getMessage());
      }
    }
    List<NamedArray> dup = List.of(ARRAYS.get(1), ARRAYS.get(1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightFormat.SAFETENSORS.write(p, dup,
        Map.of())).getMessage().contains("duplicate name '0.bias'"));
    assertThrows(IllegalArgumentException.class, () -> WeightFormat.NPY.write(dir.resolve("two.npy"),
        ARRAYS.subList(0, 2), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> NamedArray.of("x", new int[] {2, 2}, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> NamedArray.of("x", new int[] {-1}, new float[0]));
    assertArrayEquals(before, Files.readAllBytes(p));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList(), "no temporary or partial files left");
    }
  }

  @Test
  void unknownExtensionAndMissingFilesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightFormat.of(Path.of("w.pt")))
        .getMessage().contains("w.pt"));
    for (WeightFormat f : WeightFormat.values()) {
      WeightFormatException e = assertThrows(WeightFormatException.class,
          () -> f.read(dir.resolve("missing" + f.extension())));
      assertEquals("no such file", e.problem());
    }
  }

  @Test
  void npzMetadataCommentMustBeAStringObject() throws Exception {
    Path p = dir.resolve("m.npz");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("a.npy"));
      NpyFormat.write(ARRAYS.get(1), zip);
      zip.closeEntry();
      zip.setComment(NpzFormat.COMMENT_PREFIX + "{\"step\": 3}");
    }
    assertTrue(assertThrows(WeightFormatException.class, () -> NpzFormat.read(p)).problem()
        .contains("'step' is not a string"));
  }

  @Test
  void skippedNpzMembersAreNotInflatedAndSkippedSafetensorsEntriesStillValidated() throws Exception {
    Path p = dir.resolve("bomb.npz");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("0.bias.npy"));
      NpyFormat.write(ARRAYS.get(1), zip);
      zip.closeEntry();
      zip.putNextEntry(new java.util.zip.ZipEntry("optim.exp_avg.0.bias.npy"));
      zip.write(NpyFormat.header(new int[] {1 << 28})); // promises 1 GiB, holds 64 MiB of zeros
      zip.write(new byte[1 << 26]);
      zip.closeEntry();
    }
    assertTrue(Files.size(p) < 1 << 20, "deflated: a small file");
    long t0 = System.nanoTime();
    WeightFile weights = NpzFormat.read(p, 1 << 20, n -> !n.startsWith("optim."));
    assertSame(List.of(ARRAYS.get(1)), weights.arrays());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "skipping does not inflate");
    WeightFormatException e = assertThrows(WeightFormatException.class,
        () -> NpzFormat.read(p, 1 << 20, n -> true));
    assertTrue(e.source().endsWith("[optim.exp_avg.0.bias.npy]"), e.getMessage());

    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"optim.b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    assertTrue(assertThrows(WeightFormatException.class, () -> SafetensorsFormat.read("s", b.array(),
        n -> !n.startsWith("optim."))).problem().contains("overlap"));
  }

  @Test
  void writtenFilesGetTheUsualPermissionsNotThoseOfATemporaryFile() throws Exception {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return; // permissions are a POSIX notion
    }
    Path plain = Files.createFile(dir.resolve("plain"));
    for (WeightFormat f : WeightFormat.values()) {
      Path p = dir.resolve("w" + f.extension());
      f.write(p, ARRAYS.subList(0, 1), Map.of());
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p), f.toString());
    }
  }
}
