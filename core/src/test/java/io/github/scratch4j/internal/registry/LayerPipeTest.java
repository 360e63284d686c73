package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A blob of known size sent from what it is read from ({@link LayerPipe#reading}): every byte in
 * order, through a few buffers whatever the size, a short read failing the body, and a body the
 * client gives up closing what it reads.
 */
class LayerPipeTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /**
   * Takes a body the way the plain HTTP client does: one buffer at a time, asking for the next
   * once it is written; or, made to give up, cancels once the first buffer came.
   */
  private static final class Client implements Flow.Subscriber<ByteBuffer> {
    final MessageDigest digest;
    final Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    final Set<ByteBuffer> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    final CompletableFuture<Long> done = new CompletableFuture<>();
    final CompletableFuture<Void> first = new CompletableFuture<>();
    private final boolean givesUp;
    private Flow.Subscription subscription;
    private long bytes;

    Client() throws Exception {
      this(false);
    }

    Client(boolean givesUp) throws Exception {
      this.givesUp = givesUp;
      digest = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer b) {
      if (givesUp) {
        subscription.cancel();
        first.complete(null);
        return;
      }
      if (b.hasArray()) {
        arrays.add(b.array());
      }
      buffers.add(b);
      bytes += b.remaining();
      digest.update(b);
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(bytes);
    }
  }

  @Test
  void aBlobOfAnySizeIsSentInOrderThroughAFewBuffersFilledAgain() throws Exception {
    byte[] blob = new byte[32 << 20];
    new Random(5).nextBytes(blob);
    HttpRequest.BodyPublisher body = LayerPipe.reading(() -> new ByteArrayInputStream(blob), blob.length, executor);
    assertThat(body.contentLength()).isEqualTo(blob.length);
    Client client = new Client();
    body.subscribe(client);
    assertThat(client.done.get(30, TimeUnit.SECONDS)).isEqualTo(blob.length);
    assertThat(client.digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(blob));
    // 128 buffers' worth of bytes: a new array for each would be 128.
    assertThat(client.arrays).as("arrays the body was sent in").hasSizeLessThanOrEqualTo(12);
    // A client that sends the request again subscribes again, and gets every byte again.
    Client again = new Client();
    body.subscribe(again);
    assertThat(again.done.get(30, TimeUnit.SECONDS)).isEqualTo(blob.length);
    assertThat(again.digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(blob));
  }

  /** Writes {@code layer} into a direct pipe on a thread of its own and sends it; the copy gets it too. */
  private Client generate(LayerPipe pipe, byte[] layer, MessageDigest copied, long[] copiedBytes) throws Exception {
    pipe.copyTo(b -> {
      copiedBytes[0] += b.remaining();
      copied.update(b);
    });
    executor.execute(() -> {
      try (java.io.OutputStream out = pipe.output) {
        for (int off = 0; off < layer.length; off += 100_000) {
          out.write(layer, off, Math.min(100_000, layer.length - off));
        }
      } catch (IOException e) {
        pipe.fail(e);
      }
    });
    Client client = new Client();
    pipe.body(Long.MAX_VALUE, executor, n -> { }).subscribe(client);
    assertThat(client.done.get(30, TimeUnit.SECONDS)).isEqualTo(layer.length);
    assertThat(client.digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(layer));
    return client;
  }

  @Test
  void aGeneratedLayerGoesOutInAFewDirectBuffersFilledAgainWhichTheNextPipeTakesAndItsCopyGetsEveryByte()
      throws Exception {
    byte[] layer = new byte[(32 << 20) + 12345];
    new Random(6).nextBytes(layer);
    LayerPipe.POOL.clear();
    MessageDigest copied = MessageDigest.getInstance("SHA-256");
    long[] copiedBytes = new long[1];
    LayerPipe pipe = new LayerPipe(true);

    Client client = generate(pipe, layer, copied, copiedBytes);

    assertThat(copiedBytes[0]).isEqualTo(layer.length);
    assertThat(copied.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(layer));
    // About 85 buffers' worth of bytes, sent from a dozen direct buffers (none copied to an array).
    assertThat(client.buffers).hasSizeLessThanOrEqualTo(12).allMatch(ByteBuffer::isDirect);
    assertThat(client.arrays).isEmpty();
    pipe.abandon();
    assertThat(LayerPipe.POOL).isNotEmpty().allMatch(client.buffers::contains);

    Client next = generate(new LayerPipe(true), layer, MessageDigest.getInstance("SHA-256"), new long[1]);
    assertThat(next.buffers).hasSizeLessThanOrEqualTo(12).anyMatch(client.buffers::contains);
  }

  @Test
  void aBlobThatEndsBeforeItsSizeFailsTheBodyNamingWhatIsMissing() throws Exception {
    HttpRequest.BodyPublisher body = LayerPipe.reading(() -> new ByteArrayInputStream(new byte[1000]), 3000, executor);
    Client client = new Client();
    body.subscribe(client);
    assertThat(client.done).failsWithin(30, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("the blob ended 2000 bytes before the 3000 it was to send");
  }

  @Test
  void aBodyTheClientCancelsStopsReadingAndClosesItsStream() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    InputStream endless = new FilterInputStream(InputStream.nullInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) {
        return len; // zeros, for ever
      }

      @Override
      public void close() throws IOException {
        closed.countDown();
      }
    };
    HttpRequest.BodyPublisher body = LayerPipe.reading(() -> endless, Long.MAX_VALUE, executor);
    Client client = new Client(true);
    body.subscribe(client);
    client.first.get(30, TimeUnit.SECONDS);
    assertThat(closed.await(30, TimeUnit.SECONDS)).as("the blob's stream was closed").isTrue();
  }
}
