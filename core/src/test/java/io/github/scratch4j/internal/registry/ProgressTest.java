package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.TransferEvent.Kind;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final Digest DIGEST = Digest.parse("sha256:" + "ab".repeat(32));

  private static Descriptor blob(long size) {
    return Descriptor.of(MediaType.OCI_LAYER, DIGEST, size);
  }

  @Test
  void reportsAtMostOncePerPercentAndNeverPastTheSize() {
    List<TransferEvent> events = new ArrayList<>();
    Progress p = Progress.upload(Optional.of(events::add), blob(100L << 20));
    p.from(0);
    for (int i = 0; i < (100 << 20) / 16384 + 10; i++) {
      p.add(16384);
    }
    assertThat(events).hasSizeBetween(95, 102);
    assertThat(events.get(0).bytes()).isEqualTo(16384);
    assertThat(events).extracting(TransferEvent::kind).containsOnly(Kind.UPLOADING);
    assertThat(events).extracting(TransferEvent::bytes).isSorted().allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(100L << 20));
  }

  @Test
  void aRestartedTransferReportsTheLowerCountAtOnce() {
    List<TransferEvent> events = new ArrayList<>();
    Progress p = Progress.download(Optional.of(events::add), blob(10L << 20));
    p.from(0);
    p.add(5L << 20);
    p.from(0);
    p.add(1000);
    p.from(6L << 20);
    p.add(1000);
    assertThat(events).extracting(TransferEvent::bytes).containsExactly(5L << 20, 1000L, (6L << 20) + 1000);
    assertThat(events).extracting(TransferEvent::kind).containsOnly(Kind.DOWNLOADING);
  }

  @Test
  void whatTheListenerThrowsOnTheClientsThreadIsRethrownLater() {
    IllegalStateException boom = new IllegalStateException("boom");
    Progress p = Progress.upload(Optional.of(e -> {
      throw boom;
    }), blob(1 << 20));
    p.add(10);
    p.add(1 << 19); // no second call once it has thrown
    assertThatThrownBy(p::check).isSameAs(boom);
  }

  @Test
  void aCountingBodyCountsWhatTheSubscriberReceivesAndPassesItOn() {
    List<TransferEvent> events = new ArrayList<>();
    Progress p = Progress.upload(Optional.of(events::add), blob(3 << 20));
    byte[] data = new byte[3 << 20];
    HttpRequest.BodyPublisher body = p.counting(HttpRequest.BodyPublishers.ofByteArray(data));
    assertThat(body.contentLength()).isEqualTo(data.length);
    long[] received = {0};
    boolean[] complete = {false};
    body.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        received[0] += item.remaining();
        item.position(item.limit());
      }

      @Override
      public void onError(Throwable t) {
        throw new AssertionError(t);
      }

      @Override
      public void onComplete() {
        complete[0] = true;
      }
    });
    assertThat(received[0]).isEqualTo(data.length);
    assertThat(complete[0]).isTrue();
    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1).bytes()).isGreaterThan(data.length - (256 << 10));
  }

  @Test
  void withoutAListenerTheBodyIsTheSame() {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(new byte[10]);
    assertThat(Progress.upload(Optional.empty(), blob(10)).counting(body)).isSameAs(body);
  }

  @Test
  void anEventCannotClaimMoreBytesThanItsSize() {
    assertThatThrownBy(() -> new TransferEvent(Kind.UPLOADING, DIGEST, 10, 11))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11 of 10 bytes");
  }
}
