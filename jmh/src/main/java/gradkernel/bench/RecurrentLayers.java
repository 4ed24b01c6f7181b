package gradkernel.bench;

import gradkernel.chain.Chain;
import gradkernel.chain.Gradients;
import gradkernel.chain.Gru;
import gradkernel.chain.Lstm;
import gradkernel.chain.SequenceOutput;
import gradkernel.chain.Tape;

/**
 * The LSTM and GRU layers RecurrentBench and RecurrentGemmShareBench time: one ALL_STEPS layer
 * each (seeds 1 and 2), input [b, T, m] uniform in (−1, 1), an all-ones upstream (loss = sum of
 * every hidden state), and the {@link GemmReplay} of each layer's gemm sequence.
 */
final class RecurrentLayers {
  private final int b;
  private final int t;
  private final Chain lstm;
  private final Chain gru;
  private final Tape lstmTape;
  private final Tape gruTape;
  private final Gradients lstmGrads;
  private final Gradients gruGrads;
  private final float[] x;
  private final float[] up;
  // gemm roof operands (time-major, like the layer's scratch)
  private final GemmReplay lstmReplay;
  private final GemmReplay gruReplay;

  RecurrentLayers(int b, int t, int m, int n) {
    this.b = b;
    this.t = t;
    lstm = Chain.of(Lstm.create(m, n, t, SequenceOutput.ALL_STEPS, 1));
    gru = Chain.of(Gru.create(m, n, t, SequenceOutput.ALL_STEPS, 2));
    lstmTape = lstm.newTape();
    gruTape = gru.newTape();
    lstmGrads = new Gradients(lstm);
    gruGrads = new Gradients(gru);
    x = Data.uniform(b * t * m, 1, 3);
    up = new float[b * t * n];
    java.util.Arrays.fill(up, 1f);
    lstmReplay = new GemmReplay(4, false, b, t, m, n);
    gruReplay = new GemmReplay(3, true, b, t, m, n);
  }

  /** One LSTM forward + backward (weight gradients formed); returns the input gradient view. */
  Object lstmPass() {
    lstm.forward(lstmTape, x, 0, b, t);
    return lstm.backward(lstmTape, up, 0, lstmGrads, null);
  }

  /** One GRU forward + backward (weight gradients formed); returns the input gradient view. */
  Object gruPass() {
    gru.forward(gruTape, x, 0, b, t);
    return gru.backward(gruTape, up, 0, gruGrads, null);
  }

  /** The LSTM pass's gemm calls alone. */
  float[] lstmGemms() {
    return lstmReplay.run();
  }

  /** The GRU pass's gemm calls alone. */
  float[] gruGemms() {
    return gruReplay.run();
  }
}
