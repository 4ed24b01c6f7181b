package gradkernel.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sgemm on two threads: gradkernel's gemmParallel(2) against OpenBLAS with two threads, same run
 * (see {@link OpenBlasGemmBench} for shapes). Only meaningful when the second core is free: the
 * report marks these rows with the other processes' CPU use recorded by {@link LoadProfiler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "--enable-native-access=ALL-UNNAMED", "-Djavacpp.platform=linux-x86_64",
    "-Dorg.bytedeco.javacpp.cachedir=target/javacpp"})
public class OpenBlasGemmParallelBench {
  @Param({"sq_256", "sq_1024"})
  public String shape;

  @Param({"gradkernel", "openblas"})
  public String impl;

  OpenBlasGemmBench.GemmCase g;

  @Setup(Level.Trial)
  public void setup() {
    g = new OpenBlasGemmBench.GemmCase(shape, impl, 2);
  }

  @TearDown(Level.Trial)
  public void verify() {
    g.verify();
  }

  @Benchmark
  public Object gemmTwoThreads() {
    return g.run();
  }
}
