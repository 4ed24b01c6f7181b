package gradkernel.bench;

import gradkernel.activation.Activations;
import gradkernel.chain.Chain;
import gradkernel.chain.Dense;
import gradkernel.chain.GradientProfile;
import gradkernel.chain.Gradients;
import gradkernel.chain.Tape;
import gradkernel.kernel.Kernels;
import gradkernel.tensor.Parallelism;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Backward through dense tanh chains of 1024² weights. Batched: 16 layers, batch 256 (input and
 * weight gradients: two gemms per layer), with and without the profile, against the same 32
 * gemms issued directly (the chain's gemm roof). Single vector: 64 layers, input gradient only,
 * against 64 bare gemvᵀ calls (its gemvᵀ roof). ms per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ChainBench {
  private static final int W = 1024;
  private static final int B = 256;
  private Chain deep16;
  private Chain deep64;
  private Tape tape16;
  private Tape tape16two;
  private Tape tape64;
  private Gradients grads;
  private GradientProfile profile;
  private float[] up16;
  private float[] up64;
  private float[] d;
  private float[] a;
  private float[] dIn;
  private float[] dW;
  private float[] v;
  private float[] vOut;

  private static Chain chain(int depth, long seed) {
    Dense[] layers = new Dense[depth];
    for (int l = 0; l < depth; l++) {
      layers[l] = Dense.of(Data.uniform(W * W, Math.sqrt(3.0 / W), seed + l), W, W,
          new float[W], Activations.TANH);
    }
    return Chain.of(layers);
  }

  @Setup(Level.Trial)
  public void setup() {
    deep16 = chain(16, 100);
    deep64 = chain(64, 200);
    tape16 = deep16.newTape();
    tape64 = deep64.newTape();
    deep16.forward(tape16, Data.uniform(B * W, 1, 1), 0, B);
    tape16two = deep16.newTape().parallelism(Parallelism.threads(2));
    deep16.forward(tape16two, Data.uniform(B * W, 1, 1), 0, B);
    deep64.forward(tape64, Data.uniform(W, 1, 2), 0, 1);
    grads = new Gradients(deep16);
    profile = new GradientProfile(deep16);
    up16 = Data.uniform(B * W, 1, 3);
    up64 = Data.uniform(W, 1, 4);
    d = Data.uniform(B * W, 1, 6);
    a = Data.uniform(B * W, 1, 7);
    dIn = new float[B * W];
    dW = new float[W * W];
    v = Data.uniform(W, 1, 8);
    vOut = new float[W];
  }

  @TearDown(Level.Trial)
  public void verify() {
    deep16.backward(tape16, up16, 0, grads, profile);
    double read = Kernels.active().nrm2(grads.data().length, grads.data(), 0);
    Data.check("profile weight-gradient norm", read, profile.globalWeightGradientNorm(), 1e-6);
  }

  @Benchmark
  public Object batchedBackward() {
    return deep16.backward(tape16, up16, 0, grads, null);
  }

  /** The same backward with the tape's gemms split over two threads (bit-identical result). */
  @Benchmark
  public Object batchedBackwardTwoThreads() {
    return deep16.backward(tape16two, up16, 0, grads, null);
  }

  @Benchmark
  public Object batchedBackwardWithProfile() {
    return deep16.backward(tape16, up16, 0, grads, profile);
  }

  @Benchmark
  public float[] batchedGemmRoof() {
    return gemmRoof(1);
  }

  /** The same 32 gemms on two threads: the two-thread backward's gemm roof. */
  @Benchmark
  public float[] batchedGemmRoofTwoThreads() {
    return gemmRoof(2);
  }

  private float[] gemmRoof(int threads) {
    Kernels k = Kernels.active();
    for (int l = 0; l < 16; l++) {
      float[] w = ((Dense) deep16.layer(l)).weight().data();
      k.gemmParallel(threads, false, false, B, W, W, 1f, d, 0, W, w, 0, W, 0f, dIn, 0, W);
      k.gemmParallel(threads, true, false, W, W, B, 1f, d, 0, W, a, 0, W, 0f, dW, 0, W);
    }
    return dW;
  }

  @Benchmark
  public Object singleVectorBackward() {
    return deep64.backward(tape64, up64, 0, null, null);
  }

  @Benchmark
  public float[] singleVectorGemvTRoof() {
    Kernels k = Kernels.active();
    for (int l = 0; l < 64; l++) {
      float[] w = ((Dense) deep64.layer(l)).weight().data();
      k.gemvT(W, W, 1f, w, 0, W, v, 0, 0f, vOut, 0);
    }
    return vOut;
  }
}
