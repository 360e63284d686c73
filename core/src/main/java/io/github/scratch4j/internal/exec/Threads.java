package io.github.scratch4j.internal.exec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads scratch4j makes itself: daemons (a library's background work must never keep a JVM
 * alive), named for what they do. Every pool of scratch4j's own comes from here; tasks that a
 * caller may run on an executor of its own go through {@link Tasks}.
 */
public final class Threads {
  /**
   * scratch4j's own threads for independent tasks (layers side by side, transfers) when the caller
   * gives no executor: made as needed, reclaimed after a minute idle.
   */
  private static final ExecutorService TASKS = cached("scratch4j-task");

  private Threads() {}

  /** Where independent tasks run when the caller gives no executor. */
  public static ExecutorService tasks() {
    return TASKS;
  }

  /** A pool that makes threads as needed, {@code name-1}, {@code name-2}, ... */
  public static ExecutorService cached(String name) {
    return Executors.newCachedThreadPool(daemons(name));
  }

  /** A pool of {@code size} threads, for work whose parallelism is bounded by the processors. */
  public static ExecutorService fixed(String name, int size) {
    return Executors.newFixedThreadPool(size, daemons(name));
  }

  /** One daemon thread, started, for a single piece of background work. */
  public static Thread start(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
