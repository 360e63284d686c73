package io.github.scratch4j.internal.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body of bytes in memory, handed over in pieces of at most {@value #PIECE} bytes as
 * they are asked for, so that a listener counting them sees a larger blob go in steps, as it does
 * a blob read from a file; the body ends with its last piece. The JDK's {@code
 * BodyPublishers.ofByteArray} does much the same, but its first use initialises the JDK client's
 * internals (some 20 lambda classes, whose bytecode is spun at run time), which a push or pull over
 * plain HTTP otherwise never loads.
 */
final class BytesPublisher implements HttpRequest.BodyPublisher {
  /** The most bytes handed over at once: what a pipe of a streamed layer hands over. */
  static final int PIECE = LayerPipe.BUFFER;

  private final byte[] content;
  private final int offset;
  private final int length;

  /** A body of {@code content}, which must not change while it is sent. */
  BytesPublisher(byte[] content) {
    this(content, 0, content.length);
  }

  /** A body of {@code length} bytes of {@code content} from {@code offset}, which must not change while they are sent. */
  BytesPublisher(byte[] content, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, content.length);
    this.content = content;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Flow.Subscription() {
      private final int end = offset + length;
      private int next = offset;
      private long demand;
      /** Whether a call of request is handing pieces over: one asked for from within onNext waits for it (rule 3.3). */
      private boolean handing;
      private boolean done;

      @Override
      public void request(long n) {
        synchronized (this) {
          if (done) {
            return;
          }
          if (n <= 0) {
            done = true;
          } else {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            if (handing) {
              return;
            }
            handing = true;
          }
        }
        if (n <= 0) {
          // Reactive Streams rule 3.9.
          subscriber.onError(new IllegalArgumentException("a subscriber asked for " + n + " buffers"));
          return;
        }
        while (true) {
          ByteBuffer piece;
          synchronized (this) {
            if (done || (demand == 0 && next < end)) {
              handing = false;
              return;
            }
            if (next == end) {
              done = true;
              piece = null;
            } else {
              int size = Math.min(PIECE, end - next);
              piece = ByteBuffer.wrap(content, next, size).slice();
              next += size;
              demand--;
            }
          }
          if (piece == null) {
            subscriber.onComplete();
            return;
          }
          subscriber.onNext(piece);
        }
      }

      @Override
      public synchronized void cancel() {
        done = true;
      }
    });
  }
}
