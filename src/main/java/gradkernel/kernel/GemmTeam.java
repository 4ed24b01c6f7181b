package gradkernel.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the threads computing one gemm together share (see {@link PanamaGemm}'s team gemm): two
 * packed B panels, used in turn, and a spinning barrier. The barrier spins rather than parks
 * because the team is at most the machine's cores and each wait is one panel's imbalance; a
 * member's failure breaks it, so the others throw instead of waiting for ever. One team per
 * calling thread, reused (allocation-free after the first call).
 */
final class GemmTeam {
  private final float[][] panels;
  private final AtomicInteger arrived = new AtomicInteger();
  private volatile int generation;
  private volatile boolean broken;

  GemmTeam(int panelFloats) {
    panels = new float[][] {new float[panelFloats], new float[panelFloats]};
  }

  /** The panel for the phase-th KC step of a call (phases alternate between the two panels). */
  float[] panel(int phase) {
    return panels[phase & 1];
  }

  /** Before a call: nobody waiting, not broken. */
  void reset() {
    arrived.set(0);
    broken = false;
  }

  /** A member failed: members waiting now, or arriving later, throw. */
  void breakBarrier() {
    broken = true;
  }

  /** Returns once all {@code size} members have called it in this generation. */
  void await(int size) {
    int g = generation;
    if (arrived.incrementAndGet() == size) {
      arrived.set(0);
      generation = g + 1;
      return;
    }
    while (generation == g) {
      if (broken) {
        throw new IllegalStateException("another thread of this gemm failed");
      }
      Thread.onSpinWait();
    }
  }
}
