package io.github.scratch4j.internal.registry;

import io.github.scratch4j.internal.io.ArrayReadInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An answer's body as a stream that cannot hang: a read waits at most the idle timeout for the
 * next bytes, and the whole body must arrive before a deadline set when its headers came
 * ({@link Limits#forBytes} of the size expected). Past either, or when the connection breaks, the
 * read fails with a {@link TransferException} saying what stalled, and the stream cancels its
 * subscription, which makes the JDK's HTTP/1.1 client close the connection.
 *
 * <p>Why not the JDK's own stream: its request timeout ends when the headers arrive, and its
 * {@code read} then blocks on a queue with no time limit, so a peer that sends headers and then
 * nothing (or a byte now and then) holds the reader for ever. Closing it from another thread
 * would cancel the exchange, but that needs a watchdog thread per transfer; a timed poll on the
 * reader's own thread needs none.
 */
final class TimedBody extends ArrayReadInputStream implements HttpResponse.BodySubscriber<InputStream> {
  private static final Object END = new Object();

  private final long idleNanos;
  private final Duration idle;
  private final long expected;
  private final long deadline;
  private final Duration allowed;
  private final String what;
  /** Lists of buffers, then END or a Throwable; at most one list is requested ahead of the reader. */
  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> pending = List.<ByteBuffer>of().iterator();
  private ByteBuffer current;
  private long received;
  private boolean ended;
  private boolean closed;
  private volatile TransferException failure;
  /** Where read arrays of {@link #recycledLength} bytes go back to be filled again; null: nowhere. */
  private java.util.Queue<byte[]> recycled;
  private int recycledLength;

  /**
   * A body expected to hold at most {@code expected} bytes (the Content-Length, or the most that
   * will be read when the answer says none), described as {@code what} in messages.
   */
  TimedBody(Duration idle, long expected, String what) {
    this.idle = idle;
    this.idleNanos = idle.toNanos();
    this.expected = expected;
    this.allowed = Limits.forBytes(idle, expected);
    this.deadline = System.nanoTime() + allowed.toNanos();
    this.what = what;
  }

  /**
   * Gives each array of {@code length} bytes that a buffer handed to this body wraps back to
   * {@code free} once its bytes are read: for a publisher that fills its arrays again, and hands
   * this body buffers over arrays that nothing else holds. Called before the first buffer.
   */
  void giveBackTo(java.util.Queue<byte[]> free, int length) {
    recycled = free;
    recycledLength = length;
  }

  /** The failure this stream raised, if it raised one: a transfer problem, not the reader's. */
  TransferException failure() {
    return failure;
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = Objects.requireNonNull(s);
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    items.add(item);
  }

  @Override
  public void onError(Throwable throwable) {
    items.add(throwable);
  }

  @Override
  public void onComplete() {
    items.add(END);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException(what + " was read after it was closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (current == null || !current.hasRemaining()) {
      if (current != null && recycled != null && current.hasArray() && current.array().length == recycledLength) {
        recycled.add(current.array());
      }
      current = null;
      if (pending.hasNext()) {
        current = pending.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      next();
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    received += n;
    return n;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.remaining();
  }

  /** Waits for the next item within the idle timeout and the deadline. */
  private void next() throws IOException {
    long now = System.nanoTime();
    long left = deadline - now;
    Object item;
    try {
      item = left <= 0 ? null : items.poll(Math.min(idleNanos, left), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + what);
    }
    if (item == null) {
      boolean late = System.nanoTime() - deadline >= 0;
      throw fail(new TransferException(late
          ? "timed out: " + what + " was not complete within " + Limits.format(allowed) + " (the limit for " + size()
              + "): " + received + " bytes had come"
          : "timed out: " + what + " stalled: nothing came for " + Limits.format(idle) + " after " + progress()));
    }
    if (item == END) {
      ended = true;
      return;
    }
    if (item instanceof Throwable t) {
      throw fail(new TransferException("the connection broke after " + progress() + " of " + what + ": " + t, t));
    }
    @SuppressWarnings("unchecked")
    List<ByteBuffer> buffers = (List<ByteBuffer>) item;
    pending = buffers.iterator();
    Flow.Subscription s = subscription;
    if (s != null) {
      s.request(1);
    }
  }

  private String size() {
    return expected + " bytes";
  }

  private String progress() {
    return received + (expected > 0 ? " of " + expected : "") + " bytes";
  }

  private TransferException fail(TransferException e) {
    failure = e;
    cancel();
    return e;
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    subscription = null;
    if (s != null) {
      s.cancel();
    }
  }

  /** Stops reading: an unfinished body is cancelled, and the client closes its connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!ended && failure == null) {
      cancel();
    }
  }
}
