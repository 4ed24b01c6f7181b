package gradkernel.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The in-JVM OpenBLAS peer (JavaCPP's openblas-platform 0.3.31, benchmark build only): loads the
 * natives, sets OpenBLAS's thread count and copies heap arrays into off-heap {@link FloatPointer}s
 * (a float[] argument would make JavaCPP copy the whole array on every call).
 *
 * <p>{@code main} extracts the natives into {@code -Dorg.bytedeco.javacpp.cachedir} once, before any
 * timing (bin/bench runs it first: the very first extraction has been seen to crash the JVM).
 */
final class OpenBlas {
  private OpenBlas() {}

  /** Loads OpenBLAS (extracting it on first use) and pins its thread count. */
  static void init(int threads) {
    Loader.load(openblas_nolapack.class);
    openblas_nolapack.blas_set_num_threads(threads);
    if (openblas_nolapack.blas_get_num_threads() != threads) {
      throw new IllegalStateException("OpenBLAS refused " + threads + " threads: "
          + openblas_nolapack.blas_get_num_threads());
    }
  }

  /** An off-heap copy of a. */
  static FloatPointer offHeap(float[] a) {
    FloatPointer p = new FloatPointer(a.length);
    p.put(a);
    return p;
  }

  /** The off-heap buffer's contents as a new array, for result checks. */
  static float[] toArray(FloatPointer p, int n) {
    float[] a = new float[n];
    p.get(a);
    return a;
  }

  /** Extracts and loads the natives once; prints the library path. */
  public static void main(String[] args) throws java.io.IOException {
    init(1);
    FloatPointer x = offHeap(new float[] {3f, 4f});
    float n = openblas_nolapack.cblas_snrm2(2, x, 1);
    if (n != 5f) {
      throw new IllegalStateException("OpenBLAS snrm2([3, 4]) = " + n);
    }
    System.out.println("OpenBLAS ready: " + Loader.getCacheDir());
  }
}
