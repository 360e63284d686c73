package io.github.scratch4j.internal.registry;

import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.internal.exec.Tasks;
import io.github.scratch4j.internal.exec.Threads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs transfers side by side, as many at once as the options allow, on the caller's executor or
 * scratch4j's own threads; see {@link Tasks} for what a failure does (a failed transfer
 * interrupts the others).
 */
final class Parallel {
  private Parallel() {}

  static <T> List<T> run(List<Callable<T>> tasks, RegistryOptions options) throws IOException {
    if (tasks.size() <= 1 || options.concurrency() <= 1) {
      List<T> out = new ArrayList<>();
      for (Callable<T> t : tasks) {
        out.add(call(t));
      }
      return out;
    }
    return Tasks.runAll(tasks, options.executor().orElse(Threads.tasks()), options.concurrency(), true);
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
