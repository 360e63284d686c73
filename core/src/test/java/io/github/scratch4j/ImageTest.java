package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path executable(String name, String content) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    file.toFile().setExecutable(true, false);
    return file;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void everyCallReturnsANewImage() throws IOException {
    Image scratch = Image.fromScratch();
    Image withFile = scratch.add(executable("hello", "x"));
    Image withEntrypoint = withFile.entrypoint("/hello");
    assertThat(scratch.layers()).isEmpty();
    assertThat(withFile.layers()).hasSize(1);
    assertThat(withFile.config().entrypoint()).isEmpty();
    assertThat(withEntrypoint.config().entrypoint()).containsExactly("/hello");
    assertThat(withEntrypoint).isNotSameAs(withFile);
  }

  @Test
  void addPlacesAFileAtItsNameAndKeepsTheExecutableBit() throws IOException {
    Image image = Image.fromScratch().add(executable("hello", "x")).add(Files.writeString(dir.resolve("data.txt"), "d"));
    Layer layer = image.layers().get(0);
    assertThat(image.layers()).hasSize(1);
    assertThat(layer.entry("/hello").orElseThrow().mode()).isEqualTo(0755);
    assertThat(layer.entry("/data.txt").orElseThrow().mode()).isEqualTo(0644);
  }

  @Test
  void addWithDestinationAndDirectories() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(tree.resolve("app.yaml"), "a: 1");
    Image image = Image.fromScratch()
        .add(executable("hello", "x"), "/usr/bin/hi")
        .add(executable("tool", "y"), "/opt/")
        .add(tree);
    Layer layer = image.layers().get(0);
    assertThat(layer.entry("/usr/bin/hi")).isPresent();
    assertThat(layer.entry("/opt/tool")).isPresent();
    assertThat(layer.entry("/conf/app.yaml")).isPresent();
  }

  @Test
  void addingALayerStartsANewOne() throws IOException {
    Layer libs = Layer.builder().addFile("/lib/x", Source.of(new byte[] {1})).build();
    Image image = Image.fromScratch().add(executable("a", "x")).add(libs).add(executable("b", "y"));
    assertThat(image.layers()).hasSize(3);
    assertThat(image.layers().get(1)).isSameAs(libs);
  }

  @Test
  void addingTheSamePathTwiceIsAnError() throws IOException {
    Path hello = executable("hello", "x");
    assertThatThrownBy(() -> Image.fromScratch().add(hello).add(hello))
        .isInstanceOf(DuplicateEntryException.class)
        .hasMessageContaining("/hello");
  }

  @Test
  void invalidTagsAreRefused() {
    assertThatThrownBy(() -> Image.fromScratch().tag("Hello World"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("Hello World");
    assertThatThrownBy(() -> Image.fromScratch().tag("hello@sha256:" + "0".repeat(64)))
        .hasMessageContaining("digest");
  }

  @Test
  void archiveIsBothADockerArchiveAndAnOciLayout() throws Exception {
    Path out = dir.resolve("hello.tar");
    Manifest manifest = Image.fromScratch()
        .add(executable("hello", "#!hello"))
        .entrypoint("/hello")
        .env("PATH", "/")
        .tag("hello:1.0")
        .tag("localhost:5000/team/hello")
        .writeTo(out);

    Map<String, TarFiles.Item> tar = TarFiles.read(out);
    assertThat(tar.keySet()).startsWith("blobs/", "blobs/sha256/")
        .endsWith("index.json", "manifest.json", "oci-layout");
    // Every blob is named by the digest of its content.
    for (Map.Entry<String, TarFiles.Item> e : tar.entrySet()) {
      if (e.getKey().startsWith("blobs/sha256/") && e.getValue().header().isFile()) {
        assertThat(sha256(e.getValue().content())).isEqualTo(e.getKey().substring("blobs/sha256/".length()));
      }
    }
    assertThat(tar.get("oci-layout").text()).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");

    JsonNode docker = JSON.readTree(tar.get("manifest.json").content());
    assertThat(docker).hasSize(1);
    assertThat(docker.get(0).get("Config").asText()).isEqualTo("blobs/sha256/" + manifest.config().digest().hex());
    assertThat(docker.get(0).get("RepoTags")).extracting(JsonNode::asText)
        .containsExactly("docker.io/library/hello:1.0", "localhost:5000/team/hello:latest");
    assertThat(docker.get(0).get("Layers")).extracting(JsonNode::asText)
        .containsExactly("blobs/sha256/" + manifest.layers().get(0).digest().hex());

    JsonNode index = JSON.readTree(tar.get("index.json").content());
    assertThat(index.get("mediaType").asText()).isEqualTo(MediaType.OCI_INDEX);
    assertThat(index.get("manifests")).hasSize(2);
    JsonNode first = index.get("manifests").get(0);
    assertThat(first.get("digest").asText()).isEqualTo(manifest.digest().toString());
    assertThat(first.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("docker.io/library/hello:1.0");
    assertThat(first.get("annotations").get("io.containerd.image.name").asText())
        .isEqualTo("docker.io/library/hello:1.0");

    JsonNode config = JSON.readTree(tar.get("blobs/sha256/" + manifest.config().digest().hex()).content());
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    assertThat(config.get("os").asText()).isEqualTo("linux");
    assertThat(config.get("config").get("Entrypoint")).extracting(JsonNode::asText).containsExactly("/hello");
    assertThat(config.get("config").get("Env")).extracting(JsonNode::asText).containsExactly("PATH=/");
    // rootfs.diff_ids are computed from the layer tars.
    String layerHex = manifest.layers().get(0).digest().hex();
    assertThat(config.get("rootfs").get("diff_ids").get(0).asText())
        .isEqualTo("sha256:" + sha256(tar.get("blobs/sha256/" + layerHex).content()));
    assertThat(config.get("history")).hasSize(1);

    Map<String, TarFiles.Item> layer = TarFiles.read(tar.get("blobs/sha256/" + layerHex).content());
    assertThat(layer).containsOnlyKeys("hello");
    assertThat(layer.get("hello").text()).isEqualTo("#!hello");
    assertThat(layer.get("hello").header().getMode() & 07777).isEqualTo(0755);
  }

  @Test
  void anUntaggedImageIsNamedAfterItsEntrypoint() throws Exception {
    Path out = dir.resolve("a.tar");
    Image.fromScratch().add(executable("My_Server", "x")).entrypoint("/My_Server", "--port", "80").writeTo(out);
    JsonNode docker = JSON.readTree(TarFiles.read(out).get("manifest.json").content());
    assertThat(docker.get(0).get("RepoTags").get(0).asText()).isEqualTo("docker.io/library/my_server:latest");
    Path other = dir.resolve("b.tar");
    Image.fromScratch().add(executable("x", "x")).writeTo(other);
    assertThat(JSON.readTree(TarFiles.read(other).get("manifest.json").content()).get(0).get("RepoTags").get(0).asText())
        .isEqualTo("docker.io/library/scratch4j:latest");
  }

  @Test
  void pathAndStreamTargetsGetTheSameBytes() throws Exception {
    Image image = Image.fromScratch()
        .add(executable("hello", "x".repeat(100_000)))
        .add(Layer.builder().addFile("/etc/motd", Source.of(3, () -> new java.io.ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8)))).build())
        .entrypoint("/hello");
    Path file = dir.resolve("file.tar");
    Manifest fromFile = image.writeTo(file);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    Manifest fromStream = image.writeTo(stream);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(file));
    assertThat(fromStream).isEqualTo(fromFile);
  }

  @Test
  void aSmallLayerIsReadOnceToAStreamAndALargeOneTwice() throws Exception {
    int[] opened = {0};
    Source small = Source.of(1 << 20, () -> {
      opened[0]++;
      return new java.io.ByteArrayInputStream(new byte[1 << 20]);
    });
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    Manifest held = Image.fromScratch().add(Layer.builder().addFile("/small", small).build()).writeTo(stream);
    assertThat(opened[0]).as("a 1 MiB layer is generated once, into memory").isEqualTo(1);
    Path file = dir.resolve("small.tar");
    assertThat(Image.fromScratch().add(Layer.builder().addFile("/small", small).build()).writeTo(file)).isEqualTo(held);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(file));

    opened[0] = 0;
    int size = (4 << 20) + 1;
    Source large = Source.of(size, () -> {
      opened[0]++;
      return new java.io.ByteArrayInputStream(new byte[size]);
    });
    stream.reset();
    Image.fromScratch().add(Layer.builder().addFile("/large", large).build()).writeTo(stream);
    assertThat(opened[0]).as("a layer of more than 4 MiB is hashed first, then written").isEqualTo(2);
  }

  @Test
  void layersGeneratedSideBySideRunOnTheCallersExecutorAndGiveTheSameBytes() throws Exception {
    Image image = Image.fromScratch().add(executable("one", "1".repeat(10_000)))
        .add(Layer.builder().addFile("/two", Source.of(new byte[20_000])).build())
        .add(Layer.builder().addFile("/three", Source.of(new byte[30_000])).build());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.concurrent.Executor mine = r -> pool.execute(() -> {
        threads.add(Thread.currentThread().getName());
        r.run();
      });
      WriteOptions options = WriteOptions.defaults().withExecutor(mine);
      assertThat(options.executor()).containsSame(mine);
      assertThat(options).isNotEqualTo(WriteOptions.defaults()).isEqualTo(WriteOptions.defaults().withExecutor(mine));
      Path file = dir.resolve("mine.tar");
      image.writeTo(file, options);
      assertThat(threads).as("threads of the caller's executor that generated layers into the file").isNotEmpty();
      image.writeTo(dir.resolve("own.tar"));
      assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(dir.resolve("own.tar")));

      threads.clear();
      Path layout = dir.resolve("layout");
      image.writeTo(layout, options.withFormat(WriteOptions.Format.OCI_LAYOUT));
      assertThat(threads).as("threads that generated layers into the layout").isNotEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void largeFilesTakeTheMappedPathAndGiveTheSameBytes() throws Exception {
    byte[] content = new byte[(3 << 20) + 123];
    new java.util.Random(7).nextBytes(content);
    Path big = Files.write(dir.resolve("big.bin"), content);
    Image image = Image.fromScratch().add(big).add(Layer.builder().addPath(big, "/second.bin").build());
    Path file = dir.resolve("big.tar");
    Manifest m = image.writeTo(file);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    image.writeTo(stream);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(file));
    Map<String, TarFiles.Item> tar = TarFiles.read(file);
    byte[] layer = tar.get("blobs/sha256/" + m.layers().get(0).digest().hex()).content();
    assertThat(sha256(layer)).isEqualTo(m.layers().get(0).digest().hex());
    assertThat(TarFiles.read(layer).get("big.bin").content()).isEqualTo(content);
    Path gz = dir.resolve("big-gz.tar");
    image.writeTo(gz, WriteOptions.defaults().withCompression(Compression.GZIP));
    assertThat(Archive.read(gz).images().get(0).layers().get(0).diffId()).contains(m.layers().get(0).digest());
  }

  @Test
  void aLargeSourceThatGrowsFails() throws Exception {
    Path big = Files.write(dir.resolve("big.bin"), new byte[2 << 20]);
    Image image = Image.fromScratch().add(big);
    Files.write(big, new byte[10], java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("grew");
  }

  @Test
  void identicalLayersAreStoredOnce() throws Exception {
    Layer same = Layer.builder().addFile("/f", Source.of(new byte[] {1, 2, 3})).build();
    Layer equal = Layer.builder().addFile("/f", Source.of(new byte[] {1, 2, 3})).build();
    Path out = dir.resolve("a.tar");
    Image image = Image.fromScratch().add(same).add(Layer.builder().addFile("/g", Source.of(new byte[0])).build()).add(equal);
    Manifest m = image.writeTo(out);
    assertThat(m.layers()).hasSize(3);
    assertThat(m.layers().get(0)).isEqualTo(m.layers().get(2));
    long blobs = TarFiles.read(out).keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && n.length() > 13).count();
    assertThat(blobs).isEqualTo(2 + 2);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    image.writeTo(stream);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(out));
  }

  @Test
  void sourceThatGrowsFailsAndLeavesNoFile() throws Exception {
    Path data = Files.writeString(dir.resolve("data"), "12345");
    Image image = Image.fromScratch().add(data);
    Files.writeString(data, "1234567890");
    Path out = dir.resolve("out.tar");
    assertThatThrownBy(() -> image.writeTo(out))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("/data")
        .hasMessageContaining("grew")
        .hasMessageContaining("expected 5 bytes");
    assertNothingWrittenBeside(out);
  }

  @Test
  void sourceThatShrinksFailsAndLeavesNoFile() throws Exception {
    Path data = Files.writeString(dir.resolve("data"), "12345");
    Image image = Image.fromScratch().add(data);
    Files.writeString(data, "12");
    Path out = dir.resolve("out.tar");
    assertThatThrownBy(() -> image.writeTo(out))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("shrank")
        .hasMessageContaining("got 2");
    assertNothingWrittenBeside(out);
  }

  @Test
  void aSmallSourceRemovedOrReplacedByADirectoryFailsNamingItAndLeavesNoFile() throws Exception {
    assertThat(writeFailureAfter(Files::delete))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("/data")
        .hasMessageContaining("was removed after it was added")
        .hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThat(writeFailureAfter(data -> {
      Files.delete(data);
      Files.createDirectory(data);
    }))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("/data")
        .hasMessageContaining("is no longer a regular file");
  }

  /** A change made to a file after it was added to an image. */
  private interface FileChange {
    void make(Path file) throws IOException;
  }

  /**
   * What writing an image of the small file {@code data} fails with once {@code change} was made
   * to it after it was added; the write leaves nothing beside its target.
   */
  private Throwable writeFailureAfter(FileChange change) throws IOException {
    Path data = Files.writeString(dir.resolve("data"), "12345");
    Image image = Image.fromScratch().add(data);
    change.make(data);
    Path out = dir.resolve("out.tar");
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> image.writeTo(out));
    assertNothingWrittenBeside(out);
    return thrown;
  }

  @Test
  void sourceThatGivesDifferentBytesOnTheSecondReadFailsAStreamWrite() {
    // Larger than the 4 MiB a stream target holds in memory, so the layer is read twice.
    int size = (4 << 20) + 1;
    int[] calls = {0};
    Source flaky = Source.of(size, () -> {
      byte[] content = new byte[size];
      java.util.Arrays.fill(content, (byte) calls[0]++);
      return new java.io.ByteArrayInputStream(content);
    });
    Image image = Image.fromScratch().add(Layer.builder().addFile("/f", flaky).build());
    assertThatThrownBy(() -> image.writeTo(new ByteArrayOutputStream()))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("changed between hashing it and writing it");
  }

  @Test
  void unreadableSourceFailsAndLeavesNoFile() throws Exception {
    Source denied = Source.of(4, () -> {
      throw new AccessDeniedException("/secret");
    });
    Path out = dir.resolve("out.tar");
    Files.writeString(out, "previous content");
    Image image = Image.fromScratch().add(Layer.builder().addFile("/secret", denied).build());
    assertThatThrownBy(() -> image.writeTo(out)).isInstanceOf(AccessDeniedException.class).hasMessageContaining("/secret");
    // A failed write leaves what was there before untouched, and no temporary file.
    assertThat(Files.readString(out)).isEqualTo("previous content");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void missingSourceFailsWhenAdded() {
    Path missing = dir.resolve("hello");
    assertThatThrownBy(() -> Image.fromScratch().add(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void missingTargetDirectoryIsReported() {
    Path out = dir.resolve("no/such/dir/out.tar");
    assertThatThrownBy(() -> Image.fromScratch().add(Entry.directory("/d")).writeTo(out))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining(out.toString());
  }

  @Test
  void sameTagOnTwoImagesOfOneArchiveIsAnError() {
    Image a = Image.fromScratch().add(Entry.directory("/a")).tag("x:1");
    Image b = Image.fromScratch().add(Entry.directory("/b")).tag("x:1");
    Path out = dir.resolve("two.tar");
    assertThatThrownBy(() -> Archive.of(a, b).writeTo(out)).hasMessageContaining("x:1");
    assertThat(out).doesNotExist();
  }

  private void assertNothingWrittenBeside(Path out) throws IOException {
    assertThat(out).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void archiveOfSeveralImagesSharesBlobs() throws Exception {
    Layer shared = Layer.builder().addFile("/hello", Source.of(new byte[] {7}), 0755).build();
    Image a = Image.fromScratch().add(shared).entrypoint("/hello").tag("hello:a");
    Image b = Image.fromScratch().add(shared).entrypoint("/hello", "b").tag("hello:b");
    Path out = dir.resolve("two.tar");
    List<Manifest> manifests = Archive.of(a, b).writeTo(out);
    assertThat(manifests.get(0).layers()).isEqualTo(manifests.get(1).layers());
    Map<String, TarFiles.Item> tar = TarFiles.read(out);
    assertThat(tar.keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && n.length() > 13)).hasSize(1 + 2 + 2);
    assertThat(JSON.readTree(tar.get("manifest.json").content())).hasSize(2);
  }
}
