package io.github.scratch4j.internal.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body of bytes in memory, handed over in one buffer at the first request. The JDK's
 * {@code BodyPublishers.ofByteArray} does the same, but its first use initialises the JDK
 * client's internals (some 20 lambda classes, whose bytecode is spun at run time), which a push
 * or pull over plain HTTP otherwise never loads.
 */
final class BytesPublisher implements HttpRequest.BodyPublisher {
  private final byte[] content;

  /** A body of {@code content}, which must not change while it is sent. */
  BytesPublisher(byte[] content) {
    this.content = content;
  }

  @Override
  public long contentLength() {
    return content.length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public void request(long n) {
        synchronized (this) {
          if (done) {
            return;
          }
          done = true;
        }
        if (n <= 0) {
          // Reactive Streams rule 3.9.
          subscriber.onError(new IllegalArgumentException("a subscriber asked for " + n + " buffers"));
          return;
        }
        if (content.length > 0) {
          subscriber.onNext(ByteBuffer.wrap(content));
        }
        subscriber.onComplete();
      }

      @Override
      public synchronized void cancel() {
        done = true;
      }
    });
  }
}
