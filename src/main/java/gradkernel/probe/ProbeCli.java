package gradkernel.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Parses and validates the arguments of {@code gradkernel probe}; the help text lives here too. */
final class ProbeCli {
  static final String USAGE = "usage: gradkernel probe [options]   (gradkernel probe --help for the options)";

  /** Initializer names accepted by --init. */
  static final List<String> INITS = List.of("xavier", "xavier-uniform", "he", "he-uniform", "lecun",
      "orthogonal");

  /** Sequence length for recurrent weights when --steps is not given. */
  static final int DEFAULT_STEPS = 50;

  static final String HELP = """
      gradkernel probe — how gradients grow or shrink through a deep network, layer by layer.

      With no network options, probes a built-in suite that tells the story side by side: 50 tanh
      layers with Xavier init and with a too-large gain, ReLU with He init, a residual stack,
      vanilla RNNs over 100 steps with spectral radius below and above 1, and what clipping the
      global gradient norm does to each.

      usage: gradkernel probe [options]

      Network (any of these probes one network instead of the suite):
        --depth N            layers (default 50)
        --width N            units per layer (default 128)
        --activation SPEC    one of: %s (default tanh); a comma-separated list
                             (e.g. tanh,tanh,identity) gives one per layer, 0-based
        --init NAME          xavier | xavier-uniform | he | he-uniform | lecun | orthogonal (default xavier)
        --gain X             initializer gain, > 0 (default 1); for an RNN with orthogonal init, ρ(W) = X
        --residual           residual blocks a + g(W a + b) instead of plain dense layers
        --rnn-steps T        a vanilla RNN h_t = g(W h_(t-1) + U x_t + b) unrolled over T steps
        --weights FILE       dense layers from .npy / .npz / .safetensors (repeatable; globs allowed,
                             e.g. 'ckpt/layer*.npy'); weights are [out, in], optional 1-D biases
                             or a PyTorch nn.RNN / nn.LSTM / nn.GRU state_dict (weight_ih_l0,
                             weight_hh_l0, bias_ih_l0, bias_hh_l0, layers l0, l1, …; any prefix):
                             per-step ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM) by BPTT
        --cell rnn|lstm|gru  recurrent weights: the cell (default: from weight_hh [G·n, n], G = 1/4/3)
        --steps T            recurrent weights: sequence length (default %3$d)
        --select REGEX       use only tensors whose whole name matches REGEX (e.g. '.*\\.(weight|bias)')
        --order file|name    tensor order: as stored (default) or natural name order (l2 before l10)

      Run:
        --batch N            examples per forward/backward pass (default 16)
        --clip-norm X        clip the global weight-gradient norm at X >= 0 (suite default 1)
        --seed N             seed for initial weights, inputs and upstream gradient (default 42)

      Output:
        --format F           table (default) | json | csv, on stdout
        --plot FILE.svg      also write a log-scale plot of gradient norm per layer with bounds
        --all-layers         table: every layer (default: about 10 rows per network)
        --quiet              no progress messages on stderr
        --help               this text

      Spectra: σ_max(W) and σ_min(W) (for the bounds) come from a full SVD up to %2$d×%2$d
      weights (about 0.7 s each at 1024), ρ(W) from an eigenvalue solve up to %4$d×%4$d (about
      0.6 s at 512). Above that σ_max is estimated by Lanczos and σ_min of a square weight up to
      %5$d×%5$d by LU and Lanczos on W⁻¹ (relative residual 1e-6 each; about 0.8 s at 2048),
      and ρ(W) is not computed; wider, σ_min is not computed either and the lower bound is
      undefined ("-" / null). The network's description says which applied.

      Exit codes: 0 ok, 1 failure (e.g. unreadable weights, output not written), 2 bad usage.
      """.formatted(String.join(", ", availableActivations()), NetworkProbe.FULL_SVD_MAX_WIDTH,
      DEFAULT_STEPS, NetworkProbe.EIGEN_MAX_WIDTH, NetworkProbe.SIGMA_MIN_MAX_WIDTH);

  /** The common activation specs Activations.of accepts, for the help text. */
  static List<String> availableActivations() {
    return List.of("identity", "tanh", "relu", "leaky_relu:0.01", "elu:1", "selu", "gelu", "sigmoid",
        "softplus", "swish", "silu", "hardtanh");
  }

  private ProbeCli() {}

