package gradkernel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * How busy the machine was during each measured iteration, from /proc (Linux): {@code ·othercpu},
 * the cores' worth of CPU time used by every other process (all CPUs' busy time from /proc/stat
 * minus this JVM's own user+system time from /proc/self/stat, over the iteration's wall time);
 * {@code ·steal}, the hypervisor's steal time in cores; {@code ·load1}, the 1-minute load average
 * at the end of the iteration. Averaged over iterations into the JMH JSON as secondary metrics.
 * Use with {@code -prof gradkernel.bench.LoadProfiler} (bin/bench does). A two-thread row is only
 * meaningful on a 2-core machine while {@code ·othercpu} stays well below one core.
 *
 * <p>Ticks are USER_HZ (100 per second on Linux); where /proc is missing it reports nothing.
 */
public final class LoadProfiler implements InternalProfiler {
  private static final double HZ = 100.0;
  private long[] cpu0;
  private long own0;
  private long t0;

  @Override
  public String getDescription() {
    return "other processes' CPU use, steal and load average during each iteration (/proc)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpu0 = cpuTicks();
    own0 = ownTicks();
    t0 = System.nanoTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long[] cpu1 = cpuTicks();
    long own1 = ownTicks();
    double seconds = (System.nanoTime() - t0) * 1e-9;
    List<Result> out = new ArrayList<>();
    if (cpu0 == null || cpu1 == null || own0 < 0 || own1 < 0 || seconds <= 0) {
      return out;
    }
    double busy = (cpu1[0] - cpu0[0]) / HZ;
    double steal = (cpu1[1] - cpu0[1]) / HZ;
    double own = (own1 - own0) / HZ;
    out.add(new ScalarResult("·othercpu", Math.max(0, busy - own) / seconds, "cores",
        AggregationPolicy.AVG));
    out.add(new ScalarResult("·steal", steal / seconds, "cores", AggregationPolicy.AVG));
    out.add(new ScalarResult("·load1", load1(), "tasks", AggregationPolicy.AVG));
    return out;
  }

  /** {busy, steal} ticks summed over all CPUs, or null. */
  static long[] cpuTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is in user)
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
          + Long.parseLong(f[6]) + Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      return new long[] {busy, steal};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This process's user+system ticks (all threads), or -1. */
  static long ownTicks() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state(3) ... utime(14) stime(15); here index = field - 3
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
