package gradkernel.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The library's one pool of worker threads, behind {@code gradkernel.tensor.Parallelism}: runs a
 * job on blocks 0 … count−1 with the calling thread and up to {@code threads − 1} shared daemon
 * workers, and returns when every block is done. Blocks are taken from a shared counter, so which
 * thread runs which block varies; callers make each block's result independent of that (own
 * output per block, results combined afterwards in block order), which is why a call may also run
 * every block on the caller alone.
 *
 * <p>Allocation-free per {@link #run} once the workers exist: they wait on a volatile
 * generation counter, spinning for up to 50 µs and then with {@link LockSupport#park} (no queue
 * nodes, no task objects), unlike an executor or a ForkJoinPool. Workers are created on demand,
 * up to the largest thread count asked for, and live for the JVM's lifetime (daemons).
 *
 * <p>One call at a time owns the workers. A call that finds them owned (another thread's parallel
 * call, or a parallel call nested inside a block) runs its blocks on its own thread: same results,
 * no waiting, no deadlock.
 */
public final class Workers {
  /** Prefix of the worker threads' names (allocation tests find them by it). */
  public static final String THREAD_NAME = "gradkernel-worker-";

  private static final Workers SHARED = new Workers();
  /**
   * How long a worker waiting for the next job, and the owner waiting for the workers, spin
   * before parking. Waking a parked thread costs tens of microseconds on a virtual machine, as
   * much as a 256³ gemm block; calls that follow each other (a backward pass, an optimizer loop)
   * find the workers still spinning. Bounded, so an idle pool parks after 50 µs.
   */
  private static final long SPIN_NANOS = 50_000;

  private final AtomicBoolean owned = new AtomicBoolean();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long generation;
  private volatile Thread waiter;
  private volatile Throwable failure;
  // written by the owner before the volatile generation bump, read by workers after it
  private Thread[] workers = new Thread[0];
  private IntConsumer job;
  private int count;
  private int active;

  private Workers() {}

  /**
   * Runs {@code job.accept(k)} for every k in [0, count) on the caller and up to threads − 1
   * shared workers, and waits for all of them; rethrows the first failure (an unchecked exception
   * or error) after every block has finished. threads ≤ 1 or count ≤ 1 run on the caller.
   */
  public static void run(int threads, int count, IntConsumer job) {
    SHARED.execute(threads, count, job);
  }

  /**
   * Runs {@code job.accept(k)} for every k in [0, count) at once, each block on its own thread
   * (the caller and count − 1 shared workers), for jobs whose blocks wait for each other; returns
   * false, having run nothing, when count ≤ 1 or the workers are taken (another thread's call, or
   * a call nested inside a block), where such a job would wait for ever. A block that waits must
   * stop waiting when another block fails (the failure is rethrown here, as in {@link #run}).
   */
  static boolean runTogether(int count, IntConsumer job) {
    return SHARED.tryExecute(count, count, job);
  }

  private void execute(int threads, int count, IntConsumer job) {
    if (!tryExecute(threads, count, job)) {
      for (int k = 0; k < count; k++) {
        job.accept(k);
      }
    }
  }

  /**
   * The blocks on the caller and min(threads, count) − 1 workers, each of which takes a block as
   * soon as it sees the job (so with count ≤ threads every block runs on its own thread while the
   * others still run theirs); false, having run nothing, if there is no helper or no ownership.
   */
  private boolean tryExecute(int threads, int count, IntConsumer job) {
    int helpers = Math.min(threads, count) - 1;
    if (helpers <= 0 || !owned.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (workers.length < helpers) {
        grow(helpers);
      }
      this.job = job;
      this.count = count;
      this.active = helpers;
      failure = null;
      next.set(0);
      pending.set(workers.length);
      waiter = Thread.currentThread();
      generation++; // only the owner writes it
      for (Thread w : workers) {
        LockSupport.unpark(w); // workers beyond the active ones only acknowledge the generation
      }
      work();
      long spinStart = System.nanoTime();
      while (pending.get() != 0) {
        pause(spinStart);
      }
      this.job = null;
    } finally {
      owned.set(false);
    }
    Throwable f = failure;
    if (f instanceof RuntimeException e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
    if (f != null) {
      throw new IllegalStateException(f);
    }
    return true;
  }

  /** One step of a wait begun at spinStart: spin for the first SPIN_NANOS, then park. */
  private void pause(long spinStart) {
    if (System.nanoTime() - spinStart < SPIN_NANOS) {
      Thread.onSpinWait();
    } else {
      LockSupport.park(this);
    }
  }

  /** Adds workers up to n (the owner only; allocates, once per new maximum). */
  private void grow(int n) {
    Thread[] more = java.util.Arrays.copyOf(workers, n);
    long seen = generation;
    for (int i = workers.length; i < n; i++) {
      int index = i;
      more[i] = new Thread(() -> loop(index, seen), THREAD_NAME + (i + 1));
      more[i].setDaemon(true);
      more[i].start();
    }
    workers = more;
  }

  private void work() {
    try {
      for (int k; (k = next.getAndIncrement()) < count; ) {
        job.accept(k);
      }
    } catch (Throwable t) {
      if (failure == null) {
        failure = t;
      }
      next.set(count); // the others stop taking blocks
    }
  }

  /**
   * A worker: waits for each new generation, takes blocks if it is among the generation's active
   * workers, and acknowledges the generation (every worker does, so the owner never starts a
   * generation while a worker may still read the previous one's fields).
   */
  private void loop(int index, long seen) {
    while (true) {
      long spinStart = System.nanoTime();
      while (generation == seen) {
        pause(spinStart);
      }
      seen = generation;
      if (index < active) {
        work();
      }
      if (pending.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }
  }
}
