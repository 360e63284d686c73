package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Archive;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.read.LayoutIndex;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes to a loopback registry that stops reading an upload, or takes all of it and never
 * answers: each ends, is retried, and the last failure says which request stalled and how.
 */
class PusherTest {
  private static final String REPO = "/v2/it/app/";
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final List<RawServer> servers = new CopyOnWriteArrayList<>();

  /** What a test's registry does to a PUT; true when it has answered. */
  @FunctionalInterface
  interface Misbehaviour {
    boolean misbehave(RawServer server, RawServer.Request request) throws Exception;
  }

  @BeforeAll
  static void warmUp() throws IOException {
    RawServer.warmUp();
  }

  @AfterEach
  void stop() throws IOException {
    for (RawServer s : servers) {
      s.close();
    }
  }

  /** An OCI layout of an image with one uncompressed layer of {@code size} random bytes. */
  private Path layout(int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path layout = dir.resolve("layout");
    Image.fromScratch().add(Entry.file("/data", Source.of(data))).writeTo(layout,
        WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withCompression(Compression.NONE));
    return layout;
  }

  private static String layerOf(Path layout) throws IOException {
    Descriptor top = LayoutIndex.read(layout.resolve("index.json")).get(0);
    return new ObjectMapper().readTree(layout.resolve("blobs").resolve("sha256").resolve(top.digest().hex()).toFile())
        .path("layers").path(0).path("digest").asText();
  }

  /** A registry that takes uploads (unless the test's misbehaviour answers first) and manifests. */
  private RawServer registry(Misbehaviour m) throws IOException {
    Set<String> stored = ConcurrentHashMap.newKeySet();
    AtomicInteger uploads = new AtomicInteger();
    RawServer[] self = new RawServer[1];
    self[0] = new RawServer((r, n) -> {
      String path = r.path();
      if (r.method().equals("GET") && path.equals("/v2/")) {
        r.answer(200, "{}");
      } else if (r.method().equals("HEAD") && path.startsWith(REPO + "blobs/")) {
        r.answer(stored.contains(path.substring((REPO + "blobs/").length())) ? 200 : 404, "");
      } else if (r.method().equals("POST") && path.equals(REPO + "blobs/uploads/")) {
        r.answer(202, "", "Location", REPO + "blobs/uploads/" + uploads.incrementAndGet());
      } else if (r.method().equals("PUT") && !m.misbehave(self[0], r)) {
        r.body();
        String digest = java.net.URLDecoder.decode(r.target().replaceAll(".*[?&]digest=([^&]*).*", "$1"),
            StandardCharsets.UTF_8);
        stored.add(digest);
        if (path.contains("/manifests/")) {
          r.answer(201, "");
        } else {
          r.answer(201, "", "Docker-Content-Digest", digest);
        }
      }
    });
    servers.add(self[0]);
    RegistryClient.rememberPlainHttp(self[0].host());
    return self[0];
  }

  /** What a push puts in the pull cache goes here, not to the user's cache. */
  @TempDir static Path cache;

  private static RegistryOptions options() {
    return RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1)).withTimeout(Duration.ofMillis(300))
        .withCacheDirectory(cache);
  }

  private static boolean putOf(RawServer.Request r, String digest) {
    return r.method().equals("PUT") && r.target().contains(URLEncoder.encode(digest, StandardCharsets.UTF_8));
  }

  private long putsOf(RawServer registry, String digest) {
    String enc = URLEncoder.encode(digest, StandardCharsets.UTF_8);
    return registry.requests().stream().filter(q -> q.startsWith("PUT ") && q.contains(enc)).count();
  }

  /** Pushes the image of a layout: its layer is a stored blob, of known digest, sent in one PUT. */
  private static Digest push(Path layout, RawServer registry) throws IOException {
    return Archive.read(layout).images().get(0).pushTo(registry.host() + "/it/app:1", options());
  }

  private RegistryException pushFails(Path layout, RawServer registry) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(RegistryException.class,
        () -> push(layout, registry)));
  }

  @Test
  void anUploadTheRegistryStopsReadingIsRetriedThenFails() throws Exception {
    // 16 MiB: more than the socket buffers on both sides hold, so that the client must notice.
    Path layout = layout(16 << 20);
    String layer = layerOf(layout);
    RawServer registry = registry((s, r) -> {
      if (!putOf(r, layer)) {
        return false;
      }
      r.in().readNBytes(64 << 10);
      s.hang();
      return true;
    });
    RegistryException e = pushFails(layout, registry);
    assertThat(e).hasMessageContaining("uploading blob " + layer + " to " + registry.host() + "/it/app failed 3 times")
        .hasMessageContaining("the last time: PUT http://" + registry.host() + REPO + "blobs/uploads/")
        .hasMessageContaining("to registry " + registry.host())
        .hasMessageContaining("the registry stopped taking the request body: nothing for 300 ms after ")
        .hasMessageNotContaining("digest=");
    assertThat(putsOf(registry, layer)).isEqualTo(3);
    assertThat(registry.count("PUT", REPO + "manifests/")).isZero();
  }

  @Test
  void anUploadWhoseAnswerNeverComesIsRetriedThenFails() throws Exception {
    Path layout = layout(100 << 10);
    String layer = layerOf(layout);
    RawServer registry = registry((s, r) -> {
      if (!putOf(r, layer)) {
        return false;
      }
      r.body();
      s.hang();
      return true;
    });
    RegistryException e = pushFails(layout, registry);
    assertThat(e).hasMessageContaining("uploading blob " + layer + " to " + registry.host() + "/it/app failed 3 times")
        .hasMessageContaining("no answer came within 300 ms of the request body's last byte");
    assertThat(putsOf(registry, layer)).isEqualTo(3);
  }

  @Test
  void anUploadThatStallsOnceIsRetriedAndThePushSucceeds() throws Exception {
    Path layout = layout(16 << 20);
    String layer = layerOf(layout);
    AtomicInteger stalls = new AtomicInteger();
    RawServer registry = registry((s, r) -> {
      if (!putOf(r, layer) || stalls.getAndIncrement() > 0) {
        return false;
      }
      r.in().readNBytes(64 << 10);
      s.hang();
      return true;
    });
    Digest pushed = assertTimeoutPreemptively(HANG_GUARD,
        () -> push(layout, registry));
    assertThat(pushed).isEqualTo(LayoutIndex.read(layout.resolve("index.json")).get(0).digest());
    assertThat(putsOf(registry, layer)).isEqualTo(2);
    assertThat(registry.count("PUT", REPO + "manifests/1")).isEqualTo(1);
  }

  @Test
  void aManifestWhoseAnswerNeverComesIsRetriedThenFails() throws Exception {
    Path layout = layout(10 << 10);
    RawServer registry = registry((s, r) -> {
      if (!r.path().contains("/manifests/")) {
        return false;
      }
      r.body();
      s.hang();
      return true;
    });
    RegistryException e = pushFails(layout, registry);
    assertThat(e).hasMessageContaining("PUT " + REPO + "manifests/1 to registry " + registry.host())
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("no answer came within 300 ms of the request body's last byte");
    assertThat(registry.count("PUT", REPO + "manifests/1")).isEqualTo(3);
  }
}
