package gradkernel.bench;

import gradkernel.spectral.Lanczos;
import gradkernel.spectral.PowerIteration;
import gradkernel.spectral.SingularValues;
import gradkernel.spectral.SmallestSingularValue;
import gradkernel.spectral.SpectralNormEstimate;
import gradkernel.tensor.Matrix;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
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
 * σ_max of a 1024² matrix to 1e-4 by Lanczos bidiagonalization and by power iteration (cold:
 * fresh start each call; warm: the estimator kept across calls, as when tracking a weight over
 * training steps), and all singular values of a
 * 256² matrix by gradkernel's one-sided Jacobi against EJML's float and double SVD (values only).
 * ms per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class SpectralBench {
  private Matrix big;
  private PowerIteration warm;
  private Lanczos lanczosWarm;
  private Matrix small;
  private float[] smallData;
  private double[] smallDouble;
  private double[] bigDouble;

  @Setup(Level.Trial)
  public void setup() {
    big = Matrix.of(Data.uniform(1024 * 1024, 1, 11), 1024, 1024);
    bigDouble = new double[1024 * 1024];
    for (int i = 0; i < bigDouble.length; i++) {
      bigDouble[i] = big.data()[i];
    }
    warm = new PowerIteration(1024, 1024, 1);
    warm.estimate(big, 1e-4, 1000);
    lanczosWarm = new Lanczos(1024, 1024, 50, 1);
    lanczosWarm.estimate(big, 1e-4, 50);
    smallData = Data.uniform(256 * 256, 1, 12);
    small = Matrix.of(smallData, 256, 256);
    smallDouble = new double[smallData.length];
    for (int i = 0; i < smallData.length; i++) {
      smallDouble[i] = smallData[i];
    }
  }

  @TearDown(Level.Trial)
  public void verify() {
    double ours = SingularValues.max(small);
    double ref = 0;
    for (double s : ejmlDoubleValues(256, smallDouble)) {
      ref = Math.max(ref, s);
    }
    Data.check("sigma_max vs EJML", ref, ours, 1e-5);
    double[] sv = SingularValues.of(small);
    Data.check("sigma_min vs the full SVD", sv[sv.length - 1],
        SmallestSingularValue.of(small, 1e-6).sigma(), 1e-5);
    SpectralNormEstimate e = new Lanczos(1024, 1024, 50, 1).estimate(big, 1e-4, 50);
    if (!e.converged()) {
      throw new IllegalStateException("Lanczos did not reach 1e-4 in 50 pairs: " + e);
    }
  }

  @Benchmark
  public SpectralNormEstimate powerIterationCold() {
    return new PowerIteration(1024, 1024, 1).estimate(big, 1e-4, 1000);
  }

  @Benchmark
  public SpectralNormEstimate powerIterationWarm() {
    return warm.estimate(big, 1e-4, 1000);
  }

  @Benchmark
  public SpectralNormEstimate lanczosCold() {
    return new Lanczos(1024, 1024, 50, 1).estimate(big, 1e-4, 50);
  }

  @Benchmark
  public SpectralNormEstimate lanczosWarm() {
    return lanczosWarm.estimate(big, 1e-4, 50);
  }

  @Benchmark
  public double[] svd256() {
    return SingularValues.of(small);
  }

  @Benchmark
  public float[] svd256EjmlFloat() {
    SingularValueDecomposition_F32<FMatrixRMaj> svd =
        DecompositionFactory_FDRM.svd(256, 256, false, false, true);
    svd.decompose(FMatrixRMaj.wrap(256, 256, smallData.clone()));
    return svd.getSingularValues();
  }

  @Benchmark
  public double[] svd256EjmlDouble() {
    return ejmlDoubleValues(256, smallDouble);
  }

  /** Singular values only, 1024² (the second size): ours in double vs EJML's double SVD. */
  @Benchmark
  public double[] svd1024() {
    return SingularValues.of(big);
  }

  @Benchmark
  public double[] svd1024EjmlDouble() {
    return ejmlDoubleValues(1024, bigDouble);
  }

  /**
   * σ_min alone where the full SVD is too slow (the probe above 1024): LU in double and Lanczos on
   * W⁻¹ to relative residual 1e-6, set against {@link #svd256} / {@link #svd1024} and EJML.
   */
  @Benchmark
  public SmallestSingularValue.Estimate sigmaMin256() {
    return SmallestSingularValue.of(small, 1e-6);
  }

  @Benchmark
  public SmallestSingularValue.Estimate sigmaMin1024() {
    return SmallestSingularValue.of(big, 1e-6);
  }

  /** EJML's double SVD of n×n row-major data, values only (on a copy: EJML overwrites it). */
  private static double[] ejmlDoubleValues(int n, double[] data) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(n, n, false, false, true);
    svd.decompose(DMatrixRMaj.wrap(n, n, data.clone()));
    return svd.getSingularValues();
  }
}
