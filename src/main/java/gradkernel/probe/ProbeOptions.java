package gradkernel.probe;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The options of {@code gradkernel probe}, validated. {@code custom} is true when any option
 * that shapes the network was given: then one network is probed, else the built-in suite.
 * Doubles that were not given are NaN; {@code plot} is null when no plot was asked for.
 * {@code cell} (rnn, lstm, gru) is null unless --cell was given (then recurrent weights must have
 * that cell); {@code steps} is the sequence length for recurrent weights, 0 when not given.
 */
public record ProbeOptions(
    boolean custom,
    int depth,
    int width,
    int batch,
    String activation,
    String init,
    double gain,
    boolean residual,
    int rnnSteps,
    double clipNorm,
    long seed,
    Format format,
    String plot,
    List<String> weights,
    String cell,
    int steps,
    Pattern select,
    boolean orderByName,
    boolean allLayers,
    boolean quiet) {

  /** Output formats. */
  public enum Format { TABLE, JSON, CSV }

  /** Copies the list. */
  public ProbeOptions {
    weights = List.copyOf(weights);
  }
}
