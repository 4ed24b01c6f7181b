package gradkernel.train;

import gradkernel.probe.UsageException;
import java.util.List;
import java.util.Locale;

/**
 * A cursor over command-line words for {@code train} and {@code experiment}: options come as
 * {@code --name value} or {@code --name=value}; every error is a {@link UsageException} carrying
 * the command's usage line.
 */
final class Args {
  private final List<String> words;
  private final String usage;
  private int next;
  private String name;
  private String inline;

  Args(List<String> words, int from, String usage) {
    this.words = words;
    this.usage = usage;
    this.next = from;
  }

  /** Advances to the next word; false at the end. */
  boolean advance() {
    if (next >= words.size()) {
      return false;
    }
    String a = words.get(next++);
    inline = null;
    int eq = a.indexOf('=');
    if (a.startsWith("--") && eq > 0) {
      inline = a.substring(eq + 1);
      a = a.substring(0, eq);
    }
    name = a;
    return true;
  }

  /** The current word (an option's name without its {@code =value}). */
  String name() {
    return name;
  }

  /** Whether the current word is an option (starts with '-'). */
  boolean isOption() {
    return name.startsWith("-");
  }

  /** Checks that the current option, a flag, has no {@code =value}. */
  void flag() throws UsageException {
    if (inline != null) {
      throw error(name + " takes no value");
    }
  }

  /** The current option's value (inline or the next word). */
  String value() throws UsageException {
    if (inline != null) {
      return inline;
    }
    if (next >= words.size()) {
      throw error(name + " needs a value");
    }
    return words.get(next++);
  }

  /** The value, lower-cased, if it is one of {@code valid}. */
  String choice(List<String> valid) throws UsageException {
    String v = value();
    String s = v.trim().toLowerCase(Locale.ROOT);
    if (!valid.contains(s)) {
      throw error(name + ": expected " + String.join(" | ", valid) + ", got '" + v + "'");
    }
    return s;
  }

  /** The value as an integer in [min, max]. */
  int intIn(int min, int max) throws UsageException {
    return intIn(name, value(), min, max);
  }

  /** {@code v} as an integer in [min, max], else a usage error naming {@code opt}. */
  int intIn(String opt, String v, int min, int max) throws UsageException {
    try {
      int x = Integer.parseInt(v.trim());
      if (x >= min && x <= max) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw error(opt + " expects an integer from " + min + " to " + max + ", got '" + v + "'");
  }

  /** The value as a finite number &gt; 0 ({@code orZero}: ≥ 0). */
  double positive(boolean orZero) throws UsageException {
    return number(value(), orZero, "");
  }

  /** The value as a finite number ≥ 0, or +∞ for {@code none}. */
  double numberOrNone() throws UsageException {
    String v = value();
    return v.trim().equalsIgnoreCase("none") ? Double.POSITIVE_INFINITY
        : number(v, true, " or none");
  }

  private double number(String v, boolean orZero, String alternative) throws UsageException {
    double x;
    try {
      x = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw error(name + " expects a number, got '" + v + "'");
    }
    if (!(orZero ? x >= 0 : x > 0) || Double.isInfinite(x)) {
      throw error(name + " must be a finite number " + (orZero ? ">= 0" : "> 0") + alternative
          + ", got '" + v + "'");
    }
    return x;
  }

  /** The value as a long. */
  long longValue() throws UsageException {
    String v = value();
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw error(name + " expects an integer, got '" + v + "'");
    }
  }

  /** The value as table (false) or json (true). */
  boolean json() throws UsageException {
    return choice(List.of("table", "json")).equals("json");
  }

  /** The value as a non-blank file name. */
  String file() throws UsageException {
    String v = value();
    if (v.isBlank()) {
      throw error(name + " needs a file name");
    }
    return v;
  }

  /** A usage error with this command's usage line. */
  UsageException error(String message) {
    return new UsageException(message, usage);
  }
}
