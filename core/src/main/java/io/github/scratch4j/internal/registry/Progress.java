package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.TransferEvent.Kind;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Reports one blob's transfer to the caller's listener: its end, and its bytes as they move, at
 * most once per percent (and per 256 KiB) so that a listener is not called for every buffer.
 */
final class Progress {
  private static final long MIN_STEP = 256 << 10;

  private final Optional<Consumer<TransferEvent>> listener;
  private final Descriptor blob;
  private final Kind moving;
  private final long step;
  private long base;
  private long moved;
  private long reported = -1;
  private RuntimeException failure;

  private Progress(Optional<Consumer<TransferEvent>> listener, Descriptor blob, Kind moving) {
    this.listener = listener;
    this.blob = blob;
    this.moving = moving;
    this.step = Math.max(MIN_STEP, blob.size() / 100);
  }

  static Progress upload(Optional<Consumer<TransferEvent>> listener, Descriptor blob) {
    return new Progress(listener, blob, Kind.UPLOADING);
  }

  static Progress download(Optional<Consumer<TransferEvent>> listener, Descriptor blob) {
    return new Progress(listener, blob, Kind.DOWNLOADING);
  }

  /** Reports that the blob is done in the given way. */
  static void done(Optional<Consumer<TransferEvent>> listener, Kind kind, Descriptor blob) {
    listener.ifPresent(l -> l.accept(new TransferEvent(kind, blob.digest(), blob.size(), blob.size())));
  }

  /** Starts counting again from {@code offset}, where the next request's bytes begin. */
  synchronized void from(long offset) {
    base = offset;
    moved = 0;
  }

  /** Counts {@code n} more bytes sent or received. */
  synchronized void add(long n) {
    moved += n;
    long at = Math.min(blob.size(), base + moved);
    if (listener.isPresent() && failure == null && (reported < 0 || at - reported >= step || at < reported)) {
      reported = at;
      try {
        listener.get().accept(new TransferEvent(moving, blob.digest(), blob.size(), at));
      } catch (RuntimeException e) {
        // Thrown on the HTTP client's thread: kept for the thread that moves the blob.
        failure = e;
      }
    }
  }

  /** Throws what the listener threw while bytes moved, if it did. */
  synchronized void check() {
    if (failure != null) {
      throw failure;
    }
  }

  /** A request body that counts its bytes here as the client takes them. */
  HttpRequest.BodyPublisher counting(HttpRequest.BodyPublisher body) {
    if (listener.isEmpty()) {
      return body;
    }
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            int n = item.remaining();
            subscriber.onNext(item);
            add(n);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
      }
    };
  }
}
