package gradkernel;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs every {@code ```java} block of README.md, so the examples cannot drift from the
 * API. Each block becomes the body of a method of its own class, with wildcard imports of every
 * public gradkernel package. A block may be preceded by an HTML comment that is invisible on
 * GitHub:
 * <ul>
 *   <li>{@code <!-- setup ... -->}: Java statements declaring the names the block uses without
 *       declaring them (inputs, weights), prepended to the block; the block is then run.
 *   <li>{@code <!-- fragment -->}: the block is intentionally incomplete and is skipped (keep rare).
 * </ul>
 * A block without a setup comment must be self-contained; every block is compiled and run.
 */
class ReadmeExamplesTest {
  private static final Pattern BLOCK = Pattern.compile(
      "(?:<!--\\s*(setup|fragment)\\b(.*?)-->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path out;

  /** One README block: its line, optional setup statements, code; fragment blocks are dropped. */
  record Block(int line, String setup, String code) {}

  static List<Block> blocks(String readme) {
    List<Block> list = new ArrayList<>();
    Matcher m = BLOCK.matcher(readme);
    while (m.find()) {
      int line = (int) readme.substring(0, m.start(3)).lines().count();
      if ("fragment".equals(m.group(1))) {
        continue;
      }
      list.add(new Block(line, "setup".equals(m.group(1)) ? m.group(2) : "", m.group(3)));
    }
    return list;
  }

  private static List<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of("src/main/java/gradkernel"))) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(p -> !p.equals("kernel")) // internal: the README never uses it
          .sorted().toList();
    }
  }

  @TestFactory
  List<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    List<Block> blocks = blocks(readme);
    assertFalse(blocks.isEmpty(), "README.md has java blocks");
    StringBuilder imports = new StringBuilder();
    for (String p : packages()) {
      imports.append("import gradkernel.").append(p).append(".*;\n");
    }
    imports.append("import java.util.*;\n");
    List<DynamicTest> tests = new ArrayList<>();
    for (Block b : blocks) {
      tests.add(DynamicTest.dynamicTest("README.md line " + b.line(), () -> compileAndRun(b,
          imports.toString())));
    }
    return tests;
  }

  /**
   * Runs javac through javax.tools reflectively: the tests are compiled inside the gradkernel
   * module, which does not read java.compiler, but they run on the class path, where it is
   * present.
   */
  private static int javac(OutputStream diag, String... args) throws Exception {
    Object compiler = Class.forName("javax.tools.ToolProvider").getMethod("getSystemJavaCompiler")
        .invoke(null);
    assertNotNull(compiler, "a JDK (not a JRE) runs the tests");
    Method run = Class.forName("javax.tools.Tool").getMethod("run", InputStream.class,
        OutputStream.class, OutputStream.class, String[].class);
    return (int) run.invoke(compiler, null, diag, diag, args);
  }

  private void compileAndRun(Block b, String imports) throws Exception {
    String cls = "ReadmeLine" + b.line();
    String src = imports + "public class " + cls + " {\n  public static void run() throws Exception {\n"
        + b.setup() + "\n// README.md line " + b.line() + "\n" + b.code() + "\n  }\n}\n";
    Path classes = Files.createDirectories(out.resolve(cls));
    Path file = Files.writeString(classes.resolve(cls + ".java"), src);
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac(diag, "-classpath", cp, "-d", classes.toString(), "-proc:none", "-nowarn",
        "-encoding", "UTF-8", file.toString());
    assertEquals(0, rc, "README.md block at line " + b.line() + " does not compile:\n"
        + diag.toString(StandardCharsets.UTF_8) + "\n--- source ---\n" + src);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      Method run = loader.loadClass(cls).getMethod("run");
      run.invoke(null);
    }
  }
}
