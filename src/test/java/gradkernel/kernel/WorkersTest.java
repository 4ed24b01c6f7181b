package gradkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradkernel.tensor.Parallelism;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The shared worker pool behind Parallelism: every block once, failures, nesting, contention. */
class WorkersTest {

  @Test
  void runsEveryBlockExactlyOnceForAnyThreadCount() {
    for (int threads = 1; threads <= 5; threads++) {
      for (int count : new int[] {0, 1, 2, 7, 100}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        Workers.run(threads, count, k -> hits.incrementAndGet(k));
        for (int k = 0; k < count; k++) {
          assertEquals(1, hits.get(k), threads + " threads, count " + count + ", block " + k);
        }
      }
    }
  }

  @Test
  void usesWorkerThreadsUpToTheRequestedCount() throws Exception {
    Set<String> names = ConcurrentHashMap.newKeySet();
    CountDownLatch all = new CountDownLatch(3);
    Workers.run(3, 3, k -> {
      names.add(Thread.currentThread().getName());
      all.countDown();
      try {
        // each block waits for the others: passes only if three threads run them at once
        assertTrue(all.await(20, java.util.concurrent.TimeUnit.SECONDS), "blocks not concurrent");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(3, names.size(), names.toString());
    assertTrue(names.contains(Thread.currentThread().getName()), "caller takes blocks");
    assertEquals(2, names.stream().filter(n -> n.startsWith(Workers.THREAD_NAME)).count());
  }

  /**
   * runTogether runs its blocks at once on distinct threads (each block waits for all others
   * here), and inside a block, where the workers are taken, refuses rather than running blocks
   * that would wait for ever on the one thread left.
   */
  @Test
  void runTogetherRunsBlocksAtOnceOrRefuses() {
    for (int count : new int[] {2, 3}) {
      Set<String> names = ConcurrentHashMap.newKeySet();
      CountDownLatch all = new CountDownLatch(count);
      boolean[] nested = new boolean[count];
      assertTrue(Workers.runTogether(count, k -> {
        names.add(Thread.currentThread().getName());
        nested[k] = Workers.runTogether(2, j -> { });
        all.countDown();
        try {
          assertTrue(all.await(20, java.util.concurrent.TimeUnit.SECONDS), "not concurrent");
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
      assertEquals(count, names.size(), names.toString());
      for (int k = 0; k < count; k++) {
        assertEquals(false, nested[k], "a nested runTogether must refuse, block " + k);
      }
    }
    assertEquals(false, Workers.runTogether(1, k -> { }), "one block is not a team");
  }

  /**
   * Workers spin for at most 50 µs after a job, then park: an idle pool must not hold a core. A
   * spinning worker is RUNNABLE at every sample, a parked one WAITING (a stray wake-up may show
   * one sample RUNNABLE, hence 8 of 10).
   */
  @Test
  void idleWorkersParkAfterSpinning() throws Exception {
    Workers.run(3, 3, k -> { });
    List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(Workers.THREAD_NAME)).toList();
    assertTrue(workers.size() >= 2, "workers: " + workers);
    Thread.sleep(20);
    for (Thread w : workers) {
      int waiting = 0;
      for (int i = 0; i < 10; i++) {
        waiting += w.getState() == Thread.State.WAITING ? 1 : 0;
        Thread.sleep(10);
      }
      assertTrue(waiting >= 8, w.getName() + " waiting in " + waiting + " of 10 samples");
    }
  }

  @Test
  void firstFailureIsRethrownAfterEveryBlockFinished() {
    IllegalStateException boom = new IllegalStateException("block 3");
    AtomicIntegerArray started = new AtomicIntegerArray(8);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Workers.run(2, 8, k -> {
          started.incrementAndGet(k);
          if (k == 3) {
            throw boom;
          }
        }));
    assertSame(boom, e);
    // the pool is usable afterwards and runs every block
    int[] out = new int[50];
    Workers.run(2, 50, k -> out[k] = k + 1);
    for (int k = 0; k < 50; k++) {
      assertEquals(k + 1, out[k]);
    }
  }

  @Test
  void nestedCallsRunOnTheCallerWithoutDeadlock() {
    int[][] out = new int[4][10];
    Workers.run(2, 4, i -> Workers.run(2, 10, j -> out[i][j] = 10 * i + j));
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 10; j++) {
        assertEquals(10 * i + j, out[i][j]);
      }
    }
  }

  @Test
  void concurrentCallersAllComplete() throws Exception {
    int callers = 4;
    long[][] sums = new long[callers][];
    Thread[] ts = new Thread[callers];
    for (int c = 0; c < callers; c++) {
      int id = c;
      ts[c] = new Thread(() -> {
        long[] s = new long[200];
        for (int round = 0; round < 200; round++) {
          long[] parts = new long[16];
          long factor = (long) (id + 1) * (round + 1);
          Workers.run(3, 16, k -> parts[k] = k * factor);
          long t = 0;
          for (long p : parts) {
            t += p;
          }
          s[round] = t;
        }
        sums[id] = s;
      });
      ts[c].start();
    }
    for (Thread t : ts) {
      t.join(60_000);
    }
    for (int c = 0; c < callers; c++) {
      long[] want = new long[200];
      for (int round = 0; round < 200; round++) {
        want[round] = 120L * (c + 1) * (round + 1);
      }
      assertArrayEquals(want, sums[c], "caller " + c);
    }
  }

  @Test
  void parallelismValidatesItsThreadCount() {
    assertThrows(IllegalArgumentException.class, () -> Parallelism.threads(0));
    assertThrows(IllegalArgumentException.class,
        () -> Parallelism.threads(Parallelism.MAX_THREADS + 1));
    assertSame(Parallelism.SEQUENTIAL, Parallelism.threads(1));
    assertEquals(Parallelism.threads(3), Parallelism.threads(3));
    assertTrue(Parallelism.allCores().threads() >= 1);
    Set<Parallelism> set = new HashSet<>();
    set.add(Parallelism.threads(2));
    assertTrue(set.contains(Parallelism.threads(2)));
  }
}
