package io.github.scratch4j.internal.compress;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that compress blocks: one per processor, daemons, shared by every write. */
final class CompressionPool {
  static final int THREADS = Runtime.getRuntime().availableProcessors();
  private static final AtomicInteger COUNT = new AtomicInteger();
  static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "scratch4j-compress-" + COUNT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private CompressionPool() {}
}
