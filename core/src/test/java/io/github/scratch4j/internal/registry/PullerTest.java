package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.read.LayoutIndex;
import io.github.scratch4j.internal.read.ReadImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from a loopback registry that serves a real image and misbehaves on purpose in the
 * middle of a manifest or blob body: every such failure is retried, and the last one ends as a
 * {@link RegistryException} naming the registry, the request and what went wrong.
 */
class PullerTest {
  private static final String REPO = "/v2/it/app/";
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<RawServer> servers = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> blobs = new HashMap<>();
  private Descriptor top;
  private String layer;

  /** What a test's registry does to a GET of a manifest or blob; true when it has answered. */
  @FunctionalInterface
  interface Misbehaviour {
    boolean misbehave(RawServer server, RawServer.Request request, byte[] content, int count) throws Exception;
  }

  @BeforeAll
  static void warmUp() throws IOException {
    RawServer.warmUp();
  }

  @BeforeEach
  void image() throws IOException {
    image(300 << 10);
  }

  /** Serves an image whose one layer holds a file of {@code size} random bytes. */
  private void image(int size) throws IOException {
    Path layout = Files.createTempDirectory(dir, "layout");
    blobs.clear();
    byte[] data = new byte[size];
    new Random(7).nextBytes(data);
    Image.fromScratch().add(Entry.file("/data", Source.of(data)))
        .writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
    top = LayoutIndex.read(layout.resolve("index.json")).get(0);
    try (Stream<Path> files = Files.list(layout.resolve("blobs").resolve("sha256"))) {
      for (Path f : files.toList()) {
        blobs.put("sha256:" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    layer = new ObjectMapper().readTree(blobs.get(top.digest().toString())).path("layers").path(0).path("digest").asText();
  }

  @AfterEach
  void stop() throws IOException {
    for (RawServer s : servers) {
      s.close();
    }
  }

  private RawServer registry(Misbehaviour m) throws IOException {
    RawServer[] self = new RawServer[1];
    self[0] = new RawServer((r, n) -> {
      String path = r.path();
      byte[] content = null;
      String digest = null;
      String type = "application/octet-stream";
      if (path.startsWith(REPO + "manifests/")) {
        digest = top.digest().toString();
        content = blobs.get(digest);
        type = top.mediaType();
      } else if (path.startsWith(REPO + "blobs/")) {
        digest = path.substring((REPO + "blobs/").length());
        content = blobs.get(digest);
      }
      if (content == null) {
        r.answer(404, "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}");
        return;
      }
      if (r.method().equals("GET") && m.misbehave(self[0], r, content, n)) {
        return;
      }
      r.answer(200, content, "Content-Type", type, "Docker-Content-Digest", digest);
    });
    servers.add(self[0]);
    return self[0];
  }

  private ReadImage pull(RawServer registry) throws IOException {
    return pull(registry, Long.MAX_VALUE);
  }

  private ReadImage pull(RawServer registry, long cacheLimit) throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1))
        .withTimeout(Duration.ofMillis(300)).withCacheDirectory(dir.resolve("cache"));
    RegistryClient.rememberPlainHttp(registry.host());
    RegistryClient client = new RegistryClient(registry.host(), options, new CredentialStore(options, Map.of(), dir));
    return new Puller(client, ImageReference.parse(registry.host() + "/it/app:1"), options,
        new BlobCache(dir.resolve("cache"), cacheLimit)).pull();
  }

