package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Platform;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.TransferEvent.Kind;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import io.github.scratch4j.e2e.FaultProxy.Fault;
import io.github.scratch4j.e2e.FaultProxy.Recorded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes to and pulls from the real distribution registry, checked with skopeo and Docker. */
class RegistryIT {
  @TempDir static Path dir;
  static Path hello;
  @TempDir Path cache;

  @BeforeAll
  static void compile() throws Exception {
    hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C, "-static");
  }

  private RegistryOptions options() {
    // Fresh cache per test, so that what is downloaded is what the test sees.
    return RegistryOptions.defaults().withCacheDirectory(cache).withRetries(5, Duration.ofMillis(20));
  }

  /**
   * For a push whose image the test then pulls to see it downloaded: a push fills the cache it is
   * given, and a pull from that cache downloads nothing.
   */
  private RegistryOptions pushing(RegistryOptions options) {
    return options.withCacheDirectory(dir.resolve("push-cache"));
  }

  /** One per test: what this test pushes and Docker loads is no earlier test's. */
  private final io.github.scratch4j.Entry nonce = Nonce.entry();

  private Image helloImage() {
    return Image.fromScratch().add(hello).add(nonce).entrypoint("/hello");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Random bytes: a layer that compression cannot shrink, with a size the test controls. */
  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static List<Recorded> uploads(List<Recorded> records) {
    return records.stream().filter(r -> r.path().contains("/blobs/uploads/")).toList();
  }

  @Test
  void aPushedImageIsCopiedBackBySkopeoAndRunsInDocker() throws Exception {
    Commands.require("skopeo");
    Commands.requireDocker();
    try (RegistryServer registry = RegistryServer.anonymous()) {
      Digest digest = helloImage().pushTo(registry.host() + "/it/hello:1", options());
      String raw = Commands.run(Duration.ofMinutes(1), "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + registry.host() + "/it/hello:1").assertSuccess().stdout();
      assertThat("sha256:" + sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(digest.toString());
      String tag = "scratch4j-it/registry-hello:" + UUID.randomUUID().toString().substring(0, 8);
      Commands.run(Duration.ofMinutes(2), "skopeo", "copy", "--src-tls-verify=false",
          "docker://" + registry.host() + "/it/hello@" + digest, "docker-daemon:" + tag).assertSuccess();
      try {
        assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout())
            .isEqualTo("hello world\n");
      } finally {
        Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
      }
    }
  }

  @Test
  void aMultiPlatformIndexGoesUpAfterItsManifests() throws Exception {
    Commands.require("skopeo");
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      Image amd = helloImage().platform(Platform.LINUX_AMD64);
      Image arm = Image.fromScratch().add(Entry.file("/hello", Source.of(new byte[] {1, 2})).withMode(0755))
          .withoutDependencyCheck().entrypoint("/hello").platform(Platform.LINUX_ARM64);
      Digest digest = ImageIndex.of(amd, arm).pushTo(proxy.host() + "/it/multi:1", options());
      JsonNode index = new ObjectMapper().readTree(Commands.run(Duration.ofMinutes(1), "skopeo", "inspect", "--raw",
          "--tls-verify=false", "docker://" + registry.host() + "/it/multi:1").assertSuccess().stdout());
      assertThat(index.path("manifests").findValuesAsText("architecture")).containsExactly("amd64", "arm64");
      assertThat(index.path("manifests").findValuesAsText("os")).containsExactly("linux", "linux");
      List<Recorded> manifests = proxy.requests().stream().filter(r -> r.method().equals("PUT")
          && r.path().contains("/manifests/")).toList();
      assertThat(manifests).hasSize(3);
      assertThat(manifests.get(2).path()).endsWith("/manifests/1");
      // The index's digest pins it; the arm64 image can be pulled from it by platform.
      Image pulled = Image.from(registry.host() + "/it/multi@" + digest, options().withPlatform(Platform.LINUX_ARM64));
      assertThat(pulled.config().platform()).contains(Platform.LINUX_ARM64);
      assertThat(pulled.layers()).hasSize(1);
    }
  }

  @Test
  void buildsOnABasePulledFromTheRegistryAndASecondBuildDownloadsNoBlob() throws Exception {
    Commands.require("skopeo");
    Commands.requireDocker();
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      helloImage().pushTo(registry.host() + "/it/base:1", pushing(options()));
      List<TransferEvent> events = new CopyOnWriteArrayList<>();
      Image base = Image.from(proxy.host() + "/it/base:1", options().withProgress(events::add));
      assertThat(events).filteredOn(e -> e.kind() == Kind.DOWNLOADED).hasSize(2);
      assertThat(events).allSatisfy(e -> assertThat(e.kind()).isIn(Kind.DOWNLOADING, Kind.DOWNLOADED));
      assertThat(proxy.requests().stream().filter(r -> r.method().equals("GET") && r.path().contains("/blobs/")))
          .hasSize(2); // config and layer
      Image app = base.add(Entry.file("/etc/greeting", Source.of("hi\n".getBytes(StandardCharsets.UTF_8))))
          .add(Entry.file("/etc/nonce", Source.of(Nonce.text().getBytes(StandardCharsets.UTF_8))));
      assertThat(app.config().entrypoint()).containsExactly("/hello");
      Digest digest = app.pushTo(registry.host() + "/it/app:1", options());
      // Pulled back, its gzip layers unpack to the tree that was built.
      Path unpacked = dir.resolve("unpacked-" + UUID.randomUUID());
      Image.from(registry.host() + "/it/app:1", options()).unpackTo(unpacked);
      assertThat(java.nio.file.Files.readString(unpacked.resolve("etc/greeting"))).isEqualTo("hi\n");
      assertThat(unpacked.resolve("hello")).isExecutable();

      proxy.clearRecords();
      events.clear();
      Image again = Image.from(proxy.host() + "/it/base:1", options().withProgress(events::add));
      assertThat(events).extracting(TransferEvent::kind).containsExactly(Kind.CACHED, Kind.CACHED);
      assertThat(again.layers()).isEqualTo(base.layers());
      assertThat(proxy.requests()).extracting(Recorded::method).containsExactly("HEAD");

      String tag = "scratch4j-it/registry-app:" + UUID.randomUUID().toString().substring(0, 8);
      Commands.run(Duration.ofMinutes(2), "skopeo", "copy", "--src-tls-verify=false",
          "docker://" + registry.host() + "/it/app@" + digest, "docker-daemon:" + tag).assertSuccess();
      try {
        assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout())
            .isEqualTo("hello world\n");
      } finally {
        Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
      }
    }
  }

  @Test
  void aSecondPushUploadsNoBlobAndAnotherRepositoryMountsThem() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      Image image = helloImage().add(Entry.file("/data", Source.of(random(3 << 20, 1))));
      List<TransferEvent> events = new CopyOnWriteArrayList<>();
      RegistryOptions options = options().withCompression(Compression.NONE).withProgress(events::add);
      Digest first = image.pushTo(proxy.host() + "/it/again:1", options);
      assertThat(uploads(proxy.requests())).isNotEmpty();
      Manifest manifest = image.writeTo(dir.resolve("again.tar"));
      List<Descriptor> blobs = new ArrayList<>(manifest.layers());
      blobs.add(manifest.config());
      // Each blob reports its bytes as they go, never past its size, then its end; the manifest last.
      for (Descriptor blob : blobs) {
        List<TransferEvent> mine = events.stream().filter(e -> e.digest().equals(blob.digest())).toList();
        assertThat(mine).last().isEqualTo(new TransferEvent(Kind.UPLOADED, blob.digest(), blob.size(), blob.size()));
        List<Long> sent = mine.stream().filter(e -> e.kind() == Kind.UPLOADING).map(TransferEvent::bytes).toList();
        assertThat(sent).isNotEmpty().isSorted();
      }
      Digest biggest = manifest.layers().get(manifest.layers().size() - 1).digest();
      assertThat(events.stream().filter(e -> e.digest().equals(biggest) && e.kind() == Kind.UPLOADING))
          .hasSizeGreaterThan(5); // the layer with 3 MiB of data, in steps
      assertThat(events).last().extracting(TransferEvent::kind, TransferEvent::digest)
          .containsExactly(Kind.MANIFEST_PUSHED, first);

      proxy.clearRecords();
      events.clear();
      assertThat(image.pushTo(proxy.host() + "/it/again:1", options)).isEqualTo(first);
      assertThat(uploads(proxy.requests())).isEmpty();
      // GET /v2/ before anything is written, then a HEAD per blob, then the manifest.
      assertThat(proxy.requests()).extracting(r -> r.method() + " " + r.path() + " " + r.status())
          .first().isEqualTo("GET /v2/ 200");
      assertThat(proxy.requests()).extracting(r -> r.method() + " " + r.status())
          .containsOnly("GET 200", "HEAD 200", "PUT 201");
      assertThat(events).extracting(TransferEvent::kind).containsOnly(Kind.PRESENT, Kind.MANIFEST_PUSHED)
          .hasSize(blobs.size() + 1);

      proxy.clearRecords();
      events.clear();
      assertThat(image.pushTo(proxy.host() + "/it/elsewhere:1", options)).isEqualTo(first);
      List<Recorded> uploads = uploads(proxy.requests());
      assertThat(uploads).isNotEmpty().allSatisfy(r -> {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.query()).contains("mount=").contains("from=it%2Fagain");
        assertThat(r.status()).isEqualTo(201);
      });
      assertThat(events).extracting(TransferEvent::kind).containsOnly(Kind.MOUNTED, Kind.MANIFEST_PUSHED)
          .hasSize(blobs.size() + 1);

      // A listener that throws ends the push with its exception, and no manifest goes up.
      IllegalStateException stop = new IllegalStateException("stop");
      Image other = helloImage().add(Entry.file("/data", Source.of(random(2 << 20, 2))));
      assertThatThrownBy(() -> other.pushTo(proxy.host() + "/it/stopped:1", options().withProgress(e -> {
        if (e.kind() == Kind.UPLOADING) {
          throw stop;
        }
      }))).isSameAs(stop);
      assertThat(proxy.requests()).noneMatch(r -> r.path().contains("/it/stopped/manifests/"));
    }
  }

  @Test
  void basicAuthWithCredentialsFromADockerConfig() throws Exception {
    try (RegistryServer registry = RegistryServer.withBasicAuth("builder", "s3cret-pw")) {
      String ref = registry.host() + "/it/private:1";
      assertThatThrownBy(() -> helloImage().pushTo(ref, options()))
          .isInstanceOf(RegistryException.class).hasMessageContaining("requires authentication")
          .hasMessageContaining("no credentials were found");
      RegistryOptions wrong = options().withCredentials(registry.host(), new RegistryCredentials("builder", "wrong-pw"));
      assertThatThrownBy(() -> helloImage().pushTo(ref, wrong))
          .isInstanceOf(RegistryException.class).hasMessageContaining("user builder")
          .hasMessageNotContaining("wrong-pw");
      Path config = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\""
          + Base64.getEncoder().encodeToString("builder:s3cret-pw".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
      RegistryOptions fromFile = options().withAuthFile(config);
      Digest digest = helloImage().pushTo(ref, fromFile);
      Image pulled = Image.from(ref, fromFile);
      assertThat(pulled.config().entrypoint()).containsExactly("/hello");
      assertThat(Image.from(registry.host() + "/it/private@" + digest, fromFile).layers()).isEqualTo(pulled.layers());
    }
  }

  /**
   * The registry client's System.Logger goes to java.util.logging when no other LoggerFinder is
   * installed: listened to there, at FINE, through a push and a pull with Basic credentials and
   * with tokens.
   */
  @Test
  void logsEachExchangeOfAuthenticatedPushesAndPullsWithoutASecret() throws Exception {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.github.scratch4j.registry");
    List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Level before = jul.getLevel();
    jul.setLevel(java.util.logging.Level.ALL);
    jul.addHandler(capture);
    List<String> secrets = new ArrayList<>();
    try (TokenService tokens = new TokenService("builder", "token-Pw-7781");
        RegistryServer tokenRegistry = RegistryServer.withTokenAuth(tokens);
        RegistryServer basicRegistry = RegistryServer.withBasicAuth("builder", "basic-Pw-5523")) {
      for (String[] r : new String[][] {{basicRegistry.host(), "basic-Pw-5523"}, {tokenRegistry.host(), "token-Pw-7781"}}) {
        secrets.add(r[1]);
        secrets.add(Base64.getEncoder().encodeToString(("builder:" + r[1]).getBytes(StandardCharsets.UTF_8)));
        RegistryOptions options = options().withCredentials(r[0], new RegistryCredentials("builder", r[1]))
            .withInsecureRegistry(tokens.host());
        String ref = r[0] + "/it/logged:1";
        helloImage().pushTo(ref, pushing(options));
        assertThat(Image.from(ref, options).config().entrypoint()).containsExactly("/hello");
      }
      secrets.addAll(tokens.issued());
      assertThat(tokens.issued()).isNotEmpty();
    } finally {
      jul.removeHandler(capture);
      jul.setLevel(before);
    }
    List<String> messages = records.stream().map(java.util.logging.LogRecord::getMessage).toList();
    assertThat(records).allSatisfy(r -> assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.FINE));
    assertThat(messages)
        .anySatisfy(m -> assertThat(m).matches(
            "TLS probe of https://127\\.0\\.0\\.1:\\d+/ -> not TLS \\(answered \"HTTP/1\\.1 400 Bad Request\"\\) in \\d+ ms"))
        .anySatisfy(m -> assertThat(m).matches("GET http://127\\.0\\.0\\.1:\\d+/v2/ -> 401 in \\d+ ms \\(attempt 1\\)"))
        .anySatisfy(m -> assertThat(m).matches(
            "HEAD http://127\\.0\\.0\\.1:\\d+/v2/it/logged/blobs/sha256:[0-9a-f]{64} -> 404 in \\d+ ms \\(attempt 1\\)"))
        .anySatisfy(m -> assertThat(m).matches("GET http://127\\.0\\.0\\.1:\\d+/token\\?service=…&scope=… -> 200 .*"))
        .anySatisfy(m -> assertThat(m).matches("POST http://.*/v2/it/logged/blobs/uploads/ -> 202 .*"))
        .anySatisfy(m -> assertThat(m).matches("PUT http://.*/v2/it/logged/blobs/uploads/[^?]*\\?_state=…&digest=… -> 201 .*"))
        .anySatisfy(m -> assertThat(m).matches("PUT http://.*/v2/it/logged/manifests/1 -> 201 .*"))
        .anySatisfy(m -> assertThat(m).matches("GET http://.*/v2/it/logged/blobs/sha256:[0-9a-f]{64} -> 200 .*"));
    java.util.logging.SimpleFormatter format = new java.util.logging.SimpleFormatter();
    for (java.util.logging.LogRecord r : records) {
      List<String> forms = new ArrayList<>(List.of(String.valueOf(r.getMessage()), format.format(r)));
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          forms.add(String.valueOf(p));
        }
      }
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        forms.add(String.valueOf(t));
      }
      for (String form : forms) {
        for (String secret : secrets) {
          assertThat(form).doesNotContain(secret);
        }
        // An upload's state is signed by the registry: its value is never logged.
        assertThat(form).doesNotContainPattern("_state=[^…]").doesNotContain("Authorization");
      }
    }
  }

  @Test
  void tokenAuthRenewsATokenThatExpiresMidPush() throws Exception {
    Commands.require("skopeo");
    try (TokenService tokens = new TokenService("builder", "token-pw");
        RegistryServer registry = RegistryServer.withTokenAuth(tokens);
        FaultProxy proxy = new FaultProxy(registry.host())) {
      // The registry answers over plain HTTP and its token service is another origin (another
      // port): the credentials go there only once the user trusts that origin.
      RegistryOptions untrusting = options().withCredentials(proxy.host(), new RegistryCredentials("builder", "token-pw"));
      assertThatThrownBy(() -> helloImage().pushTo(proxy.host() + "/it/tokens:0", untrusting))
          .isInstanceOf(RegistryException.class).hasMessageContaining("user builder) were not sent")
          .hasMessageContaining("list " + tokens.host() + " with RegistryOptions.withInsecureRegistry")
          .hasMessageNotContaining("token-pw");
      int anonymous = tokens.tokenRequests();
      assertThat(anonymous).isPositive();
      RegistryOptions options = untrusting.withInsecureRegistry(tokens.host()).withConcurrency(1);
      Digest first = helloImage().pushTo(proxy.host() + "/it/tokens:1", options);
      assertThat(tokens.tokenRequests()).isGreaterThan(anonymous);
      assertThat(tokens.queries().get(anonymous)).contains("service=scratch4j-test-registry")
          .contains("scope=repository%3Ait%2Ftokens%3Apull%2Cpush");

      // Tokens now die after 2 s but claim to live 300 s; the push waits 2.5 s in the middle.
      tokens.setLifetimeSeconds(2);
      tokens.setAdvertisedLifetimeSeconds(300);
      int before = tokens.tokenRequests();
      // The push's first request (GET /v2/, before anything is written) fetches a token; the second
      // blob request waits until it has expired.
      java.util.concurrent.atomic.AtomicInteger heads = new java.util.concurrent.atomic.AtomicInteger();
      proxy.fail(r -> r.method().equals("HEAD") && r.path().contains("/blobs/") && heads.incrementAndGet() == 2,
          Fault.DELAY, 1);
      Image bigger = helloImage().add(Entry.file("/data", Source.of(random(1 << 20, 2))));
      Digest second = bigger.pushTo(proxy.host() + "/it/tokens:2", options.withAuthFile(dir.resolve("absent.json")));
      assertThat(tokens.tokenRequests()).isGreaterThanOrEqualTo(before + 2);
      assertThat(proxy.requests()).anySatisfy(r -> assertThat(r.status()).isEqualTo(401));
      String raw = Commands.run(Duration.ofMinutes(1), "skopeo", "inspect", "--raw", "--tls-verify=false",
          "--creds", "builder:token-pw", "docker://" + registry.host() + "/it/tokens:2").assertSuccess().stdout();
      assertThat("sha256:" + sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(second.toString());
      assertThat(first).isNotEqualTo(second);

      RegistryOptions wrong = options().withCredentials(proxy.host(), new RegistryCredentials("builder", "nope-pw"))
          .withInsecureRegistry(tokens.host());
      assertThatThrownBy(() -> helloImage().pushTo(proxy.host() + "/it/tokens:3", wrong))
          .isInstanceOf(RegistryException.class).hasMessageContaining("token service")
          .hasMessageContaining("user builder").hasMessageNotContaining("nope-pw");
    }
  }

  @Test
  void faultsAreRetriedAndABrokenChunkedUploadResumesWithTheSameDigests() throws Exception {
    Image image = helloImage().add(Layer.builder().addFile("/data", Source.of(random(5 << 20, 3))).build());
    RegistryOptions options = options().withCompression(Compression.NONE).withChunkSize(1 << 20).withConcurrency(2);
    Digest clean;
    try (RegistryServer reference = RegistryServer.anonymous()) {
      clean = image.pushTo(reference.host() + "/it/faults:1", options);
    }
    long layer = image.writeTo(dir.resolve("faults.tar")).layers().get(1).size();
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      proxy.fail(FaultProxy.request("HEAD", "/blobs/"), Fault.STATUS_500, 2);
      proxy.fail(FaultProxy.request("POST", "/blobs/uploads/"), Fault.STATUS_429, 1);
      proxy.fail(FaultProxy.request("POST", "/blobs/uploads/"), Fault.RESET_BEFORE, 1);
      // Chunks: one connection dropped, one refused; then the final PUT's answer is lost.
      proxy.fail(FaultProxy.request("PATCH", "/blobs/uploads/"), Fault.RESET_BEFORE, 1);
      proxy.fail(FaultProxy.request("PATCH", "/blobs/uploads/"), Fault.STATUS_500, 1);
      proxy.fail(r -> r.method().equals("PUT") && r.query().contains("digest="), Fault.RESET_AFTER_FORWARD, 1);
      proxy.fail(FaultProxy.request("PUT", "/manifests/"), Fault.RESET_AFTER_FORWARD, 1);
      proxy.fail(FaultProxy.request("PUT", "/manifests/"), Fault.STATUS_500, 1);
      Digest digest = image.pushTo(proxy.host() + "/it/faults:1", options);
      assertThat(digest).isEqualTo(clean);

      List<Recorded> all = proxy.requests();
      assertThat(all).extracting(Recorded::fault).contains("STATUS_500", "STATUS_429", "RESET_BEFORE",
          "RESET_AFTER_FORWARD");
      // Each broken chunk was followed by an upload status request, and the upload went on from
      // the registry's range: the registry received every byte of the layer exactly once.
      assertThat(all).filteredOn(r -> r.method().equals("GET") && r.path().contains("/blobs/uploads/"))
          .hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(204));
      long received = all.stream().filter(r -> r.method().equals("PATCH") && r.status() == 202)
          .mapToLong(Recorded::bodyBytes).sum();
      assertThat(received).isEqualTo(layer);
      assertThat(Image.from(registry.host() + "/it/faults@" + digest, options()).layers()).hasSize(2);
    }
  }

  @Test
  void aChunkWhoseAnswerIsLostStartsTheUploadOverOnThisRegistry() throws Exception {
    // distribution 2.8 signs the upload's offset into its URL (_state) and cancels an upload
    // asked about with an outdated one: after a lost answer, the only way on is a new upload.
    Image image = helloImage().add(Layer.builder().addFile("/data", Source.of(random(3 << 20, 4))).build());
    RegistryOptions options = options().withCompression(Compression.NONE).withChunkSize(1 << 20);
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      proxy.fail(FaultProxy.request("PATCH", "/blobs/uploads/"), Fault.RESET_AFTER_FORWARD, 1);
      Digest digest = image.pushTo(proxy.host() + "/it/lost:1", options);
      assertThat(Image.from(registry.host() + "/it/lost@" + digest, options()).layers()).hasSize(2);
      assertThat(proxy.requests()).filteredOn(r -> r.method().equals("POST")).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void stalledBodiesInBothDirectionsAreRetriedAndThePushAndPullComplete() throws Exception {
    // A 3 MiB layer, pushed in one PUT: the proxy stops reading its first attempt, which then
    // sits in the socket buffers and the proxy's; the client gives up after the 1 s timeout.
    Image image = helloImage().add(Layer.builder().addFile("/data", Source.of(random(3 << 20, 5))).build());
    RegistryOptions options = options().withCompression(Compression.NONE).withTimeout(Duration.ofSeconds(1));
    try (RegistryServer registry = RegistryServer.anonymous(); FaultProxy proxy = new FaultProxy(registry.host())) {
      proxy.fail(r -> r.method().equals("PUT") && r.query().contains("digest=") && r.bodyBytes() > (1 << 20),
          Fault.STOP_READING, 1);
      proxy.fail(FaultProxy.request("PUT", "/manifests/"), Fault.STALL_BODY, 1);
      // Each stall would last a minute; the guard fails the test long before, unless the client gives up by itself.
      Digest digest = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> image.pushTo(proxy.host() + "/it/stalls:1", pushing(options)));
      assertThat(proxy.requests()).extracting(Recorded::fault).contains("STOP_READING", "STALL_BODY");

      // Pulling it back: the manifest and a blob each stall once in the middle of their body.
      proxy.clearRecords();
      proxy.fail(FaultProxy.request("GET", "/manifests/"), Fault.STALL_BODY, 1);
      proxy.fail(r -> r.method().equals("GET") && r.path().contains("/blobs/sha256:"), Fault.STALL_BODY, 1);
      Image pulled = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Image.from(proxy.host() + "/it/stalls:1", options));
      assertThat(pulled.layers()).hasSize(2);
      assertThat(proxy.requests()).filteredOn(r -> "STALL_BODY".equals(r.fault())).hasSize(2);
      assertThat(Image.from(registry.host() + "/it/stalls@" + digest, options()).layers()).hasSize(2);
    }
  }
}
