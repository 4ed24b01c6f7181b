package gradkernel.probe;

import gradkernel.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.probe.MainTest.Run;
import gradkernel.tensor.Matrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line under hostile input: every user error is one line and an exit code, never a trace. */
class HostileInputTest {
  @TempDir Path dir;

  private static Run run(String... args) {
    return MainTest.run(args);
  }

  /** A user error: exit {@code code}, one message line (plus the usage line for exit 2), no trace. */
  private static void assertUserError(int code, String part, Run r) {
    assertEquals(code, r.code(), r.err());
    assertEquals(code == 2 ? 2 : 1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("gradkernel: "), r.err());
    assertTrue(r.errLines().get(0).contains(part), "expected '" + part + "' in: " + r.err());
    assertFalse(r.err().contains("internal error") || r.err().contains("Exception")
        || r.err().contains("\tat ") || r.err().contains("Error"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aFullStdoutIsAnErrorNotASilentSuccess() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"probe", "--depth", "2", "--width", "4", "--quiet"},
        new PrintStream(full, false, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, e);
    assertEquals(1, e.lines().count(), e);
    assertTrue(e.contains("standard output"), e);
    code = Main.run(new String[] {"--help"}, new PrintStream(full, false, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(1, code, "help on a full stdout");
  }

  @Test
  void aGainThatOverflowsFloatIsAUsageError() {
    for (String init : new String[] {"xavier", "he", "orthogonal", "lecun", "xavier-uniform"}) {
      Run r = run("probe", "--gain", "1e39", "--init", init, "--depth", "2", "--width", "8");
      assertUserError(2, "--gain", r);
      assertTrue(r.err().contains("1.0E39"), r.err());
    }
    Run rnn = run("probe", "--gain", "1e39", "--rnn-steps", "3", "--width", "8");
    assertUserError(2, "--gain", rnn);
    assertEquals(0, run("probe", "--gain", "1e30", "--depth", "2", "--width", "8", "--quiet").code(),
        "a large gain whose weights are finite stays legal");
  }

  @Test
  void aRegexThatOverflowsTheStackIsAUsageError() throws Exception {
    String longName = "a".repeat(20_000);
    Path f = TestFiles.write(dir, "long.safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St(longName, "F32", new int[] {2, 2}, TestFiles.ramp(4, 1)))));
    Run r = run("probe", "--weights", f.toString(), "--select", "(a|b)*", "--quiet");
    assertUserError(2, "--select", r);
    assertTrue(r.err().length() < 2000, "the message does not repeat a 20,000-character name");
    // A pattern nested too deeply to compile is a usage error too.
    Run deep = run("probe", "--weights", f.toString(), "--select", "(".repeat(50_000) + ")".repeat(50_000));
    assertUserError(2, "--select", deep);
  }

  /** An .npz member whose inflated size disagrees with its .npy header is rejected, not inflated whole. */
  @Test
  void npzMembersAreBoundedByTheirHeader() throws Exception {
    byte[] small = TestFiles.npy(new int[] {4, 4}, TestFiles.ramp(16, 1));
    byte[] padded = Arrays.copyOf(small, small.length + 20_000_000); // 20 MB of zeros after the data
    Path f = TestFiles.write(dir, "lying.npz", TestFiles.npz(Map.of("w", padded), true));
    assertTrue(Files.size(f) < 100_000, "the archive is small");
    Run r = run("inspect", f.toString());
    assertUserError(1, "[w.npy]", r);
    assertTrue(r.err().contains("more data than its header"), r.err());

    byte[] cut = Arrays.copyOf(small, small.length - 8);
    Run t = run("inspect", TestFiles.write(dir, "cut.npz", TestFiles.npz(Map.of("w", cut), true)).toString());
    assertUserError(1, "truncated", t);

    // The whole archive is bounded too: two members of 1000 floats against a 6000-byte budget.
    Map<String, byte[]> two = new LinkedHashMap<>();
    two.put("a", TestFiles.npy(new int[] {1000}, TestFiles.ramp(1000, 1)));
    two.put("b", TestFiles.npy(new int[] {1000}, TestFiles.ramp(1000, 1)));
    Path both = TestFiles.write(dir, "two.npz", TestFiles.npz(two, true));
    assertEquals(2, Npz.read(both, 8000).size());
    WeightFileException e = org.junit.jupiter.api.Assertions.assertThrows(WeightFileException.class,
        () -> Npz.read(both, 6000));
    assertTrue(e.getMessage().contains("[b.npy]") && e.getMessage().contains("6000"), e.getMessage());
  }

  /** A zip whose central directory misstates a member's inflated size is rejected before inflating it. */
  @Test
  void npzMemberSizeInTheDirectoryMustAgreeWithTheHeader() throws Exception {
    byte[] npy = TestFiles.npy(new int[] {3, 2}, TestFiles.ramp(6, 0.5));
    byte[] zip = TestFiles.npz(Map.of("w", npy), true);
    Path ok = TestFiles.write(dir, "ok.npz", zip);
    List<Tensor> ts = Npz.read(ok);
    assertEquals("w", ts.get(0).name());
    assertEquals(2.5f, ts.get(0).data()[5]);
    for (int lie : new int[] {10, npy.length + 1, 1 << 30}) {
      byte[] patched = zip.clone();
      int cen = -1;
      for (int i = 0; i + 4 <= patched.length; i++) {
        if (patched[i] == 'P' && patched[i + 1] == 'K' && patched[i + 2] == 1 && patched[i + 3] == 2) {
          cen = i;
        }
      }
      assertTrue(cen > 0, "central directory entry");
      java.nio.ByteBuffer.wrap(patched, cen + 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(lie);
      Path f = TestFiles.write(dir, "lie.npz", patched);
      Run r = run("inspect", f.toString());
      assertUserError(1, "zip directory says the member inflates to " + lie + " bytes", r);
    }
  }

  @Test
  void batchTimesWidthBeyondAnArrayIsAClearError() throws Exception {
    Path f = TestFiles.write(dir, "wide.npy", TestFiles.npy(new int[] {1, 40_000}, new double[40_000]));
    Run r = run("probe", "--weights", f.toString(), "--batch", "65536", "--quiet");
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("--batch") && r.err().contains("40000"), r.err());
    assertFalse(r.err().contains("internal error") || r.err().contains("Exception"), r.err());
  }

  @Test
  void dimensionsAtOrAbove2To31AreRejectedNotWrapped() throws Exception {
    String[][] cases = {{"(2147483648, 0)", "2147483648"}, {"(4294967296, 0)", "4294967296"},
        {"(0, 4294967297)", "4294967297"}};
    for (String[] c : cases) {
      String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + c[0] + ", }";
      int total = 10 + dict.length() + 1;
      String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(),
          (byte) (header.length() >> 8)});
      b.write(header.getBytes(StandardCharsets.ISO_8859_1));
      Path f = TestFiles.write(dir, "big.npy", b.toByteArray());
      Run r = run("inspect", f.toString());
      assertUserError(1, "dimension " + c[1], r);
    }
    Path st = TestFiles.write(dir, "big.safetensors", TestFiles.safetensors(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,0],\"data_offsets\":[0,0]}}", new byte[0]));
    assertUserError(1, "dimension 4294967296", run("inspect", st.toString()));
  }

  @Test
  void aDirectoryIsNotAWeightFile() {
    assertUserError(1, "is a directory", run("inspect", "/"));
    assertUserError(1, "is a directory", run("inspect", dir.toString()));
    assertUserError(1, "is a directory", run("probe", "--weights", dir.toString(), "--quiet"));
  }

  /** A file name or tensor name with control characters cannot reach the terminal raw or break the SVG. */
  @Test
  void controlCharactersAreEscapedInEveryOutput() throws Exception {
    // ASCII controls in the file name (it names the network), C0 and C1 controls in the tensor name
    String evil = "l\u001b[31m\u0007\r\n\u007f";
    String tensorEvil = evil + "\u0085\u0000\u009b2J";
    Path f = TestFiles.write(dir, "m" + evil + ".safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St("w" + tensorEvil, "F32", new int[] {3, 3}, TestFiles.ramp(9, 0.1)))));
    Path svg = dir.resolve("p.svg");
    for (String format : new String[] {"table", "csv", "json"}) {
      Run r = run("probe", "--weights", f.toString(), "--format", format, "--quiet", "--plot", svg.toString());
      assertEquals(0, r.code(), r.err());
      assertNoRawControls(r.out());
      if (!format.equals("json")) {
        assertTrue(r.out().contains("\\x1b") || r.out().contains("\\e"), r.out());
      } else {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nets = (List<Map<String, Object>>) ((Map<?, ?>) Json.parse(r.out())).get("networks");
        assertTrue(((String) nets.get(0).get("description")).contains(evil),
            "JSON escapes and round-trips the name");
      }
      String text = Files.readString(svg);
      assertEquals("svg", SvgPlotTest.rootOfWellFormed(text));
      assertXmlChars(text);
    }
    Run inspect = run("inspect", f.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertNoRawControls(inspect.out());
    assertEquals(2, inspect.out().lines().count(), inspect.out());
    // error messages stay one line and escaped too
    Run bad = run("probe", "--weights", f.toString(), "--select", "nothing", "--quiet");
    assertEquals(1, bad.code());
    assertEquals(1, bad.errLines().size(), bad.err());
    assertNoRawControls(bad.err());
  }

  /** Every character is allowed by XML 1.0 (Char production), and every '&' starts an entity. */
  private static void assertXmlChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      int c = s.codePointAt(i);
      boolean ok = c == 0x9 || c == 0xa || c == 0xd || c >= 0x20 && c <= 0xd7ff
          || c >= 0xe000 && c <= 0xfffd || c >= 0x10000 && c <= 0x10ffff;
      assertTrue(ok, "XML 1.0 forbids U+" + Integer.toHexString(c) + " at " + i);
      if (c == '&') {
        assertTrue(s.substring(i).matches("(?s)&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);.*"), "entity at " + i);
      }
      if (c > 0xffff) {
        i++;
      }
    }
  }

  private static void assertNoRawControls(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f;
      assertFalse(control, "raw control U+" + Integer.toHexString(c) + " at " + i + " in " + s);
    }
  }

