package gradkernel.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Tape;
import gradkernel.clip.NormAccumulator;
import gradkernel.init.Init;
import gradkernel.tensor.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The README's training loop, verbatim between the markers: it compiles and it learns. */
class TrainingExampleTest {

  private static double evalMse(Chain c, int in) {
    SplittableRandom r = new SplittableRandom(7);
    int n = 512;
    float[] x = new float[n * in];
    double[] y = new double[n];
    for (int b = 0; b < n; b++) {
      double s = 0;
      for (int j = 0; j < in; j++) {
        x[b * in + j] = (float) r.nextDouble(-1, 1);
        s += x[b * in + j];
      }
      y[b] = Math.sin(s);
    }
    Matrix out = c.forward(c.newTape(), x, 0, n);
    double mse = 0;
    for (int b = 0; b < n; b++) {
      mse += (out.get(b, 0) - y[b]) * (out.get(b, 0) - y[b]) / n;
    }
    return mse;
  }

  @Test
  void readmeTrainingLoopLearnsSinOfASum() {
    // README-BEGIN
    int in = 4, hidden = 32, batch = 16, steps = 600;
    Matrix w1 = Matrix.zeros(hidden, in), w2 = Matrix.zeros(1, hidden);
    Init.xavierUniform(w1, 1.0, 1);
    Init.xavierUniform(w2, 1.0, 2);
    Chain model = Chain.of(Dense.of(w1.data(), hidden, in, new float[hidden], Activations.TANH),
        Dense.of(w2.data(), 1, hidden, new float[1], Activations.IDENTITY));

    ParameterSet params = ParameterSet.of(model);   // flat values, gradients, optimizer state
    Chain net = params.chain();                     // the same network, bound to params.values()
    AdamW opt = new AdamW(params, LearningRate.warmup(3e-2, 20, 0.1)
            .then(20, LearningRate.cosine(3e-2, steps - 20, 1e-4)))
        .weightDecay(1e-2);                         // biases are exempt (Decay.EXEMPT)

    Tape tape = net.newTape();
    GradientProfile profile = new GradientProfile(net);
    NormAccumulator norm = NormAccumulator.l2();
    float[] x = new float[batch * in], y = new float[batch], dLdy = new float[batch];
    SplittableRandom rnd = new SplittableRandom(42);
    double loss = 0;
    for (int step = 0; step < steps; step++) {
      for (int b = 0; b < batch; b++) {             // a batch of y = sin(x0 + x1 + x2 + x3)
        double s = 0;
        for (int j = 0; j < in; j++) {
          x[b * in + j] = (float) rnd.nextDouble(-1, 1);
          s += x[b * in + j];
        }
        y[b] = (float) Math.sin(s);
      }
      Matrix out = net.forward(tape, x, 0, batch);  // [batch, 1]
      loss = 0;
      for (int b = 0; b < batch; b++) {             // MSE (mean) and its gradient; see Losses
        float d = out.get(b, 0) - y[b];
        loss += d * d / batch;
        dLdy[b] = 2 * d / batch;
      }
      net.backward(tape, dLdy, 0, params.grads(), profile);   // overwrites the gradients
      norm.reset().addSumOfSquares(profile.weightGradientSumOfSquares());
      opt.step(norm, 1.0);   // clip to 1.0 + AdamW in one pass; NaN/inf norm: skipped, counted
    }
    // README-END
    // The original model keeps the initial weights (ParameterSet copies them).
    double before = evalMse(model, in);
    double after = evalMse(net, in);
    System.out.printf("README loop: eval MSE %.4f -> %.4f%n", before, after);
    assertTrue(after < 0.05 * before, "eval MSE " + before + " -> " + after
        + " (last batch " + loss + ")");
    assertEquals(steps, opt.steps());
    assertEquals(0, opt.skipped());
  }
}
