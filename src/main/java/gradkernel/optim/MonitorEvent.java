package gradkernel.optim;

import java.util.Objects;

/**
 * One event raised by {@link TrainingMonitor} at a step.
 *
 * @param type      what happened
 * @param step      the step index (as counted by the monitor)
 * @param value     the observed quantity: the loss for {@link Type#LOSS_SPIKE}, the pre-clip
 *                  global gradient norm otherwise
 * @param reference the bound it crossed: k × running median (spike, relative explosion), the
 *                  absolute threshold, the vanishing floor; NaN for {@link Type#SKIPPED_STEP}
 * @param detail    a human-readable line; for skipped steps the first non-finite value's
 *                  provenance ({@code "gradient 3.weight[17] = NaN"}) when one was reported
 */
public record MonitorEvent(Type type, long step, double value, double reference, String detail) {

  /** Validates the non-null fields. */
  public MonitorEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(detail, "detail");
  }

  /** The kinds of event; {@link #bit()} is the flag in {@link TrainingMonitor#step}'s result. */
  public enum Type {
    /** Loss above k × the running median of the last N finite losses. */
    LOSS_SPIKE,
    /** Finite gradient norm above the absolute threshold or k × its running median. */
    GRADIENT_EXPLOSION,
    /** Gradient norm below the floor for n consecutive steps (raised once per run). */
    VANISHING,
    /** Non-finite loss, gradient norm, parameter or gradient: the step must not be applied. */
    SKIPPED_STEP;

    /** 1 &lt;&lt; ordinal, for event masks. */
    public int bit() {
      return 1 << ordinal();
    }

    /** Whether {@code mask} contains this type. */
    public boolean in(int mask) {
      return (mask & bit()) != 0;
    }
  }
}
