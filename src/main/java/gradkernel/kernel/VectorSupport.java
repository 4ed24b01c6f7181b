package gradkernel.kernel;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides once, at class-load time, whether the Vector API implementations can be used.
 *
 * <p>The Panama classes are loaded reflectively so that nothing outside them links against
 * {@code jdk.incubator.vector}; any failure (module absent, class not loadable, a CPU without
 * useful vector width) selects the scalar reference implementation. The system property
 * {@code gradkernel.kernels=scalar} forces the scalar path for testing.
 */
public final class VectorSupport {
  /** System property that forces the scalar kernels when set to {@code scalar}. */
  public static final String PROPERTY = "gradkernel.kernels";

  private static final System.Logger LOG = System.getLogger(VectorSupport.class.getName());
  private static final String REASON;

  static {
    REASON = computeReason();
    if (REASON != null) {
      LOG.log(System.Logger.Level.DEBUG, "gradkernel: using scalar kernels ({0})", REASON);
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
      return "forced by -D" + PROPERTY + "=scalar";
    }
    Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
    if (vector.isEmpty()) {
      return "module jdk.incubator.vector not present; run with --add-modules jdk.incubator.vector";
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
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "gradkernel: " + className + " not usable, using scalar: " + e);
      return fallback.get();
    }
  }
}