  private RegistryException pullFails(RawServer registry) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(RegistryException.class, () -> pull(registry)));
  }

  /** Sends the headers and the first {@code bytes} bytes of the body, then resets the connection. */
  private static void resetAfter(RawServer s, RawServer.Request r, byte[] content, int bytes) throws Exception {
    r.head(200, content.length);
    r.out().write(content, 0, bytes);
    r.out().flush();
    s.sleep(100); // let the client read them: a reset may discard what it has not read yet
    r.reset();
  }

  @Test
  void aCleanPullReadsTheImage() throws Exception {
    RawServer registry = registry((s, r, content, n) -> false);
    assertThat(pull(registry).layers()).hasSize(1);
    assertThat(registry.count("GET", REPO + "manifests/1")).isEqualTo(1);
  }

  @Test
  void aManifestThatTricklesIsRetriedThenFailsNamingTheRegistryAndTheRequest() throws Exception {
    RawServer registry = registry((s, r, content, n) -> {
      if (!r.path().contains("/manifests/")) {
        return false;
      }
      r.head(200, content.length, "Content-Type", top.mediaType());
      s.trickle(r, content, 100); // a byte every 100 ms: never idle for the 300 ms timeout
      return true;
    });
    RegistryException e = pullFails(registry);
    assertThat(e).hasMessageContaining("GET " + REPO + "manifests/1 to registry " + registry.host())
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("the answer's body was not complete within 600 ms (the limit for " + blobs.get(
            top.digest().toString()).length + " bytes)");
    assertThat(registry.count("GET", REPO + "manifests/1")).isEqualTo(3);
  }

  @Test
  void aBlobThatStopsIsRetriedThenFailsAndLeavesNothingInTheCache() throws Exception {
    RawServer registry = registry((s, r, content, n) -> {
      if (!r.path().endsWith(layer)) {
        return false;
      }
      r.head(200, content.length);
      r.out().write(content, 0, 1000);
      r.out().flush();
      s.hang();
      return true;
    });
    RegistryException e = pullFails(registry);
    int size = blobs.get(layer).length;
    assertThat(e).hasMessageContaining("GET " + REPO + "blobs/" + layer + " to registry " + registry.host())
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("the answer's body stalled: nothing came for 300 ms after 1000 of " + size + " bytes");
    assertThat(registry.count("GET", REPO + "blobs/" + layer)).isEqualTo(3);
    try (Stream<Path> cached = Files.list(dir.resolve("cache").resolve("blobs").resolve("sha256"))) {
      assertThat(cached.map(p -> "sha256:" + p.getFileName())).doesNotContain(layer)
          .noneMatch(name -> name.contains(".part"));
    }
  }

  @Test
  void aResetInTheMiddleOfAManifestIsRetriedAndThePullSucceeds() throws Exception {
    RawServer registry = registry((s, r, content, n) -> {
      if (r.path().contains("/manifests/") && s.count("GET", REPO + "manifests/") == 1) {
        resetAfter(s, r, content, content.length / 2);
        return true;
      }
      return false;
    });
    assertThat(pull(registry).layers()).hasSize(1);
    assertThat(registry.count("GET", REPO + "manifests/1")).isEqualTo(2);
  }

  @Test
  void aResetInTheMiddleOfAManifestOnEveryAttemptEndsInARegistryException() throws Exception {
    RawServer registry = registry((s, r, content, n) -> {
      if (!r.path().contains("/manifests/")) {
        return false;
      }
      resetAfter(s, r, content, 100);
      return true;
    });
    RegistryException e = pullFails(registry);
    assertThat(e).hasMessageContaining("GET " + REPO + "manifests/1 to registry " + registry.host())
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("the connection broke after 100 of " + blobs.get(top.digest().toString()).length
            + " bytes of the answer's body");
    assertThat(registry.count("GET", REPO + "manifests/1")).isEqualTo(3);
  }

  @Test
  void aResetInTheMiddleOfABlobIsRetriedAndThePullSucceeds() throws Exception {
    RawServer registry = registry((s, r, content, n) -> {
      if (r.path().endsWith(layer) && s.count("GET", REPO + "blobs/" + layer) == 1) {
        resetAfter(s, r, content, 50_000);
        return true;
      }
      return false;
    });
    assertThat(pull(registry).layers()).hasSize(1);
    assertThat(registry.count("GET", REPO + "blobs/" + layer)).isEqualTo(2);
  }

  private ReadImage pull(RawServer registry, io.github.scratch4j.ReadOptions limits) throws IOException {
    RegistryOptions options = RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1))
        .withTimeout(Duration.ofMillis(300)).withCacheDirectory(dir.resolve("cache")).withReadOptions(limits);
    RegistryClient.rememberPlainHttp(registry.host());
    RegistryClient client = new RegistryClient(registry.host(), options, new CredentialStore(options, Map.of(), dir));
    return new Puller(client, ImageReference.parse(registry.host() + "/it/app:1"), options,
        new BlobCache(dir.resolve("cache"), Long.MAX_VALUE)).pull();
  }

  /** Serves {@code document} as the manifest of tag 1, with {@code contentType}. */
  private void serveAsManifest(byte[] document, String contentType) {
    String digest = io.github.scratch4j.internal.io.Sha256.of(document).toString();
    blobs.put(digest, document);
    top = Descriptor.of(contentType, io.github.scratch4j.Digest.parse(digest), document.length);
  }

  @Test
  void aManifestThatIsAlsoAnIndexIsRefused() throws Exception {
    String manifest = new String(blobs.get(top.digest().toString()), java.nio.charset.StandardCharsets.UTF_8);
    // CVE-2021-41190: no mediaType, and the fields of both a manifest and an index.
    String ambiguous = manifest.replaceFirst("\"mediaType\":\"[^\"]*\",", "")
        .replaceFirst("\\{", "{\"manifests\":[],");
    serveAsManifest(ambiguous.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
    RawServer registry = registry((s, r, content, n) -> false);
    io.github.scratch4j.ImageFormatException e = assertThrows(io.github.scratch4j.ImageFormatException.class,
        () -> pull(registry));
    assertThat(e).hasMessageContaining("CVE-2021-41190");
  }

  @Test
  void aManifestSentAsAnIndexIsRefused() throws Exception {
    serveAsManifest(blobs.get(top.digest().toString()), io.github.scratch4j.MediaType.OCI_INDEX);
    RawServer registry = registry((s, r, content, n) -> false);
    io.github.scratch4j.ImageFormatException e = assertThrows(io.github.scratch4j.ImageFormatException.class,
        () -> pull(registry));
    assertThat(e).hasMessageContaining("was sent as " + io.github.scratch4j.MediaType.OCI_INDEX)
        .hasMessageContaining("says it is " + io.github.scratch4j.MediaType.OCI_MANIFEST);
  }

  @Test
  void aPulledImageIsReadWithinTheReadOptions() throws Exception {
    RawServer registry = registry((s, r, content, n) -> false);
    io.github.scratch4j.ImageFormatException e = assertThrows(io.github.scratch4j.ImageFormatException.class,
        () -> pull(registry, io.github.scratch4j.ReadOptions.defaults().withMaxLayerSize(100 << 10)));
    assertThat(e).hasMessageContaining("ReadOptions.maxLayerSize");
    // One layer: its entries are the image's file system.
    assertThat(pull(registry, io.github.scratch4j.ReadOptions.defaults()).layers().get(0).entries())
        .extracting(Entry::path).contains("/data");
  }

  @Test
  void aPullKeepsTheCacheWithinItsLimitByRemovingWhatWasUsedLongestAgoButNotWhatItPulled() throws Exception {
    Path blobsDir = Files.createDirectories(dir.resolve("cache").resolve("blobs").resolve("sha256"));
    byte[] stale = new byte[100_000];
    Path staleBlob = Files.write(blobsDir.resolve(io.github.scratch4j.internal.io.Sha256.of(stale).hex()), stale);
    // Blobs this pull finds in the cache, last used long ago: finding them is a use.
    String config = new ObjectMapper().readTree(blobs.get(top.digest().toString())).path("config").path("digest").asText();
    Path cachedConfig = Files.write(blobsDir.resolve(config.substring("sha256:".length())), blobs.get(config));
    for (Path p : List.of(staleBlob, cachedConfig)) {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
    }
    RawServer registry = registry((s, r, content, n) -> false);

    assertThat(pull(registry, 0).layers()).hasSize(1);

    assertThat(staleBlob).doesNotExist();
    assertThat(cachedConfig).exists();
    assertThat(blobsDir.resolve(layer.substring("sha256:".length()))).exists();
    assertThat(blobsDir.resolve(top.digest().hex())).exists();
  }

  @Test
  void aPullRemovesTheTemporaryFilesAKilledPullLeftInTheCache() throws Exception {
    Path blobsDir = Files.createDirectories(dir.resolve("cache").resolve("blobs").resolve("sha256"));
    Path stale = Files.write(blobsDir.resolve(".blob.scratch4j-0123456789ab.tmp"), new byte[1000]);
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(120)));
    Path fresh = Files.write(blobsDir.resolve(".blob.scratch4j-ba9876543210.tmp"), new byte[1000]);
    RawServer registry = registry((s, r, content, n) -> false);
    assertThat(pull(registry).layers()).hasSize(1);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    try (Stream<Path> left = Files.list(blobsDir)) {
      assertThat(left.map(p -> p.getFileName().toString())).filteredOn(n -> n.startsWith("."))
          .containsExactly(fresh.getFileName().toString());
    }
  }

  /**
   * What a pull allocates does not grow with the blob: the download's buffers, and those that
   * carry its bytes to the check beside it, are filled again rather than made for every piece, so
   * a JVM with a default heap does not grow by the image's size.
   */
  @Test
  void aPullAllocatesFarLessThanTheBlobItDownloads() throws Exception {
    int size = 48 << 20;
    image(size);
    RawServer registry = registry((s, r, content, n) -> false);
    pull(registry); // classes loaded and code run once, so that the measured pull is the transfer's
    Files.walk(dir.resolve("cache")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getTotalThreadAllocatedBytes();
    assertThat(pull(registry).layers()).hasSize(1);
    long allocated = threads.getTotalThreadAllocatedBytes() - before;
    assertThat(before).as("this JVM counts what its threads allocate").isPositive();
    // Each copy of the blob into new arrays would be its size again: one is too many.
    assertThat(allocated).as("bytes allocated by a pull of a %d-byte blob", size).isLessThan(size / 4);
  }
}
