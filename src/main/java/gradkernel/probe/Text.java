package gradkernel.probe;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Text from files (tensor and file names) made safe for a terminal, CSV and XML, and I/O errors
 * turned into the reason a user can act on.
 */
final class Text {
  /** Names longer than this are shortened in messages. */
  static final int MAX_NAME_IN_MESSAGE = 120;

  private Text() {}

  /**
   * {@code s} with every control character (C0, DEL, C1), unpaired surrogate and the
   * noncharacters U+FFFE/U+FFFF written as {@code \\xNN} or {@code \\u}NNNN, so that nothing in it
   * can move the cursor, recolour or clear a terminal, or end a line. Other text is unchanged.
   */
  static String printable(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0xfffe || c == 0xffff;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (sb != null) {
          sb.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      bad |= Character.isSurrogate(c);
      if (bad && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (bad) {
          sb.append(c <= 0xff ? String.format(Locale.ROOT, "\\x%02x", (int) c)
              : String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** {@link #printable} text escaped for XML 1.0 character data and attribute values. */
  static String xml(String s) {
    return printable(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&apos;");
  }

  /** A name for a one-line message: printable, and shortened to its ends when very long. */
  static String name(String s) {
    String p = printable(s);
    if (p.length() <= MAX_NAME_IN_MESSAGE) {
      return p;
    }
    return p.substring(0, 60) + "…" + p.substring(p.length() - 20) + " (" + s.length() + " characters)";
  }

  /** Why an I/O operation failed, in words: "permission denied", "no such file", "is a directory", … */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    String m;
    if (e instanceof FileSystemException f && f.getReason() != null) {
      m = f.getReason();
    } else if (e instanceof FileNotFoundException && e.getMessage() != null && e.getMessage().endsWith(")")
        && e.getMessage().contains(" (")) {
      // RandomAccessFile / FileInputStream: "path (Permission denied)"
      m = e.getMessage().substring(e.getMessage().lastIndexOf(" (") + 2, e.getMessage().length() - 1);
    } else {
      m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return printable(m.isEmpty() ? m : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1));
  }
}
