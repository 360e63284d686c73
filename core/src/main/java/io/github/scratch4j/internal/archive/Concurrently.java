package io.github.scratch4j.internal.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs tasks on a pool and collects their results in order, failing with the first failure. */
final class Concurrently {
  /** One thread per processor, daemons, for generating layers side by side. */
  static final ExecutorService LAYERS = Workers.newPool("scratch4j-layer");

  private Concurrently() {}

  static <T> List<T> run(List<Callable<T>> tasks) throws IOException {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> t : tasks) {
      futures.add(LAYERS.submit(t));
    }
    List<T> results = new ArrayList<>();
    try {
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(false));
      waitQuietly(futures);
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("generating a layer failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while generating layers");
    }
  }

  /** Lets tasks that already started finish, so none writes after the caller has moved on. */
  private static void waitQuietly(List<? extends Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        if (!f.isCancelled()) {
          f.get();
        }
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        // already reported, or never ran
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