  /** Parses {@code args} (everything after "probe"); {@code null} means --help was asked for. */
  static ProbeOptions parse(List<String> args) throws UsageException {
    int depth = 50;
    int width = 128;
    int batch = 16;
    String activation = "tanh";
    String init = "xavier";
    double gain = 1;
    boolean residual = false;
    int rnnSteps = 0;
    double clipNorm = Double.NaN;
    long seed = 42;
    ProbeOptions.Format format = ProbeOptions.Format.TABLE;
    String plot = null;
    List<String> weights = new ArrayList<>();
    Pattern select = null;
    boolean byName = false;
    String cell = null;
    int steps = 0;
    boolean allLayers = false;
    boolean quiet = false;
    boolean custom = false;
    boolean shapeGiven = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--help", "-h" -> {
          return null;
        }
        case "--residual", "--quiet", "-q", "--all-layers" -> {
          if (value != null) {
            throw usage(a + " takes no value");
          }
          switch (a) {
            case "--residual" -> {
              residual = true;
              custom = true;
            }
            case "--all-layers" -> allLayers = true;
            default -> quiet = true;
          }
          continue;
        }
        default -> { }
      }
      if (!a.startsWith("-")) {
        throw usage("unexpected argument '" + a + "'");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw usage(a + " needs a value");
        }
        value = args.get(++i);
      }
      switch (a) {
        case "--depth" -> {
          depth = positiveInt(a, value, 100_000);
          custom = true;
          shapeGiven = true;
        }
        case "--width" -> {
          width = positiveInt(a, value, 16_384);
          custom = true;
          shapeGiven = true;
        }
        case "--batch" -> batch = positiveInt(a, value, 65_536);
        case "--steps" -> steps = positiveInt(a, value, 1_000_000);
        case "--cell" -> {
          if (RecurrentStack.Cell.parse(value) == null) {
            throw usage("--cell: expected rnn, lstm or gru, got '" + value + "'");
          }
          cell = value.trim().toLowerCase(Locale.ROOT);
        }
        case "--rnn-steps" -> {
          rnnSteps = positiveInt(a, value, 1_000_000);
          custom = true;
        }
        case "--activation" -> {
          activation = value.trim();
          try {
            Probe.activations(activation);
          } catch (IllegalArgumentException e) {
            throw usage("--activation: " + e.getMessage());
          }
          custom = true;
        }
        case "--init" -> {
          init = value.trim().toLowerCase(Locale.ROOT);
          if (!INITS.contains(init)) {
            throw usage("--init: unknown initializer '" + value + "'; valid: " + String.join(", ", INITS));
          }
          custom = true;
        }
        case "--gain" -> {
          gain = number(a, value);
          if (!(gain > 0) || Double.isInfinite(gain)) {
            throw usage("--gain must be a finite number > 0, got '" + value + "'");
          }
          custom = true;
        }
        case "--clip-norm" -> {
          clipNorm = number(a, value);
          if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw usage("--clip-norm must be a finite number >= 0, got '" + value + "'");
          }
        }
        case "--seed" -> {
          try {
            seed = Long.parseLong(value.trim());
          } catch (NumberFormatException e) {
            throw usage("--seed expects an integer, got '" + value + "'");
          }
        }
        case "--format" -> {
          try {
            format = ProbeOptions.Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw usage("--format: expected table, json or csv, got '" + value + "'");
          }
        }
        case "--plot" -> {
          if (value.isBlank()) {
            throw usage("--plot needs a file name");
          }
          plot = value;
        }
        case "--weights" -> {
          if (value.isBlank()) {
            throw usage("--weights needs a file name");
          }
          weights.add(value);
          custom = true;
        }
        case "--select" -> {
          try {
            select = Pattern.compile(value);
          } catch (PatternSyntaxException e) {
            throw usage("--select: bad regular expression '" + Text.name(value) + "' ("
                + e.getDescription() + ")");
          } catch (StackOverflowError e) {
            throw usage("--select: regular expression '" + Text.name(value) + "' is nested too deeply");
          }
        }
        case "--order" -> byName = switch (value.trim()) {
          case "file" -> false;
          case "name" -> true;
          default -> throw usage("--order: expected file or name, got '" + value + "'");
        };
        default -> throw usage("unknown option '" + a + "'");
      }
    }
    if (!weights.isEmpty() && (rnnSteps > 0 || shapeGiven)) {
      throw usage("--weights fixes the network's depth and widths; drop --depth, --width and --rnn-steps");
    }
    if ((cell != null || steps > 0) && weights.isEmpty()) {
      throw usage((cell != null ? "--cell" : "--steps") + " needs --weights with a recurrent"
          + " state_dict (weight_ih_l0, …); for a built-in vanilla RNN use --rnn-steps");
    }
    if (select != null && weights.isEmpty()) {
      throw usage("--select needs --weights");
    }
    if (residual && rnnSteps > 0) {
      throw usage("--residual and --rnn-steps cannot be combined");
    }
    return new ProbeOptions(custom, depth, width, batch, activation, init, gain, residual, rnnSteps,
        clipNorm, seed, format, plot, weights, cell, steps, select, byName, allLayers, quiet);
  }

  private static int positiveInt(String opt, String v, int max) throws UsageException {
    try {
      int x = Integer.parseInt(v.trim());
      if (x >= 1 && x <= max) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw usage(opt + " expects an integer from 1 to " + max + ", got '" + v + "'");
  }

  private static double number(String opt, String v) throws UsageException {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw usage(opt + " expects a number, got '" + v + "'");
    }
  }

  private static UsageException usage(String message) {
    return new UsageException(message, USAGE);
  }
}
