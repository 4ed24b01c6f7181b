package gradkernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/gradkernel on a copy of the checkout with a stand-in JDK (shell scripts that answer the
 * version query and "compile" one class file), so the launcher's own logic runs in milliseconds.
 */
class LauncherTest {
  @TempDir Path root;

  @Test
  void compiledClassesAreReadableByOtherUsersOfTheCheckout() throws Exception {
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("bin/gradkernel"), bin.resolve("gradkernel"));
    Path src = Files.createDirectories(root.resolve("src/main/java/p"));
    Files.writeString(src.resolve("X.java"), "package p; class X {}");
    Path jdk = Files.createDirectories(root.resolve("fakejdk/bin"));
    script(jdk.resolve("java"), "echo '    java.specification.version = 25' >&2\n");
    script(jdk.resolve("javac"), "while [ $# -gt 0 ]; do [ \"$1\" = -d ] && d=$2; shift; done\n"
        + "mkdir -p \"$d/p\" && echo x > \"$d/p/X.class\"\n");
    ProcessBuilder pb = new ProcessBuilder("bash", bin.resolve("gradkernel").toString(), "--version")
        .redirectErrorStream(true);
    pb.environment().put("GRADKERNEL_JAVA_HOME", jdk.getParent().toString());
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), log);
    Path classes = root.resolve("target/cli/classes");
    Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(classes);
    assertTrue(dirPerms.containsAll(PosixFilePermissions.fromString("rwxr-xr-x")),
        "target/cli/classes is " + PosixFilePermissions.toString(dirPerms));
    assertTrue(Files.getPosixFilePermissions(classes.resolve("p")).contains(PosixFilePermission.OTHERS_EXECUTE));
    assertTrue(Files.getPosixFilePermissions(classes.resolve("p/X.class")).contains(PosixFilePermission.OTHERS_READ));
    assertTrue(Files.getPosixFilePermissions(classes.resolve(".sources")).contains(PosixFilePermission.OTHERS_READ));
  }

  private static void script(Path p, String body) throws Exception {
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
