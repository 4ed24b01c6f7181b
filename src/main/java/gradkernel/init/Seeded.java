package gradkernel.init;

import java.util.SplittableRandom;

/**
 * Machine-independent random source for initializers: java.util.SplittableRandom (SplitMix64, its
 * algorithm is fixed by the JDK specification) plus Box–Muller normals computed with StrictMath,
 * so the same seed gives bit-identical weights on every JVM and CPU.
 */
final class Seeded {
  private final SplittableRandom rnd;
  private double spare;
  private boolean hasSpare;

  Seeded(long seed) {
    rnd = new SplittableRandom(seed);
  }

  /** Uniform in [0, 1). */
  double uniform() {
    return rnd.nextDouble();
  }

  /** Standard normal by the Box–Muller transform (StrictMath: bit-reproducible). */
  double normal() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u1 = 1.0 - rnd.nextDouble(); // (0, 1]: log is finite
    double u2 = rnd.nextDouble();
    double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double th = 2.0 * StrictMath.PI * u2;
    spare = r * StrictMath.sin(th);
    hasSpare = true;
    return r * StrictMath.cos(th);
  }
}
