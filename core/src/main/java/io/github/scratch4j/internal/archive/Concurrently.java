package io.github.scratch4j.internal.archive;

import io.github.scratch4j.internal.io.Tasks;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/** Generates layers side by side; see {@link Tasks} for what a failure does. */
final class Concurrently {
  /** Daemon threads, for generating layers side by side. */
  static final ExecutorService LAYERS = Workers.newPool("scratch4j-layer");

  private Concurrently() {}

  /** Runs the tasks, letting the others finish when one fails: they write local files only. */
  static <T> List<T> run(List<Callable<T>> tasks) throws IOException {
    return Tasks.runAll(tasks, LAYERS, false);
  }
}
