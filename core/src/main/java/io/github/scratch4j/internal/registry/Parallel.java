package io.github.scratch4j.internal.registry;

import io.github.scratch4j.internal.io.Tasks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs transfers side by side on a pool of their own; see {@link Tasks} for what a failure does. */
final class Parallel {
  private Parallel() {}

  static <T> List<T> run(List<Callable<T>> tasks, int threads, String name) throws IOException {
    if (tasks.size() <= 1 || threads <= 1) {
      List<T> out = new ArrayList<>();
      for (Callable<T> t : tasks) {
        out.add(call(t));
      }
      return out;
    }
    AtomicInteger count = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      // A failed transfer interrupts the others, and returns once none is left running.
      return Tasks.runAll(tasks, pool, true);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(Callable<T> t) throws IOException {
    try {
      return t.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.toString(), e);
    }
  }
}
