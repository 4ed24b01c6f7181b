package gradkernel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class in a fresh JVM: this JVM's java executable and class path, with or
 * without the Vector API module, plus the given flags. Output goes to temporary files (no pipe can
 * fill up), read back when the child exits.
 */
public final class ChildJvm {
  /** Generous: the machines running the suite are often loaded many times over. */
  public static final long TIMEOUT_MINUTES = 20;

  private final String name;
  private final Process process;
  private final File out;
  private final File err;

  /** Exit code, stdout and stderr of a finished child. */
  public record Result(String name, int exitCode, String out, String err) {
    /** Throws unless the child exited with 0, showing its stderr. */
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(name + " exited with " + exitCode + ":\n" + err);
      }
      return this;
    }
  }

  private ChildJvm(String name, Process process, File out, File err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** True when this JVM has the Vector API module (the main Surefire execution). */
  public static boolean parentHasVectorModule() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * Starts {@code main} with {@code args} in a JVM with this JVM's java and class path, the Vector
   * API module iff {@code vector}, this JVM's {@code -Dgradkernel.kernels} if set, and
   * {@code flags}.
   */
  public static ChildJvm start(String name, boolean vector, List<String> flags, Class<?> main,
      String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    if (vector) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    String forced = System.getProperty("gradkernel.kernels");
    if (forced != null) {
      cmd.add("-Dgradkernel.kernels=" + forced);
    }
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    try {
      File out = File.createTempFile("gradkernel-child-", ".out");
      File err = File.createTempFile("gradkernel-child-", ".err");
      out.deleteOnExit();
      err.deleteOnExit();
      Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
      return new ChildJvm(name, p, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (at most {@link #TIMEOUT_MINUTES}) and returns the result; kills the child on timeout. */
  public Result await() {
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(name + ": no result within " + TIMEOUT_MINUTES + " min");
      }
      Result r = new Result(name, process.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
      out.delete();
      err.delete();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
  }

  /** Runs to completion: {@link #start} then {@link #await}. */
  public static Result run(String name, boolean vector, List<String> flags, Class<?> main,
      String... args) {
    return start(name, vector, flags, main, args).await();
  }
}
