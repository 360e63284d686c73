package io.github.scratch4j.internal.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that records how far the HTTP client has taken it, so that the thread waiting
 * for the answer can tell a registry that stopped reading (nothing taken for a while) from one
 * that is still reading, and one that has all of the body but does not answer.
 *
 * <p>The client takes a buffer when it can write one; once the peer stops reading and the
 * socket's buffers are full, it takes no more.
 */
final class SentBody implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher body;
  private volatile long taken;
  private volatile long firstAt;
  private volatile long lastAt;
  private volatile long doneAt;
  private volatile boolean started;
  private volatile boolean done;

  SentBody(HttpRequest.BodyPublisher body) {
    this.body = body;
  }

  @Override
  public long contentLength() {
    return body.contentLength();
  }

  /** Bytes taken so far. */
  long taken() {
    return taken;
  }

  /** Whether any byte was taken yet. */
  boolean started() {
    return started;
  }

  /** {@link System#nanoTime()} when the first bytes were taken. */
  long firstAt() {
    return firstAt;
  }

  /** {@link System#nanoTime()} when the last bytes were taken. */
  long lastAt() {
    return lastAt;
  }

  /** Whether all of the body was taken. */
  boolean done() {
    return done;
  }

  /** {@link System#nanoTime()} when all of the body had been taken. */
  long doneAt() {
    return doneAt;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        // The client may send a request again on a new connection: count from the start.
        taken = 0;
        started = false;
        done = false;
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        long now = System.nanoTime();
        if (!started) {
          firstAt = now;
          started = true;
        }
        taken += item.remaining();
        lastAt = now;
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable throwable) {
        subscriber.onError(throwable);
      }

      @Override
      public void onComplete() {
        long now = System.nanoTime();
        if (!started) {
          firstAt = now;
          lastAt = now;
          started = true;
        }
        doneAt = now;
        done = true;
        subscriber.onComplete();
      }
    });
  }
}
