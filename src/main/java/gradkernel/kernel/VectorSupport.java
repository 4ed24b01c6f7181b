package gradkernel.kernel;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Decides once, at class-load time, whether the Vector API implementations can be used.
 *
 * <p>The Panama classes are loaded reflectively so that nothing outside them links against
 * {@code jdk.incubator.vector}; any failure (module absent, class not loadable, a CPU without
 * useful vector width) selects the scalar reference implementation. The system property
 * {@code gradkernel.kernels=scalar} forces the scalar path for testing.
 *
 * <p>The scalar kernels are 10–15× slower, so falling back to them is never silent: when the
 * module is not in the boot layer (class path without {@code --add-modules jdk.incubator.vector},
 * or module path without a module that requires it) one WARNING goes to the
 * {@link System.Logger} named after this class, naming the module and the flag, the first time
 * kernels are chosen (as Lucene does). Forcing the scalar kernels with the property logs at DEBUG
 * only.
 */
public final class VectorSupport {
  /** System property that forces the scalar kernels when set to {@code scalar}. */
  public static final String PROPERTY = "gradkernel.kernels";

  private static final System.Logger LOG = System.getLogger(VectorSupport.class.getName());
  private static final String MODULE = "jdk.incubator.vector";
  private static final String FORCED = "forced by -D" + PROPERTY + "=scalar";
  private static final String ABSENT = "module " + MODULE + " not present";
  private static final String REASON;
  /** Set once a WARNING about the scalar fallback has been logged: at most one per JVM. */
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  static {
    REASON = computeReason();
    if (REASON != null) {
      fallback(REASON);
    }
  }

  private VectorSupport() {}

  /** True when the Vector API implementations are in use. */
  public static boolean vectorized() {
    return REASON == null;
  }

  /** Why the scalar kernels are in use, or empty when the Vector API ones are. */
  public static Optional<String> scalarReason() {
    return Optional.ofNullable(REASON);
  }

  private static String computeReason() {
    if ("scalar".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
      return FORCED;
    }
    Optional<Module> vector = ModuleLayer.boot().findModule(MODULE);
    if (vector.isEmpty()) {
      return ABSENT + "; run with --add-modules " + MODULE;
    }
    VectorSupport.class.getModule().addReads(vector.get());
    return null;
  }

  /**
   * Instantiates the Panama implementation {@code className} (in this package, no-arg
   * constructor) when vectorization is available, else returns {@code fallback.get()}.
   */
  static <T> T load(Class<T> type, String className, Supplier<? extends T> fallback) {
    if (REASON != null) {
      return fallback.get();
    }
    try {
      Class<?> impl = Class.forName(VectorSupport.class.getPackageName() + "." + className);
      var ctor = impl.getDeclaredConstructor();
      return type.cast(ctor.newInstance());
    } catch (java.lang.reflect.InvocationTargetException e)  {
      if (e.getCause() instanceof UnsupportedOperationException u) {
        // The module is there but this kernel family does not take the machine's vector width
        // (e.g. 64-bit half vectors at -XX:MaxVectorSize=16): the add-modules advice would mislead.
        LOG.log(System.Logger.Level.WARNING, "gradkernel: " + className + ": " + u.getMessage()
            + ", so its scalar twin runs (same results within the documented bounds, slower)");
      } else {
        fallback(className + " not usable (" + e.getCause() + ")");
      }
      return fallback.get();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      fallback(className + " not usable (" + e + ")");
      return fallback.get();
    }
  }

  /**
   * The one-line WARNING for falling back to the scalar kernels for {@code reason}, or null when
   * the fallback was asked for with {@code -Dgradkernel.kernels=scalar} (then only DEBUG).
   */
  static String warning(String reason) {
    if (FORCED.equals(reason)) {
      return null;
    }
    String cause = reason.startsWith(ABSENT) ? "module " + MODULE + " is not present" : reason;
    return "gradkernel: " + cause + ", so the scalar kernels run (10-15x slower). Class path: add"
        + " --add-modules " + MODULE + " to the java command; module path: add 'requires "
        + MODULE + "' to your module-info (or --add-modules " + MODULE + "). Set -D" + PROPERTY
        + "=scalar to choose the scalar kernels without this warning.";
  }

  /** Logs the fallback: one WARNING per JVM (see {@link #warning}), else DEBUG. */
  private static void fallback(String reason) {
    String w = warning(reason);
    if (w != null && WARNED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, w);
    } else {
      LOG.log(System.Logger.Level.DEBUG, "gradkernel: using scalar kernels (" + reason + ")");
    }
  }
}
