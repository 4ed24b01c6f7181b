package gradkernel.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes a file through a temporary sibling renamed over the target, so a reader (or a crash)
 * sees the old file or the complete new one, never a prefix; on failure the temporary file is
 * removed and the target is untouched.
 */
final class AtomicFile {
  private AtomicFile() {}

  /** What writes the content. */
  @FunctionalInterface
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  static void write(Path file, Body body) throws IOException {
    Objects.requireNonNull(file, "file");
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (Files.isDirectory(abs)) {
      throw new WeightFormatException(file.toString(), "is a directory");
    }
    if (dir == null || !Files.isDirectory(dir)) {
      throw new WeightFormatException(file.toString(), "no such directory: " + dir);
    }
    // Not Files.createTempFile: it creates the file with mode 0600, and the renamed result would
    // keep it; CREATE_NEW applies the process umask, as writing the target directly would.
    Path tmp = null;
    OutputStream raw = null;
    for (int attempt = 0; raw == null; attempt++) {
      tmp = dir.resolve("." + abs.getFileName() + "."
          + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
      try {
        raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
    boolean done = false;
    try {
      try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        body.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
