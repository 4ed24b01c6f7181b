package gradkernel.probe;

import java.util.List;

/** A probe run: the kernels used, the run's seed and batch, and one result per network. */
public record ProbeResult(String kernels, long seed, int batch, List<NetworkResult> networks) {

  /** Copies the list. */
  public ProbeResult {
    networks = List.copyOf(networks);
  }
}
