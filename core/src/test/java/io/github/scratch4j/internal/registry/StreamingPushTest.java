package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.WriteEvent;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.registry.MemoryRegistry.Received;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes to an in-memory registry: layers are sent as they are generated, with nothing on disk;
 * a failed chunk is resumed from what the registry holds; blobs the registry has are asked for
 * once and not read; blobs of another repository are mounted.
 */
class StreamingPushTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final StubServers servers = new StubServers();

  @AfterEach
  void close() {
    servers.close();
  }

  private RegistryOptions options() {
    return RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(10))
        .withCacheDirectory(dir.resolve("cache"));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The manifest of the same image written to an image layout, with the same compression. */
  private Manifest written(Image image, Compression compression) throws IOException {
    return image.writeTo(Files.createTempDirectory(dir, "layout"),
        WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withCompression(compression));
  }

  private static List<String> scratch4jTemporaries() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.contains("scratch4j")).sorted().toList();
    }
  }

  private static String enc(Digest d) {
    return URLEncoder.encode(d.toString(), StandardCharsets.UTF_8);
  }

  @Test
  void aLargeLayerIsSentAsItIsGeneratedAndNothingIsWrittenToTheTemporaryDirectory() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/data", Source.of(random(12 << 20, 1))));
    List<String> before = scratch4jTemporaries();

    Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options()));

    assertThat(scratch4jTemporaries()).isEqualTo(before);
    Manifest expected = written(image, Compression.GZIP);
    assertThat(pushed).isEqualTo(Sha256.of(expected.toJson()));
    Descriptor layer = expected.layers().get(0);
    assertThat(registry.blobs.get(layer.digest())).hasSize((int) layer.size());
    // Its bytes went up in PATCH bodies, each once; the final PUT only named the digest.
    assertThat(registry.requests("PATCH").stream().mapToLong(Received::bodyBytes).sum()).isEqualTo(layer.size());
    assertThat(registry.requests("PUT")).filteredOn(r -> r.query().contains(enc(layer.digest())))
        .singleElement().extracting(Received::bodyBytes).isEqualTo(0L);
    assertThat(registry.requests("HEAD")).noneMatch(r -> r.path().contains(layer.digest().toString()));
  }

  @Test
  void aLayerWhoseTarIsLargeIsStreamedEvenWhenItCompressesSmallAndASmallTarIsAskedForFirst() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    // 6 MiB of zeros: a tar larger than what is held to be asked for, a gzip of a few KiB.
    Image zeros = Image.fromScratch().add(Entry.file("/zeros", Source.of(new byte[6 << 20])));
    Image small = Image.fromScratch().add(Entry.file("/small", Source.of(random(64 << 10, 7))));

    assertTimeoutPreemptively(HANG_GUARD, () -> zeros.pushTo(registry.host + "/it/zeros:1", options()));
    assertTimeoutPreemptively(HANG_GUARD, () -> small.pushTo(registry.host + "/it/small:1", options()));

    Descriptor big = written(zeros, Compression.GZIP).layers().get(0);
    Descriptor little = written(small, Compression.GZIP).layers().get(0);
    assertThat(big.size()).isLessThan(64 << 10);
    assertThat(registry.blobs.get(big.digest())).hasSize((int) big.size());
    assertThat(registry.blobs.get(little.digest())).hasSize((int) little.size());
    // The large tar went up from its first byte in a PATCH, without a HEAD for it...
    assertThat(registry.requests("PATCH").stream().mapToLong(Received::bodyBytes).sum()).isEqualTo(big.size());
    assertThat(registry.requests("HEAD")).noneMatch(r -> r.path().contains(big.digest().toString()));
    // ...and the small one was held, asked for, and sent in its final PUT.
    assertThat(registry.requests("HEAD")).anyMatch(r -> r.path().contains(little.digest().toString()));
    assertThat(registry.requests("PUT")).filteredOn(r -> r.query().contains(enc(little.digest())))
        .singleElement().extracting(Received::bodyBytes).isEqualTo(little.size());
  }

  @Test
  void aChunkThatFailsIsResumedFromTheRegistrysRangeByGeneratingTheLayerAgain() throws Exception {
    byte[] data = random(5 << 20, 2);
    AtomicInteger opens = new AtomicInteger();
    Source counted = Source.of(data.length, () -> {
      opens.incrementAndGet();
      return new ByteArrayInputStream(data);
    });
    Image image = Image.fromScratch().add(Entry.file("/data", counted));
    RegistryOptions options = options().withCompression(Compression.NONE).withChunkSize(1 << 20);
    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(new MemoryRegistry(servers).host + "/it/clean:1", options));
    int clean = opens.getAndSet(0);

    MemoryRegistry registry = new MemoryRegistry(servers);
    // The third chunk arrives whole, but the registry keeps only its first 100 000 bytes and answers 500.
    registry.fault = (chunk, length) -> chunk == 3 ? 100_000 : -1;
    Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options));
    assertThat(opens).as("the source is read once more, to generate the layer again").hasValue(clean + 1);

    Manifest expected = written(image, Compression.NONE);
    assertThat(pushed).isEqualTo(Sha256.of(expected.toJson()));
    long size = expected.layers().get(0).size();
    assertThat(registry.requests("GET")).filteredOn(r -> r.path().contains("/blobs/uploads/"))
        .singleElement().extracting(Received::status).isEqualTo(204);
    List<Received> patches = registry.requests("PATCH");
    Received failed = patches.get(2);
    assertThat(failed.status()).isEqualTo(500);
    // Sent: the whole layer once, plus what the registry dropped of the failed chunk; no more.
    assertThat(patches.stream().mapToLong(Received::bodyBytes).sum()).isEqualTo(size + failed.bodyBytes() - 100_000);
  }

  @Test
  void aStreamedLayersLastRequestGoesOnBesideTheConfigsUploadAndTheManifestWaitsForIt() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers, true);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 11))));
    Manifest m = written(image, Compression.GZIP);
    String layer = enc(m.layers().get(0).digest());
    String config = enc(m.config().digest());
    java.util.concurrent.CountDownLatch configIn = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean configWhileLayerOpen = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean layerAnswered = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean manifestAfterLayer = new java.util.concurrent.atomic.AtomicBoolean();
    registry.before = (method, path, query) -> {
      if (method.equals("PUT") && query.contains(config)) {
        configIn.countDown();
      } else if (method.equals("PUT") && query.contains(layer)) {
        // The layer's last request is answered once the config is in, or after 5 s if it does not come.
        configWhileLayerOpen.set(configIn.await(5, java.util.concurrent.TimeUnit.SECONDS));
        layerAnswered.set(true);
      } else if (method.equals("PUT") && path.contains("/manifests/")) {
        manifestAfterLayer.set(layerAnswered.get());
      }
      return -1;
    };

    Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options()));

    assertThat(pushed).isEqualTo(Sha256.of(m.toJson()));
    assertThat(configWhileLayerOpen).as("the config went up while the layer's last request was open").isTrue();
    assertThat(manifestAfterLayer).as("the manifest went up once the layer's last request was answered").isTrue();
    assertThat(registry.blobs.get(m.layers().get(0).digest())).hasSize((int) m.layers().get(0).size());
  }

  @Test
  void aStreamedLayerWhoseLastRequestIsRefusedAfterItsDigestIsKnownFailsThePushWithoutAManifest() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers, true);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 12))));
    String layer = enc(written(image, Compression.GZIP).layers().get(0).digest());
    registry.before = (method, path, query) -> method.equals("PUT") && query.contains(layer) ? 400 : -1;

    io.github.scratch4j.RegistryException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.github.scratch4j.RegistryException.class,
        () -> assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options())));

    assertThat(e.status()).hasValue(400);
    assertThat(e).hasMessageContaining("PUT");
    assertThat(registry.received).noneMatch(r -> r.path().contains("/manifests/"));
  }

  @Test
  void aLayerUploadThatFailedAfterItsCallReturnedStopsThePushBeforeTheNextImagesLayer() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers, true);
    Image amd = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 14))))
        .platform(io.github.scratch4j.Platform.LINUX_AMD64);
    Image arm = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 15))))
        .platform(io.github.scratch4j.Platform.LINUX_ARM64);
    Manifest first = written(amd, Compression.GZIP);
    String layer = enc(first.layers().get(0).digest());
    String config = enc(first.config().digest());
    java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
    registry.before = (method, path, query) -> {
      if (method.equals("PUT") && query.contains(layer)) {
        refused.countDown();
        return 400;
      }
      if (method.equals("PUT") && query.contains(config)) {
        // The first image's config is answered once its layer's last request was refused, and
        // the refusal has had time to reach the client.
        refused.await(5, java.util.concurrent.TimeUnit.SECONDS);
        Thread.sleep(200);
      }
      return -1;
    };

    io.github.scratch4j.RegistryException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.github.scratch4j.RegistryException.class, () -> assertTimeoutPreemptively(HANG_GUARD,
            () -> io.github.scratch4j.ImageIndex.of(amd, arm).pushTo(registry.host + "/it/app:1", options())));

    assertThat(e.status()).hasValue(400);
    assertThat(registry.requests("PATCH")).as("the second image's layer is not sent").hasSize(1);
    assertThat(registry.received).noneMatch(r -> r.path().contains("/manifests/"));
  }

  @Test
  void aPushThatFailsWhileALayerIsStillUploadingStopsThatUpload() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers, true);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 13))));
    String layer = enc(written(image, Compression.GZIP).layers().get(0).digest());
    java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger posts = new AtomicInteger();
    registry.before = (method, path, query) -> {
      if (method.equals("POST") && posts.incrementAndGet() == 2) {
        // The second upload opened is the config's: refused, which fails the push.
        refused.countDown();
        return 403;
      }
      if (method.equals("PATCH")) {
        // The layer's bytes are all in; the answer waits until the push has failed (or 5 s), and
        // then until the refusal, counted here as it arrives, has had time to reach the client.
        // Answered at once, the layer's upload could end in its PUT before the client has read
        // the refusal: a push failing beside a layer that has just ended, which is not this case.
        refused.await(5, java.util.concurrent.TimeUnit.SECONDS);
        Thread.sleep(300);
      }
      return -1;
    };

    io.github.scratch4j.RegistryException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.github.scratch4j.RegistryException.class,
        () -> assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options())));

    assertThat(e.status()).hasValue(403);
    Thread.sleep(500); // what an upload left going on would send meanwhile
    assertThat(registry.received).as("the layer's upload was not closed after the push failed")
        .noneMatch(r -> r.method().equals("PUT") && r.query().contains(layer));
    assertThat(posts).as("nor opened again").hasValue(2);
  }

  @Test
  void aStoredLayerTheRepositoryHasCostsOneHeadAndIsNotRead() throws Exception {
    Path layout = Files.createTempDirectory(dir, "base");
    Manifest base = Image.fromScratch().add(Entry.file("/base", Source.of(random(1 << 20, 3)))).writeTo(layout,
        WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withCompression(Compression.NONE));
    Descriptor blob = base.layers().get(0);
    byte[] tar = Files.readAllBytes(layout.resolve("blobs/sha256/" + blob.digest().hex()));
    MemoryRegistry registry = new MemoryRegistry(servers);
    registry.holds("it/app", tar);
    AtomicInteger opens = new AtomicInteger();
    Layer stored = Layer.ofBlob(Descriptor.of(MediaType.OCI_LAYER, blob.digest(), blob.size()), blob.digest(),
        Source.of(tar.length, () -> {
          // Planning reads the layer's entries (for the image's checks) before any blob is asked for.
          if (!registry.requests("HEAD").isEmpty()) {
            opens.incrementAndGet();
          }
              return new ByteArrayInputStream(tar);
        }));

    assertTimeoutPreemptively(HANG_GUARD, () -> Image.fromScratch().add(stored).pushTo(registry.host + "/it/app:1", options()));

    assertThat(registry.received).filteredOn(r -> r.line().contains(blob.digest().toString())
            || r.line().contains(enc(blob.digest())))
        .extracting(Received::line).containsExactly("HEAD /v2/it/app/blobs/" + blob.digest());
    assertThat(opens).as("reads of the stored layer once blobs were asked for").hasValue(0);
  }

  @Test
  void blobsAnotherRepositoryOfTheRegistryHoldsAreMountedNotSent() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/data", Source.of(random(100 << 10, 5))));
    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/one:1", options()));
    registry.received.clear();

    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/two:1", options()));

    Manifest m = written(image, Compression.GZIP);
    assertThat(registry.requests("POST")).hasSize(2).allSatisfy(r -> {
      assertThat(r.query()).contains("mount=sha256%3A").contains("from=it%2Fone");
      assertThat(r.status()).isEqualTo(201);
    });
    assertThat(registry.received).noneMatch(r -> r.method().equals("PATCH") || r.path().contains("/blobs/uploads/")
        && r.method().equals("PUT"));
    assertThat(registry.repositories.get("it/two")).contains(m.config().digest(), m.layers().get(0).digest());
  }

  @Test
  void aPushGeneratesItsLayersAsItsLayerOptionsSayWithTheirLevelAndProgress() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 10))))
        .add(Layer.builder().addFile("/text", Source.of("hello ".repeat(20_000).getBytes(StandardCharsets.UTF_8))).build());
    List<WriteEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    RegistryOptions fast = options().withLayerOptions(WriteOptions.defaults().withCompression(Compression.GZIP, 1)
        .withProgress(events::add));
    assertThat(fast.compression()).isEqualTo(Compression.GZIP);
    assertThat(fast.withCompression(Compression.ZSTD).layerOptions().progress()).as("the listener stays")
        .isEqualTo(fast.layerOptions().progress());

    Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", fast));

    Manifest level1 = image.writeTo(Files.createTempDirectory(dir, "layout"), WriteOptions.defaults()
        .withFormat(WriteOptions.Format.OCI_LAYOUT).withCompression(Compression.GZIP, 1));
    assertThat(pushed).as("the manifest of the same image at gzip level 1").isEqualTo(Sha256.of(level1.toJson()));
    assertThat(level1.layers().get(1).digest()).isNotEqualTo(written(image, Compression.GZIP).layers().get(1).digest());
    assertThat(events).filteredOn(e -> e.kind() == WriteEvent.Kind.WRITTEN).extracting(WriteEvent::digest)
        .contains(Optional.of(level1.layers().get(0).digest()), Optional.of(level1.layers().get(1).digest()));
  }

  @Test
  void pushesAndPullsRunTheirTransfersOnTheCallersExecutor() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 8))))
        .add(Layer.builder().addFile("/small", Source.of(random(10_000, 9))).build());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      AtomicInteger handed = new AtomicInteger();
      java.util.concurrent.Executor counting = r -> {
        handed.incrementAndGet();
        pool.execute(r);
      };
      RegistryOptions mine = options().withExecutor(counting);
      assertThat(mine.executor()).containsSame(counting);
      Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", mine));
      assertThat(pushed).isEqualTo(Sha256.of(written(image, Compression.GZIP).toJson()));
      assertThat(handed.get()).as("tasks the push handed to the executor").isGreaterThanOrEqualTo(2);

      handed.set(0);
      Image pulled = assertTimeoutPreemptively(HANG_GUARD, () -> Image.from(registry.host + "/it/app:1",
          mine.withCacheDirectory(dir.resolve("empty-cache"))));
      assertThat(pulled.layers()).hasSize(2);
      assertThat(handed.get()).as("downloads the pull handed to the executor").isGreaterThanOrEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPushOfStreamedLayersCompletesOnACallersExecutorOfOneThread() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/one", Source.of(random(6 << 20, 16))))
        .add(Layer.builder().addFile("/two", Source.of(random(6 << 20, 17))).build());
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      // Each layer's task waits for its layer's digest while the upload goes on elsewhere: a task
      // that needed a second thread of this executor would wait for ever.
      Digest pushed = assertTimeoutPreemptively(HANG_GUARD,
          () -> image.pushTo(registry.host + "/it/app:1", options().withExecutor(one)));
      assertThat(pushed).isEqualTo(Sha256.of(written(image, Compression.GZIP).toJson()));
      assertThat(registry.requests("PATCH")).hasSize(2);
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void aPullRightAfterAPushOfTheSameImageDownloadsNoBlob() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    // One layer streamed (larger than what is held in memory), one sent whole, and the config.
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 6))))
        .add(Layer.builder().addFile("/small", Source.of(random(10_000, 7))).build());
    Digest pushed = assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options()));
    registry.received.clear();

    Image pulled = assertTimeoutPreemptively(HANG_GUARD, () -> Image.from(registry.host + "/it/app:1", options()));

    assertThat(pulled.layers()).hasSize(2);
    // Only the tag is asked about: every blob, and the manifest, come from the cache the push filled.
    assertThat(registry.received).extracting(Received::line).isNotEmpty()
        .allMatch(line -> line.equals("GET /v2/") || line.endsWith(" /v2/it/app/manifests/1"), "asks only for the tag");
    Manifest m = written(image, Compression.GZIP);
    assertThat(pushed).isEqualTo(Sha256.of(m.toJson()));
    for (Descriptor blob : List.of(m.config(), m.layers().get(0), m.layers().get(1))) {
      assertThat(dir.resolve("cache/blobs/sha256/" + blob.digest().hex())).hasSize(blob.size());
    }
  }

  @Test
  void aPushOfALayerTheCacheHasReturnsWithTheCacheAsItWasAndNoCopyLeftBehind() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 6))));
    Path blobs = dir.resolve("cache/blobs/sha256");
    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options()));
    Descriptor layer = written(image, Compression.GZIP).layers().get(0);
    Path cached = blobs.resolve(layer.digest().hex());
    assertThat(cached).hasSize(layer.size());
    Object first = Files.readAttributes(cached, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    // Pushed again (to another repository, so that it is sent again): the layer's copy made on the
    // way is not needed, and is gone by the time the push returns; the cached blob is the first.
    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/other:1", options()));

    try (Stream<Path> left = Files.list(blobs)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("only blobs, no temporary copy")
          .allMatch(name -> name.matches("[0-9a-f]{64}"));
    }
    assertThat(cached).hasSize(layer.size());
    assertThat(Files.readAttributes(cached, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .as("the same file").isEqualTo(first);
  }

  @Test
  void aPushKeepsTheCacheWithinItsLimitByRemovingWhatWasUsedLongestAgoButNotWhatItPushed() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Path blobs = Files.createDirectories(dir.resolve("cache/blobs/sha256"));
    byte[] stale = random(100_000, 9);
    Path staleBlob = Files.write(blobs.resolve(Sha256.of(stale).hex()), stale);
    Files.setLastModifiedTime(staleBlob, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
    Image image = Image.fromScratch().add(Entry.file("/big", Source.of(random(6 << 20, 6))))
        .add(Layer.builder().addFile("/small", Source.of(random(10_000, 7))).build());

    assertTimeoutPreemptively(HANG_GUARD, () -> image.pushTo(registry.host + "/it/app:1", options().withCacheLimit(0)));

    assertThat(staleBlob).doesNotExist();
    Manifest m = written(image, Compression.GZIP);
    for (Descriptor blob : List.of(m.config(), m.layers().get(0), m.layers().get(1))) {
      assertThat(blobs.resolve(blob.digest().hex())).hasSize(blob.size());
    }
  }

  @Test
  void aSourceThatFailsWhileItsLayerStreamsFailsThePushWithItsOwnExceptionAndNoManifest() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    byte[] data = random(8 << 20, 8);
    java.io.IOException gone = new java.io.IOException("the disk went away");
    Source failing = Source.of(data.length, () -> new java.io.FilterInputStream(new ByteArrayInputStream(data)) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        if (read > (6 << 20)) {
          throw gone;
        }
        int n = super.read(b, off, len);
        read += Math.max(n, 0);
        return n;
      }
    });
    Image image = Image.fromScratch().add(Entry.file("/data", failing));

    java.io.IOException e = assertTimeoutPreemptively(HANG_GUARD, () -> org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> image.pushTo(registry.host + "/it/app:1", options())));

    assertThat(e).isSameAs(gone);
    assertThat(registry.manifests).isEmpty();
  }
}
