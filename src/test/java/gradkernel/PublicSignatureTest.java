package gradkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public-API promise of the README (issue 17): no public or protected method or constructor
 * of an exported type takes more than {@value #MAX_PARAMETERS} parameters or two adjacent
 * booleans. The exported packages are read from {@code src/main/java/module-info.java}, so a newly
 * exported package is covered without editing this test.
 */
class PublicSignatureTest {
  static final int MAX_PARAMETERS = 8;
  private static final Path SRC = Path.of("src/main/java");

  /** The packages named by {@code exports} clauses of module-info.java. */
  static List<String> exportedPackages() throws IOException {
    String text = Files.readString(SRC.resolve("module-info.java"))
        .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    Matcher m = Pattern.compile("\\bexports\\s+([\\w.]+)\\s*;").matcher(text);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Every top-level class of a package, loaded from its source file names. */
  static List<Class<?>> topLevelTypes(String pkg) throws IOException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(SRC.resolve(pkg.replace('.', '/')))) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".java") && !name.equals("package-info.java")) {
          out.add(Class.forName(pkg + "." + name.substring(0, name.length() - 5), false,
              PublicSignatureTest.class.getClassLoader()));
        }
      }
    }
    return out;
  }

  /** The type and its nested types a user outside the package can name (public or protected). */
  static void collectVisible(Class<?> c, List<Class<?>> out) {
    if (!Modifier.isPublic(c.getModifiers()) && !Modifier.isProtected(c.getModifiers())) {
      return;
    }
    out.add(c);
    for (Class<?> n : c.getDeclaredClasses()) {
      collectVisible(n, out);
    }
  }

  /** Public (also inherited from package-private supertypes) and protected executables of c. */
  static List<Executable> visibleExecutables(Class<?> c) {
    List<Executable> out = new ArrayList<>();
    for (Method m : c.getMethods()) {
      if (!m.isSynthetic() && !m.isBridge() && m.getDeclaringClass() != Object.class) {
        out.add(m);
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (Modifier.isProtected(m.getModifiers()) && !m.isSynthetic()) {
        out.add(m);
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      int mod = k.getModifiers();
      if ((Modifier.isPublic(mod) || Modifier.isProtected(mod)) && !k.isSynthetic()) {
        out.add(k);
      }
    }
    return out;
  }

  static String violation(Executable e) {
    Class<?>[] ps = e.getParameterTypes();
    if (ps.length > MAX_PARAMETERS) {
      return ps.length + " parameters";
    }
    for (int i = 1; i < ps.length; i++) {
      if (isBoolean(ps[i - 1]) && isBoolean(ps[i])) {
        return "adjacent booleans at parameters " + (i - 1) + " and " + i;
      }
    }
    return null;
  }

  private static boolean isBoolean(Class<?> t) {
    return t == boolean.class || t == Boolean.class;
  }

  @Test
  void exportedSignaturesAreShortAndFreeOfAdjacentBooleans() throws Exception {
    List<String> pkgs = exportedPackages();
    assertTrue(pkgs.contains("gradkernel.tensor") && pkgs.contains("gradkernel.chain"),
        "module-info parsed: " + pkgs);
    TreeSet<String> bad = new TreeSet<>();
    int checked = 0;
    for (String pkg : pkgs) {
      List<Class<?>> types = new ArrayList<>();
      for (Class<?> c : topLevelTypes(pkg)) {
        collectVisible(c, types);
      }
      for (Class<?> c : types) {
        for (Executable e : visibleExecutables(c)) {
          checked++;
          String v = violation(e);
          if (v != null) {
            bad.add(c.getName() + "." + e.getName() + ": " + v);
          }
        }
      }
    }
    assertTrue(checked > 200, "only " + checked + " executables found");
    assertEquals("", String.join("\n", bad), bad.size() + " violation(s)");
  }

  /** The checker itself flags what it should (so an empty report means something). */
  @Test
  void checkerFlagsLongListsAndAdjacentBooleans() throws Exception {
    class Probe {
      public void nine(int a, int b, int c, int d, int e, int f, int g, int h, int i) {}

      public void flags(int a, boolean b, Boolean c) {}

      public void fine(boolean a, int b, boolean c, int d, int e, int f, int g, int h) {}
    }
    assertEquals("9 parameters", violation(Probe.class.getMethod("nine", int.class, int.class,
        int.class, int.class, int.class, int.class, int.class, int.class, int.class)));
    assertEquals("adjacent booleans at parameters 1 and 2",
        violation(Probe.class.getMethod("flags", int.class, boolean.class, Boolean.class)));
    assertEquals(null, violation(Probe.class.getMethod("fine", boolean.class, int.class,
        boolean.class, int.class, int.class, int.class, int.class, int.class)));
    assertFalse(exportedPackages().contains("gradkernel.kernel"), "kernel is internal");
  }
}