  @Test
  void aFileWhoseNameHasGlobCharactersOpensLiterally() throws Exception {
    Path f = TestFiles.write(dir, "w[1].npy", TestFiles.npy(new int[] {3, 3}, TestFiles.ramp(9, 0.1)));
    TestFiles.write(dir, "w1.npy", TestFiles.npy(new int[] {2, 2}, TestFiles.ramp(4, 0.1)));
    Map<String, Object> net = MainTest.onlyNetwork(run("probe", "--weights", f.toString(), "--format", "json",
        "--quiet"));
    assertEquals(3, ((Number) net.get("width")).intValue(), "the [3, 3] file, not the glob match w1.npy");
    Run inspect = run("inspect", f.toString());
    assertTrue(inspect.out().contains("[3, 3]"), inspect.out() + inspect.err());
    // a real glob still expands
    Run glob = run("inspect", dir.resolve("w*.npy").toString());
    assertEquals(2, glob.out().lines().filter(l -> l.startsWith("  ")).count(), glob.out());
  }

  @Test
  void ioFailuresSayWhy() throws Exception {
    assertEquals("permission denied", Text.reason(new AccessDeniedException("/x")));
    assertEquals("no such file", Text.reason(new NoSuchFileException("/x")));
    Path plot = dir.resolve("nope").resolve("p.svg");
    Run r = run("probe", "--depth", "2", "--width", "4", "--quiet", "--plot", plot.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("no such directory"), r.err());
    Run d = run("probe", "--depth", "2", "--width", "4", "--quiet", "--plot", dir.toString());
    assertTrue(d.err().contains("is a directory"), d.err());
    Path f = TestFiles.write(dir, "locked.npy", TestFiles.npy(new int[] {2, 2}, TestFiles.ramp(4, 1)));
    Files.setPosixFilePermissions(f, java.util.Set.of());
    if (!Files.isReadable(f)) { // root reads anything: then only the mapping above is checked
      assertTrue(run("inspect", f.toString()).err().contains("permission denied"));
    }
  }

