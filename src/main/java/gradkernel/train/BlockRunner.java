package gradkernel.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs a job on blocks 0 … count−1 with the calling thread and {@code threads − 1} persistent
 * daemon workers, and returns when every block is done. Blocks are taken from a shared counter,
 * so which thread runs which block varies; callers make each block's result independent of that
 * (own buffers per block, results combined afterwards in block order).
 *
 * <p>Allocation-free per {@link #run}: workers wait with {@link LockSupport#park} on a volatile
 * generation counter (no queue nodes, no task objects), unlike an executor or a ForkJoinPool.
 * Not reentrant; one caller thread at a time.
 */
final class BlockRunner implements AutoCloseable {
  /** Prefix of the worker threads' names (the allocation test finds them by it). */
  static final String THREAD_NAME = "gradkernel-train-block-";
  private final Thread[] workers;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long generation;
  private volatile boolean closed;
  private volatile Thread waiter;
  private volatile Throwable failure;
  // written before the volatile generation bump, read after it: safely published
  private IntConsumer job;
  private int count;

  /** A runner using {@code threads} ≥ 1 threads (the caller and threads − 1 workers). */
  BlockRunner(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Thread(this::loop, THREAD_NAME + (i + 1));
      workers[i].setDaemon(true);
      workers[i].start();
    }
  }

  /** Threads taking part (the caller included). */
  int threads() {
    return workers.length + 1;
  }

  /**
   * Runs {@code job.accept(k)} for every k in [0, count) and waits for all of them; rethrows the
   * first failure (an unchecked exception or error) after every block has finished.
   */
  void run(IntConsumer job, int count) {
    if (closed) {
      throw new IllegalStateException("runner closed");
    }
    if (workers.length == 0 || count <= 1) {
      for (int k = 0; k < count; k++) {
        job.accept(k);
      }
      return;
    }
    this.job = job;
    this.count = count;
    failure = null;
    next.set(0);
    pending.set(workers.length);
    waiter = Thread.currentThread();
    generation++; // only this thread writes it
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    work();
    while (pending.get() != 0) {
      LockSupport.park(this);
    }
    this.job = null;
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

  private void loop() {
    long seen = 0;
    while (true) {
      while (generation == seen && !closed) {
        LockSupport.park(this);
      }
      if (closed) {
        return;
      }
      seen = generation;
      work();
      if (pending.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }
  }

  /** Stops the workers (they are daemons; this only ends them early). */
  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
