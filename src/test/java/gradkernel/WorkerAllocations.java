package gradkernel;

import gradkernel.kernel.Workers;
import java.lang.reflect.Method;

/**
 * Allocation counters for tests that measure a calling thread together with the library's worker
 * threads. Read reflectively because this module does not read java.management.
 */
public final class WorkerAllocations {
  private static final Object MX;
  private static final Method BY_ID;

  static {
    try {
      MX = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
          .invoke(null);
      BY_ID = Class.forName("com.sun.management.ThreadMXBean")
          .getMethod("getThreadAllocatedBytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private WorkerAllocations() {}

  /** Ids of the worker threads alive now; allocates, so call it outside a measured span. */
  public static long[] workerIds() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(Workers.THREAD_NAME))
        .mapToLong(Thread::threadId).toArray();
  }

  /** Bytes allocated so far by the calling thread and the threads {@code ids}. */
  public static long allocatedBytes(long[] ids) throws ReflectiveOperationException {
    long sum = (Long) BY_ID.invoke(MX, Thread.currentThread().threadId());
    for (long id : ids) {
      sum += (Long) BY_ID.invoke(MX, id);
    }
    return sum;
  }
}
