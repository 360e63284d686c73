package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiveReadTest {
  @TempDir Path dir;

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Image sample() {
    return Image.fromScratch()
        .add(Entry.file("/hello", text("#!hello")).withMode(0755))
        .add(Entry.symlink("/bin/hi", "../hello"))
        .add(Layer.builder().addFile("/etc/motd", text("welcome\n")).addDirectory("/var/empty").build())
        .entrypoint("/hello")
        .cmd("--loud")
        .env("A", "1")
        .label("org.opencontainers.image.title", "sample")
        .expose("8080")
        .workingDir("/")
        .tag("sample:1.0")
        .tag("localhost:5000/team/sample:2");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void readsBackWhatItWrites(Compression compression) throws IOException {
    Path out = dir.resolve("sample.tar");
    Manifest written = sample().writeTo(out, WriteOptions.defaults().withCompression(compression));
    Archive archive = Archive.read(out);
    assertThat(archive.images()).hasSize(1);
    Image read = archive.images().get(0);
    assertThat(read.tags()).extracting(ImageReference::familiarName)
        .containsExactly("sample:1.0", "localhost:5000/team/sample:2");
    assertThat(read.config().entrypoint()).containsExactly("/hello");
    assertThat(read.config().cmd()).containsExactly("--loud");
    assertThat(read.config().env()).containsExactly("A=1");
    assertThat(read.config().exposedPorts()).containsExactly("8080/tcp");
    assertThat(read.config().platform()).contains(Platform.LINUX_AMD64);
    assertThat(read.layers()).hasSize(2);
    assertThat(read.layers()).extracting(l -> l.blob().orElseThrow()).containsExactlyElementsOf(written.layers());
    assertThat(read.layers().get(1).file("/etc/motd").orElseThrow().source().readAllBytes())
        .isEqualTo("welcome\n".getBytes(StandardCharsets.UTF_8));
    assertThat(read.fileSystem()).containsKeys("/hello", "/bin/hi", "/etc/motd", "/var/empty");

    // Writing what was read gives the same archive, byte for byte.
    Path again = dir.resolve("again.tar");
    List<Manifest> rewritten = Archive.read(out).writeTo(again, WriteOptions.defaults().withCompression(compression));
    assertThat(rewritten).containsExactly(written);
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    assertThat(Archive.read(again)).isEqualTo(archive);
  }

  @Test
  void readsAnOciLayoutDirectoryItWrites() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Manifest written = sample().writeTo(layout);
    assertThat(layout.resolve("oci-layout")).exists();
    assertThat(layout.resolve("index.json")).exists();
    assertThat(layout.resolve("blobs/sha256/" + written.config().digest().hex())).exists();
    Image read = Archive.read(layout).images().get(0);
    assertThat(read.layers()).extracting(l -> l.blob().orElseThrow()).containsExactlyElementsOf(written.layers());
    assertThat(read.tags()).hasSize(2);
  }

  @Test
  void writesALayoutToANewDirectoryWhenAsked() throws IOException {
    Path layout = dir.resolve("new-layout");
    sample().writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
    assertThat(layout).isDirectory();
    assertThat(Archive.read(layout).images()).hasSize(1);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(layout);
    }
  }

  @Test
  void addsToAnExistingLayoutReplacingTheSameTag() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Image.fromScratch().add(Entry.directory("/a")).tag("x:1").writeTo(layout);
    Image.fromScratch().add(Entry.directory("/b")).tag("x:2").writeTo(layout);
    Image.fromScratch().add(Entry.directory("/c")).tag("x:1").writeTo(layout);
    Archive archive = Archive.read(layout);
    assertThat(archive.images()).hasSize(2);
    assertThat(archive.image("x:2").orElseThrow().fileSystem()).containsKey("/b");
    assertThat(archive.image("x:1").orElseThrow().fileSystem()).containsKey("/c").doesNotContainKey("/a");
  }

  @Test
  void refusesALayoutInANonEmptyDirectoryThatIsNotOne() throws IOException {
    Path target = Files.createDirectory(dir.resolve("stuff"));
    Files.writeString(target.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> sample().writeTo(target))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("neither empty nor an OCI image layout");
    try (var files = Files.list(target)) {
      assertThat(files).containsExactly(target.resolve("notes.txt"));
    }
  }

  @Test
  void readsADockerArchiveWithoutAnIndex() throws IOException {
    Path out = dir.resolve("sample.tar");
    Manifest written = sample().writeTo(out);
    Map<String, byte[]> files = TarFiles.files(out);
    files.remove("index.json");
    files.remove("oci-layout");
    Path docker = dir.resolve("docker.tar");
    TarFiles.write(docker, files);
    Image read = Archive.read(docker).images().get(0);
    assertThat(read.layers()).extracting(l -> l.blob().orElseThrow().digest())
        .containsExactlyElementsOf(written.layers().stream().map(Descriptor::digest).toList());
    assertThat(read.tags()).extracting(ImageReference::familiarName).contains("sample:1.0");
    Path rewritten = dir.resolve("rewritten.tar");
    assertThat(Archive.read(docker).writeTo(rewritten)).containsExactly(written);
  }

  @Test
  void readsARootFileSystemTarballGzippedOrNot() throws Exception {
    Map<String, byte[]> rootfs = new LinkedHashMap<>();
    rootfs.put("./etc/os-release", "ID=test\n".getBytes(StandardCharsets.UTF_8));
    rootfs.put("./bin/sh", new byte[] {1, 2, 3});
    Path plain = dir.resolve("rootfs.tar");
    TarFiles.write(plain, rootfs);
    // GNU tar pads its output to a 10 KiB record: zeros after the end-of-archive blocks.
    Files.write(plain, new byte[10240], java.nio.file.StandardOpenOption.APPEND);
    Path gz = dir.resolve("rootfs.tar.gz");
    try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(plain));
    }
    for (Path p : List.of(plain, gz)) {
      Image base = Image.from(p);
      assertThat(base.layers()).hasSize(1);
      Layer layer = base.layers().get(0);
      assertThat(layer.blob().orElseThrow().size()).isEqualTo(Files.size(p));
      assertThat(layer.blob().orElseThrow().mediaType())
          .isEqualTo(p == gz ? MediaType.OCI_LAYER_GZIP : MediaType.OCI_LAYER);
      assertThat(base.fileSystem()).containsKeys("/etc/os-release", "/bin/sh");
      // The diff_id covers the whole tar stream, the padding after the end-of-archive blocks
      // included, as Docker computes it.
      assertThat(layer.diffId().orElseThrow().hex()).isEqualTo(
          java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
              .digest(Files.readAllBytes(plain))));
      assertThat(layer.file("/etc/os-release").orElseThrow().source().readAllBytes())
          .isEqualTo("ID=test\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void baseImageIsExtendedWithItsLayersCarriedOverByteForByte() throws IOException {
    Path basePath = dir.resolve("base.tar");
    Manifest base = sample().writeTo(basePath, WriteOptions.defaults().withCompression(Compression.GZIP));
    Path out = dir.resolve("derived.tar");
    Manifest derived = Image.from(basePath)
        .add(Entry.file("/app", text("app")).withMode(0755))
        .remove("/etc/motd")
        .entrypoint("/app")
        .tag("derived:1")
        .writeTo(out);
    assertThat(derived.layers().subList(0, 2)).isEqualTo(base.layers());
    Image read = Archive.read(out).images().get(0);
    assertThat(read.tags()).extracting(ImageReference::familiarName).containsExactly("derived:1");
    assertThat(read.config().env()).containsExactly("A=1");
    assertThat(read.config().entrypoint()).containsExactly("/app");
    // A Dockerfile's ENTRYPOINT resets an inherited CMD; so does entrypoint().
    assertThat(read.config().cmd()).isEmpty();
    assertThat(read.config().history()).hasSize(3);
    assertThat(read.fileSystem()).containsKeys("/app", "/hello").doesNotContainKey("/etc/motd");
    assertThat(read.layers().get(2).entries()).contains(Whiteout.of("/etc/motd"));
  }

  @Test
  void removingWhatNoLayerHasIsAnError() {
    assertThatThrownBy(() -> sample().remove("/nope"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("/nope");
  }

  @Test
  void replaceWritesAnOpaqueWhiteout() throws IOException {
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("index.html"), "new");
    Image base = Image.fromScratch().add(Layer.builder().addFile("/www/old.html", text("old")).build());
    Image replaced = base.replace(site, "/www");
    assertThat(replaced.layers().get(1).entries()).contains(Whiteout.opaque("/www"));
    assertThat(replaced.fileSystem()).containsKey("/www/index.html").doesNotContainKey("/www/old.html");
  }

  @Test
  void aFileUnderABaseSymlinkIsWrittenWhereTheLinkLeads() throws IOException {
    Image base = Image.fromScratch().add(Layer.builder().addSymlink("/lib", "usr/lib").addDirectory("/usr/lib").build());
    Path basePath = dir.resolve("base.tar");
    base.writeTo(basePath);
    Path out = dir.resolve("x.tar");
    Manifest m = Image.from(basePath).add(Entry.file("/lib/libx.so", text("x"))).writeTo(out);
    byte[] top = TarFiles.read(out).get("blobs/sha256/" + m.layers().get(1).digest().hex()).content();
    assertThat(TarFiles.read(top).keySet()).containsExactly("usr/", "usr/lib/", "usr/lib/libx.so");
  }

  @Test
  void indexHoldsOneManifestPerPlatform() throws IOException {
    Image amd = Image.fromScratch().add(Entry.file("/hello", text("amd64"))).platform(Platform.LINUX_AMD64);
    Image arm = Image.fromScratch().add(Entry.file("/hello", text("arm64"))).platform(Platform.LINUX_ARM64);
    Path layout = Files.createDirectory(dir.resolve("layout"));
    ImageIndex.of(amd, arm).tag("hello:multi").writeTo(layout);
    Archive read = Archive.read(layout);
    assertThat(read.indexes()).hasSize(1);
    assertThat(read.indexes().get(0).images()).extracting(i -> i.config().platform().orElseThrow())
        .containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    assertThatThrownBy(() -> ImageIndex.of(amd, amd).writeTo(dir.resolve("dup.tar")))
        .hasMessageContaining("linux/amd64");
  }

  @Test
  void anUntaggedIndexIsListedWithoutANameAndReadsBackWhole() throws IOException {
    Image amd = Image.fromScratch().add(Entry.file("/hello", text("amd64"))).platform(Platform.LINUX_AMD64);
    Image arm = Image.fromScratch().add(Entry.file("/hello", text("arm64"))).platform(Platform.LINUX_ARM64);
    for (String target : new String[] {"untagged.tar", "untagged-layout"}) {
      Path out = dir.resolve(target);
      if (!target.endsWith(".tar")) {
        Files.createDirectories(out);
      }
      ImageIndex.of(amd, arm).writeTo(out);
      Archive read = Archive.read(out);
      assertThat(read.indexes()).as(target).hasSize(1);
      assertThat(read.indexes().get(0).tags()).isEmpty();
      assertThat(read.indexes().get(0).images()).extracting(i -> i.config().platform().orElseThrow())
          .containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    }
  }

  @Test
  void anArchiveWithAnIndexAndImagesRoundTrips() throws IOException {
    Image amd = Image.fromScratch().add(Entry.file("/hello", text("amd64"))).platform(Platform.LINUX_AMD64);
    Image arm = Image.fromScratch().add(Entry.file("/hello", text("arm64"))).platform(Platform.LINUX_ARM64);
    Archive archive = Archive.builder().add(ImageIndex.of(amd, arm).tag("hello:multi")).add(sample()).build();
    for (Compression c : Compression.values()) {
      Path first = dir.resolve("first-" + c + ".tar");
      archive.writeTo(first, WriteOptions.defaults().withCompression(c));
      Archive read = Archive.read(first);
      assertThat(read.indexes()).hasSize(1);
      assertThat(read.images()).hasSize(1);
      assertThat(read.indexes().get(0).tags()).extracting(ImageReference::familiarName).containsExactly("hello:multi");
      Path second = dir.resolve("second-" + c + ".tar");
      read.writeTo(second, WriteOptions.defaults().withCompression(c));
      assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
      assertThat(Archive.read(second)).isEqualTo(read);
    }
  }

  @Test
  void twoImagesShareTheirCommonLayer() throws IOException {
    Path basePath = dir.resolve("base.tar");
    sample().writeTo(basePath);
    Image scratch = Image.fromScratch().add(Entry.file("/hello", text("#!hello")).withMode(0755)).tag("hello:scratch");
    Image onBase = Image.from(basePath).add(Entry.file("/hello2", text("2"))).tag("hello:alpine");
    Path out = dir.resolve("two.tar");
    List<Manifest> manifests = Archive.of(scratch, onBase).writeTo(out);
    assertThat(Archive.read(out).images()).hasSize(2);
    long layerBlobs = manifests.stream().flatMap(m -> m.layers().stream()).map(Descriptor::digest).distinct().count();
    long blobs = TarFiles.read(out).keySet().stream().filter(n -> n.matches("blobs/sha256/[0-9a-f]{64}")).count();
    assertThat(blobs).isEqualTo(layerBlobs + 2 * 2);
  }

  // Hostile and broken input.

  private Path sampleArchive() throws IOException {
    Path out = dir.resolve("sample.tar");
    sample().writeTo(out);
    return out;
  }

  private Path rewrite(Map<String, byte[]> files) throws IOException {
    Path p = dir.resolve("crafted.tar");
    TarFiles.write(p, files);
    return p;
  }

  @Test
  void refusesABlobWhoseDigestDoesNotMatch() throws IOException {
    Map<String, byte[]> files = TarFiles.files(sampleArchive());
    String layer = files.keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && files.get(n).length > 1024)
        .findFirst().orElseThrow();
    byte[] tampered = files.get(layer).clone();
    tampered[600] ^= 1;
    files.put(layer, tampered);
    assertThatThrownBy(() -> Archive.read(rewrite(files)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(layer.substring("blobs/sha256/".length()));
  }

  @Test
  void refusesABlobWhoseSizeDoesNotMatch() throws IOException {
    Map<String, byte[]> files = TarFiles.files(sampleArchive());
    String layer = files.keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && files.get(n).length > 1024)
        .findFirst().orElseThrow();
    files.put(layer, java.util.Arrays.copyOf(files.get(layer), files.get(layer).length + 512));
    assertThatThrownBy(() -> Archive.read(rewrite(files)))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("bytes");
  }

  @Test
  void refusesAMissingBlob() throws IOException {
    Map<String, byte[]> files = TarFiles.files(sampleArchive());
    String layer = files.keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && files.get(n).length > 1024)
        .findFirst().orElseThrow();
    files.remove(layer);
    assertThatThrownBy(() -> Archive.read(rewrite(files)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("does not have");
  }

  @Test
  void refusesManifestPathsOutsideTheArchive() throws IOException {
    Map<String, byte[]> files = TarFiles.files(sampleArchive());
    files.remove("index.json");
    files.put("manifest.json", "[{\"Config\":\"../../etc/passwd\",\"RepoTags\":[],\"Layers\":[]}]"
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Archive.read(rewrite(files)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("../../etc/passwd")
        .hasMessageContaining("outside the archive");
  }

  @Test
  void refusesManifestPathsThatAreLinks() throws IOException {
    Map<String, byte[]> files = TarFiles.files(sampleArchive());
    files.remove("index.json");
    String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8)
        .replaceFirst("\"Config\":\"[^\"]*\"", "\"Config\":\"config.json\"");
    files.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
    Path p = dir.resolve("crafted.tar");
    try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(p))) {
      out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      var link = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("config.json",
          org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
      link.setLinkName("/etc/passwd");
      out.putArchiveEntry(link);
      out.closeArchiveEntry();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        out.putArchiveEntry(e);
        out.write(f.getValue());
        out.closeArchiveEntry();
      }
    }
    assertThatThrownBy(() -> Archive.read(p))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("link");
  }

  @Test
  void refusesHostileJson() throws IOException {
    Map<String, byte[]> base = TarFiles.files(sampleArchive());
    Map<String, String> cases = Map.of(
        "{\"schemaVersion\":2,\"schemaVersion\":2,\"manifests\":[]}", "duplicate",
        "[".repeat(5000) + "]".repeat(5000), "nesting",
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:" + "a".repeat(64)
            + "\",\"size\":1" + "0".repeat(100) + "}]}", "Number",
        // (An entry of a media type scratch4j does not know is ignored, digest and all: OCI image-spec, image-index.md.)
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_MANIFEST
            + "\",\"digest\":\"sha256:../../x\",\"size\":1}]}", "digest",
        "{\"schemaVersion\":2,\"manifests\":[] } trailing", "JSON");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Map<String, byte[]> files = new LinkedHashMap<>(base);
      files.put("index.json", c.getKey().getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> Archive.read(rewrite(files)))
          .as(c.getValue())
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("index.json");
    }
  }

  @Test
  void refusesALayerEntryThatEscapesTheRoot() throws IOException {
    Map<String, byte[]> rootfs = new LinkedHashMap<>();
    rootfs.put("../../etc/cron.d/evil", "x".getBytes(StandardCharsets.UTF_8));
    Path p = rewrite(rootfs);
    assertThatThrownBy(() -> Image.from(p))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("../../etc/cron.d/evil");
  }

  @Test
  void refusesATarThatEndsEarly() throws IOException {
    byte[] whole = Files.readAllBytes(sampleArchive());
    for (int cut : new int[] {100, 700, whole.length / 2, whole.length - 1024}) {
      Path p = dir.resolve("cut.tar");
      Files.write(p, java.util.Arrays.copyOf(whole, cut));
      assertThatThrownBy(() -> Archive.read(p)).as("cut at " + cut).isInstanceOf(ImageFormatException.class);
    }
  }

  @Test
  void anArchiveWrittenToAStreamReadsTheSame() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    sample().writeTo(bytes);
    Path p = Files.write(dir.resolve("s.tar"), bytes.toByteArray());
    assertThat(Archive.read(p)).isEqualTo(Archive.read(sampleArchive()));
  }
}