  @Test
  void nonFiniteWeightsAreReportedWithTheirLocation() throws Exception {
    double[] w = TestFiles.ramp(12, 0.1);
    w[1 * 4 + 2] = Double.NaN;
    Path f = TestFiles.write(dir, "w.npy", TestFiles.npy(new int[] {3, 4}, w));
    Run r = run("probe", "--weights", f.toString(), "--quiet");
    assertUserError(1, "'w'", r);
    assertTrue(r.err().contains("[1, 2]") && r.err().contains("NaN"), r.err());
    Path st = TestFiles.write(dir, "b.safetensors", TestFiles.safetensors(List.of(
        new TestFiles.St("fc.weight", "F64", new int[] {2, 2}, TestFiles.ramp(4, 1)),
        new TestFiles.St("fc.bias", "F64", new int[] {2}, new double[] {0, 1e300}))));
    Run b = run("probe", "--weights", st.toString(), "--quiet");
    assertUserError(1, "'fc.bias'", b);
    assertTrue(b.err().contains("[1]") && b.err().contains("Infinity"), b.err());
  }

  /**
   * Between the eigenvalue and the SVD limits (here 600 wide) σ_min comes from the full SVD, so
   * the lower bound is defined, while an RNN's ρ(W) is not computed and its description says so.
   */
  @Test
  void aWidthBetweenTheEigenAndSvdLimitsHasLowerBoundsButNoRho() {
    int width = NetworkProbe.EIGEN_MAX_WIDTH + 88;
    assertTrue(width <= NetworkProbe.FULL_SVD_MAX_WIDTH);
    Map<String, Object> net = wideChain(width);
    assertFalse(((String) net.get("description")).contains("Lanczos"), (String) net.get("description"));
    for (Map<String, Object> l : MainTest.layers(net)) {
      assertEquals(2, MainTest.num(l.get("spectralNorm")), 1e-5, "σ_max by the SVD");
      assertNotNull(l.get("lowerBound"), "σ_min computed below the SVD limit");
      assertTrue(MainTest.num(l.get("gradNorm")) >= MainTest.num(l.get("lowerBound")) * (1 - 1e-5));
    }
    Map<String, Object> rnn = wideRnn(width);
    assertNull(rnn.get("spectralRadius"));
    assertTrue(((String) rnn.get("description")).contains("ρ(W) is not computed"),
        (String) rnn.get("description"));
  }

