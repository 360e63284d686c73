package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Digest;
import io.github.scratch4j.WriteEvent;
import io.github.scratch4j.WriteEvent.Kind;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Reports one write's blobs to the caller's listener (see {@code WriteOptions.withProgress}).
 * Calls to the listener are serialized here, so that listener code written for one thread works
 * when layers are built side by side. A blob's bytes are counted on the thread that writes it,
 * without a lock: the clock is read, and the lock taken, only once the blob has moved by a step.
 */
final class WriteProgress {
  /** At most one WRITING event per this interval, across the write: about 20 a second. */
  static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MIN_STEP = 64 << 10;
  private static final long MAX_STEP = 8 << 20;

  private final Optional<Consumer<WriteEvent>> listener;
  private int blobs;
  private volatile long nextAt;
  private volatile RuntimeException failure;
  private volatile Error error;

  WriteProgress(Optional<Consumer<WriteEvent>> listener) {
    this.listener = listener;
    this.nextAt = System.nanoTime();
  }

  /** Whether anyone listens. */
  boolean listening() {
    return listener.isPresent();
  }

  /** Starts a blob whose digest is known only once it is written; called by the writing thread. */
  Meter start(String mediaType, long size) {
    return new Meter(this, listener.isPresent() ? blobs++ : 0, mediaType, size, Optional.empty());
  }

  /** Starts a blob whose digest is known. */
  Meter start(String mediaType, long size, Digest digest) {
    return new Meter(this, listener.isPresent() ? blobs++ : 0, mediaType, size, Optional.of(digest));
  }

  /** A progress event, unless one went out less than {@link #INTERVAL} ago. */
  private void writing(Meter m, long bytes) {
    rethrow();
    if (System.nanoTime() - nextAt < 0) {
      return;
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (now - nextAt < 0) {
        return; // another thread reported meanwhile
      }
      nextAt = now + INTERVAL;
      m.reported = bytes;
      deliver(new WriteEvent(Kind.WRITING, m.blob, m.mediaType, m.size, bytes, m.digest));
    }
  }

  private synchronized void last(Meter m, Kind kind, Digest digest) {
    deliver(new WriteEvent(kind, m.blob, m.mediaType, m.size, m.size, Optional.of(digest)));
  }

  /** Calls the listener, once it has thrown no more. */
  private void deliver(WriteEvent event) {
    rethrow();
    try {
      listener.orElseThrow().accept(event);
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } catch (Error e) {
      error = e;
      throw e;
    }
  }

  /**
   * Throws what the listener threw, on any thread that writes for this write: the blobs written
   * side by side stop too. The same object each time, so it reaches the caller once, unwrapped.
   */
  private void rethrow() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    Error e = error;
    if (e != null) {
      throw e;
    }
  }

  /** Counts one blob's bytes as they are written; used by one thread at a time. */
  static final class Meter implements LongConsumer {
    private final WriteProgress progress;
    private final int blob;
    private final String mediaType;
    private final long size;
    private final Optional<Digest> digest;
    private final long step;
    private int passes = 1;
    private long moved;
    private long nextCheck;
    private long reported;

    private Meter(WriteProgress progress, int blob, String mediaType, long size, Optional<Digest> digest) {
      this.progress = progress;
      this.blob = blob;
      this.mediaType = mediaType;
      this.size = size;
      this.digest = digest;
      this.step = Math.max(MIN_STEP, Math.min(MAX_STEP, size / 1000));
      // Without a listener the check never comes: counting is one addition and one comparison.
      this.nextCheck = progress.listener.isPresent() ? step : Long.MAX_VALUE;
    }

    /**
     * The blob's bytes go through its writing {@code n} times: a layer hashed first and then
     * written. Each pass counts for {@code 1/n} of its size.
     */
    void passes(int n) {
      passes = n;
      if (nextCheck != Long.MAX_VALUE) {
        nextCheck = step * n;
      }
    }

    /** Counts {@code n} more bytes. */
    @Override
    public void accept(long n) {
      moved += n;
      if (moved >= nextCheck) {
        long bytes = Math.min(size, moved / passes);
        nextCheck = moved + step * passes;
        if (bytes > reported) {
          progress.writing(this, bytes);
        }
      }
    }

    /** Reports that the whole blob is written. */
    void done(Digest written) {
      if (progress.listener.isPresent()) {
        progress.last(this, Kind.WRITTEN, written);
      }
    }

    /** Reports that the target already held the blob. */
    void present(Digest held) {
      if (progress.listener.isPresent()) {
        progress.last(this, Kind.PRESENT, held);
      }
    }
  }
}
