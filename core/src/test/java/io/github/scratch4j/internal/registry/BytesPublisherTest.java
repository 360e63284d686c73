package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** A body of bytes in memory keeps the Flow contract the HTTP clients rely on. */
class BytesPublisherTest {
  /** Records what it is told, and asks as the test says. */
  private static final class Recorder implements Flow.Subscriber<ByteBuffer> {
    final List<String> heard = new ArrayList<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      heard.add("subscribed");
    }

    @Override
    public void onNext(ByteBuffer item) {
      byte[] b = new byte[item.remaining()];
      item.get(b);
      heard.add("next " + new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void onError(Throwable t) {
      heard.add("error " + t.getMessage());
    }

    @Override
    public void onComplete() {
      heard.add("complete");
    }
  }

  private static Recorder subscribe(byte[] content) {
    BytesPublisher body = new BytesPublisher(content);
    assertThat(body.contentLength()).isEqualTo(content.length);
    Recorder r = new Recorder();
    body.subscribe(r);
    return r;
  }

  @Test
  void theBytesGoInOneBufferAtTheFirstRequestThenTheBodyEnds() {
    Recorder r = subscribe("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.heard).containsExactly("subscribed");
    r.subscription.request(1);
    r.subscription.request(1);
    assertThat(r.heard).containsExactly("subscribed", "next {\"a\":1}", "complete");
  }

  @Test
  void anEmptyBodyEndsWithoutABuffer() {
    Recorder r = subscribe(new byte[0]);
    r.subscription.request(Long.MAX_VALUE);
    assertThat(r.heard).containsExactly("subscribed", "complete");
  }

  @Test
  void aCancelledBodySendsNothingAndANonPositiveRequestIsAnError() {
    Recorder cancelled = subscribe(new byte[] {1});
    cancelled.subscription.cancel();
    cancelled.subscription.request(1);
    assertThat(cancelled.heard).containsExactly("subscribed");
    Recorder wrong = subscribe(new byte[] {1});
    wrong.subscription.request(0);
    assertThat(wrong.heard).containsExactly("subscribed", "error a subscriber asked for 0 buffers");
  }

  @Test
  void aLargerBodyGoesInPiecesAsTheyAreAskedFor() {
    int piece = BytesPublisher.PIECE;
    byte[] content = new byte[2 * piece + 10];
    new java.util.Random(1).nextBytes(content);
    BytesPublisher body = new BytesPublisher(content, 3, 2 * piece + 5);
    assertThat(body.contentLength()).isEqualTo(2 * piece + 5);
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    List<String> heard = new ArrayList<>();
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    body.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription[0] = s;
      }

      @Override
      public void onNext(ByteBuffer item) {
        heard.add("next " + item.remaining());
        byte[] b = new byte[item.remaining()];
        item.get(b);
        got.writeBytes(b);
        // Asked for from within onNext: handed over after this returns, not inside it.
        if (heard.size() == 2) {
          subscription[0].request(1);
          heard.add("asked");
        }
      }

      @Override
      public void onError(Throwable t) {
        heard.add("error " + t);
      }

      @Override
      public void onComplete() {
        heard.add("complete");
      }
    });
    subscription[0].request(1);
    assertThat(heard).containsExactly("next " + piece);
    subscription[0].request(1);
    assertThat(heard).containsExactly("next " + piece, "next " + piece, "asked", "next 5", "complete");
    assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 3, 3 + 2 * piece + 5));
  }
}
