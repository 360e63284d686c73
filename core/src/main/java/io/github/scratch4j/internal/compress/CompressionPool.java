package io.github.scratch4j.internal.compress;

import io.github.scratch4j.internal.exec.Threads;
import java.util.concurrent.ExecutorService;

/** The threads that compress blocks: one per processor, shared by every write. */
final class CompressionPool {
  static final int THREADS = Runtime.getRuntime().availableProcessors();
  static final ExecutorService POOL = Threads.fixed("scratch4j-compress", THREADS);

  private CompressionPool() {}
}