  /**
   * Just above the SVD size limit the probe switches to Lanczos for σ_max and to LU with Lanczos on
   * W⁻¹ for σ_min, so the lower bound stays defined, and stays fast.
   */
  @Test
  void aWidthAboveTheSvdLimitFinishesInBoundedTime() {
    int width = NetworkProbe.FULL_SVD_MAX_WIDTH + 1;
    Map<String, Object> net = wideChain(width);
    String description = (String) net.get("description");
    assertTrue(description.contains("Lanczos") && description.contains("σ_min(W) by LU"), description);
    for (Map<String, Object> l : MainTest.layers(net)) {
      assertEquals(2, MainTest.num(l.get("spectralNorm")), 2e-5, "σ_max by Lanczos");
      assertNotNull(l.get("lowerBound"), "σ_min by LU and inverse Lanczos");
      // 2·orthogonal: σ_min = σ_max = 2 and identity activations, so the bounds pinch the norm.
      double grad = MainTest.num(l.get("gradNorm"));
      assertTrue(grad <= MainTest.num(l.get("upperBound")) * (1 + 1e-5));
      assertTrue(grad >= MainTest.num(l.get("lowerBound")) * (1 - 1e-5));
      assertEquals(grad, MainTest.num(l.get("lowerBound")), 1e-4 * grad);
    }
    Map<String, Object> rnn = wideRnn(width);
    assertNull(rnn.get("spectralRadius"));
    assertTrue(((String) rnn.get("description")).contains("Lanczos"));
    Run help = run("probe", "--help");
    assertTrue(help.out().contains("Lanczos"), "the help says so");
  }

  /** Above 4096 σ_min is not computed, and the note says so only where a lower bound wanted it. */
  @Test
  void sigmaMinLimitAndItsNote() {
    assertTrue(NetworkProbe.sigmaMinComputed(NetworkProbe.SIGMA_MIN_MAX_WIDTH,
        NetworkProbe.SIGMA_MIN_MAX_WIDTH));
    assertFalse(NetworkProbe.sigmaMinComputed(NetworkProbe.SIGMA_MIN_MAX_WIDTH + 1,
        NetworkProbe.SIGMA_MIN_MAX_WIDTH + 1));
    assertFalse(NetworkProbe.sigmaMinComputed(2000, 1999), "not square");
    Matrix wide = Matrix.zeros(NetworkProbe.FULL_SVD_MAX_WIDTH + 1, NetworkProbe.FULL_SVD_MAX_WIDTH + 1);
    NetworkProbe.SpectraNote missing = new NetworkProbe.SpectraNote();
    missing.add(wide, true, Double.NaN);
    assertTrue(missing.text().contains("σ_min (the lower bound) is not computed"), missing.text());
    assertFalse(missing.text().contains("by LU"), missing.text());
    NetworkProbe.SpectraNote residual = new NetworkProbe.SpectraNote();
    residual.add(wide, false, Double.NaN);
    assertFalse(residual.text().contains("σ_min"), residual.text());
    NetworkProbe.SpectraNote small = new NetworkProbe.SpectraNote();
    small.add(Matrix.zeros(3, 3), true, 1);
    assertEquals("", small.text());
  }

  /** A 2-deep identity chain, orthogonal weights times 2, probed within a minute (JSON). */
  private static Map<String, Object> wideChain(int width) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainTest.onlyNetwork(
        run("probe", "--depth", "2", "--width", Integer.toString(width), "--batch", "2",
            "--activation", "identity", "--init", "orthogonal", "--gain", "2", "--format", "json", "--quiet")));
  }

  /** A 2-step RNN probed within a minute (JSON). */
  private static Map<String, Object> wideRnn(int width) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainTest.onlyNetwork(
        run("probe", "--rnn-steps", "2", "--width", Integer.toString(width), "--batch", "1",
            "--format", "json", "--quiet")));
  }
}
