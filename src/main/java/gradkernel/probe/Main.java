package gradkernel.probe;

import gradkernel.kernel.Kernels;

/** Command-line entry point (placeholder until the probe lands). */
public final class Main {
  private Main() {}

  /** Runs the command line. */
  public static void main(String[] args) {
    System.out.println("gradkernel kernels: " + Kernels.active().name());
  }
}
