package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import io.github.scratch4j.internal.Timestamps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTest {
  @TempDir Path dir;

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void impliesParentDirectoriesOwnedByRoot() {
    Layer layer = Layer.builder().owner(1000, 1000).addFile("/usr/local/bin/app", text("x")).build();
    assertThat(layer.entries()).extracting(Entry::path)
        .containsExactly("/usr", "/usr/local", "/usr/local/bin", "/usr/local/bin/app");
    assertThat(layer.entries().get(0)).isInstanceOf(DirectoryEntry.class);
    assertThat(layer.entries().get(0).uid()).isZero();
    assertThat(layer.entries().get(0).mode()).isEqualTo(0755);
    assertThat(layer.entries().get(3).uid()).isEqualTo(1000);
    assertThat(layer.isImplied("/usr/local")).isTrue();
    assertThat(layer.isImplied("/usr/local/bin/app")).isFalse();
  }

  @Test
  void explicitDirectoryIsNotReplacedByAnImpliedOne() {
    Layer layer = Layer.builder()
        .addFile("/app/bin/run", text("x"))
        .add(Entry.directory("/app").withMode(0700).withOwner(10, 10))
        .build();
    assertThat(layer.entry("/app")).contains(Entry.directory("/app").withMode(0700).withOwner(10, 10));
    assertThat(layer.isImplied("/app")).isFalse();
    assertThat(layer.isImplied("/app/bin")).isTrue();
  }

  @Test
  void twoEntriesAtOnePathIsAnError() {
    Layer.Builder b = Layer.builder().addFile("/etc/hosts", text("a"));
    assertThatThrownBy(() -> b.addSymlink("etc//hosts", "/x"))
        .isInstanceOf(DuplicateEntryException.class)
        .hasMessageContaining("/etc/hosts");
  }

  @Test
  void entryUnderAFileIsAnError() {
    Layer.Builder b = Layer.builder().addFile("/a", text("file")).addFile("/a/b", text("x"));
    assertThatThrownBy(b::build)
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("/a/b")
        .hasMessageContaining("not a directory");
  }

  @Test
  void entryUnderASymlinkIsAnError() {
    Layer.Builder b = Layer.builder().addSymlink("/lib", "usr/lib").addFile("/lib/libc.so", text("x"));
    assertThatThrownBy(b::build).hasMessageContaining("symbolic link");
  }

  @Test
  void equalWhenContentIsEqual() {
    Instant t = Instant.ofEpochSecond(5);
    Layer a = Layer.builder().mtime(t).addFile("/f", text("x")).addSymlink("/l", "f").build();
    Layer b = Layer.builder().mtime(t).addSymlink("/l", "f").addFile("/f", text("x")).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(Layer.builder().mtime(t).addFile("/f", text("y")).build());
    assertThat(a.toBuilder().build()).isEqualTo(a);
  }

  @Test
  void builtLayersDifferByWhatMadeThem() {
    Layer a = Layer.builder().addFile("/f", text("x")).createdBy("one").build();
    assertThat(a).isNotEqualTo(Layer.builder().addFile("/f", text("x")).createdBy("two").build())
        .isNotEqualTo(Layer.builder().addFile("/f", text("x")).build());
    assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
  }

  @Test
  void storedLayersAreEqualByBlobAndDiffIdWhateverHoldsTheirBytes() throws Exception {
    byte[] bytes = "not read for equality".getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER, Digest.parse("sha256:" + "a".repeat(64)), bytes.length);
    Digest diffId = Digest.parse("sha256:" + "b".repeat(64));
    Layer inMemory = Layer.ofBlob(d, diffId, Source.of(bytes));
    Layer onDisk = Layer.ofBlob(d, diffId, Source.of(Files.write(dir.resolve("blob"), bytes)));
    assertThat(inMemory).isEqualTo(onDisk).hasSameHashCodeAs(onDisk);
    assertThat(inMemory).isNotEqualTo(Layer.ofBlob(d, Digest.parse("sha256:" + "c".repeat(64)), Source.of(bytes)));
  }

  @Test
  void aLayerIsEitherBuiltOrStoredWithOnlyWhatThatKindHas() throws Exception {
    Layer built = Layer.builder().addFile("/d/f", text("x")).createdBy("copy").build();
    assertThat(built.blob()).isEmpty();
    assertThat(built.diffId()).isEmpty();
    assertThat(built.blobContent()).isEmpty();
    assertThat(built.isImplied("/d")).isTrue();
    assertThat(built.createdBy()).contains("copy");

    Image image = Image.fromScratch().add(built);
    Layer stored = Archive.read(write(image)).images().get(0).layers().get(0);
    assertThat(stored.blob()).isPresent();
    assertThat(stored.diffId()).isPresent();
    assertThat(stored.blobContent().orElseThrow().size()).isEqualTo(stored.blob().orElseThrow().size());
    assertThat(stored.isImplied("/d")).isFalse();
    assertThat(stored.createdBy()).isEmpty();
    assertThat(stored).isNotEqualTo(built);
    assertThat(stored.entries()).extracting(Entry::path).containsExactly("/d", "/d/f");
  }

  @Test
  void aLayerMadeOfABlobReadsTheEntriesAReaderListed() throws Exception {
    Layer read = Archive.read(write(Image.fromScratch().add(Layer.builder().addFile("/d/f", text("x")).build())))
        .images().get(0).layers().get(0);
    Layer again = Layer.ofBlob(read.blob().orElseThrow(), read.diffId().orElseThrow(), read.blobContent().orElseThrow());
    assertThat(again).isEqualTo(read).hasSameHashCodeAs(read);
    assertThat(again.entries()).isEqualTo(read.entries());
    assertThat(again.file("/d/f").orElseThrow().readString()).isEqualTo("x");
  }

  private static byte[] write(Image image) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    image.without(ImageCheck.values()).writeTo(out);
    return out.toByteArray();
  }

  @Test
  void entriesAreImmutable() {
    Layer layer = Layer.builder().addFile("/f", text("x")).build();
    assertThatThrownBy(() -> layer.entries().add(Entry.directory("/d")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void validatesModesAndOwners() {
    assertThatThrownBy(() -> Entry.file("/f", text("x")).withMode(010000)).hasMessageContaining("07777");
    assertThatThrownBy(() -> Entry.file("/f", text("x")).withOwner(-1, 0)).hasMessageContaining("negative");
  }

  @Test
  void addPathPlacesATreeAndNormalizesPermissions() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("site"));
    Files.writeString(tree.resolve("index.html"), "<h1>hi</h1>");
    Path bin = Files.createDirectories(tree.resolve("bin"));
    Path run = Files.writeString(bin.resolve("run"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrw----"));
    Files.createDirectories(tree.resolve("empty"));
    Files.createSymbolicLink(tree.resolve("home"), Path.of("index.html"));

    Layer layer = Layer.builder().addPath(tree, "/srv/site").build();

    assertThat(layer.entries()).extracting(Entry::path).containsExactly(
        "/srv", "/srv/site", "/srv/site/bin", "/srv/site/bin/run", "/srv/site/empty", "/srv/site/home",
        "/srv/site/index.html");
    assertThat(layer.entry("/srv/site/bin/run").orElseThrow().mode()).isEqualTo(0755);
    assertThat(layer.entry("/srv/site/index.html").orElseThrow().mode()).isEqualTo(0644);
    assertThat(layer.entry("/srv/site/home").orElseThrow())
        .isEqualTo(Entry.symlink("/srv/site/home", "index.html"));
  }

  @Test
  void followLinksArchivesTheTarget() throws Exception {
    Path target = Files.writeString(dir.resolve("real"), "content");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    Layer layer = Layer.builder().addPath(link, "/l", CopyOption.FOLLOW_LINKS).build();
    assertThat(layer.entry("/l").orElseThrow()).isInstanceOf(FileEntry.class);
  }

  @Test
  void keepPermissionsKeepsSetuidAndSticky() throws Exception {
    Path file = Files.writeString(dir.resolve("su"), "x");
    assertThat(new ProcessBuilder("chmod", "4755", file.toString()).start().waitFor()).isZero();
    Path sticky = Files.createDirectories(dir.resolve("tmp"));
    new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor();
    Layer kept = Layer.builder()
        .addPath(file, "/su", CopyOption.KEEP_PERMISSIONS)
        .addPath(sticky, "/tmp", CopyOption.KEEP_PERMISSIONS)
        .build();
    assertThat(kept.entry("/su").orElseThrow().mode()).isEqualTo(04755);
    assertThat(kept.entry("/tmp").orElseThrow().mode()).isEqualTo(01777);
    Layer normalized = Layer.builder().addPath(file, "/su").build();
    assertThat(normalized.entry("/su").orElseThrow().mode()).isEqualTo(0755);
  }

  @Test
  void refusesFifosUnlessAsked() throws Exception {
    Path fifo = dir.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> Layer.builder().addPath(dir, "/d"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining(fifo.toString())
        .hasMessageContaining("named pipe")
        .hasMessageContaining("INCLUDE_SPECIAL_FILES");
    Layer layer = Layer.builder().addPath(fifo, "/pipe", CopyOption.INCLUDE_SPECIAL_FILES).build();
    assertThat(layer.entry("/pipe").orElseThrow())
        .isInstanceOfSatisfying(SpecialFileEntry.class, s -> assertThat(s.kind()).isEqualTo(SpecialFileEntry.Kind.FIFO));
  }

  @Test
  void refusesASocketDeepInATreeAndKeepsTheBuilderAsItWas() throws Exception {
    Path deep = Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/file"), "x");
    Path socket = deep.resolve("s.sock");
    try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(socket));
      Layer.Builder builder = Layer.builder().addFile("/kept", Source.of(new byte[] {1}));
      assertThatThrownBy(() -> builder.addPath(dir, "/d", CopyOption.INCLUDE_SPECIAL_FILES))
          .isInstanceOf(InvalidEntryException.class)
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("a socket, which a layer cannot hold");
      assertThat(builder.has("/d")).isFalse();
      assertThat(builder.build().entries()).extracting(Entry::path).containsExactly("/kept");
    }
  }

  @Test
  void devicesKeepTheirNumbers() {
    Layer layer = Layer.builder().addPath(Path.of("/dev/null"), "/dev/null", CopyOption.INCLUDE_SPECIAL_FILES).build();
    SpecialFileEntry nul = (SpecialFileEntry) layer.entry("/dev/null").orElseThrow();
    assertThat(nul.kind()).isEqualTo(SpecialFileEntry.Kind.CHARACTER_DEVICE);
    assertThat(List.of(nul.major(), nul.minor())).containsExactly(1, 3);
  }

  @Test
  void missingSourceNamesThePath() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> Layer.builder().addPath(missing, "/x"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Source.of(missing)).hasMessageContaining(missing.toString());
  }

  @Test
  void directoryCopiedToRootPutsItsContentAtTheRoot() throws Exception {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
    Files.writeString(rootfs.resolve("hostname"), "box");
    Layer layer = Layer.builder().addPath(dir.resolve("rootfs"), "/").build();
    assertThat(layer.entries()).extracting(Entry::path).containsExactly("/etc", "/etc/hostname");
  }

  @Test
  void removingAHardLinkedFileLeavesItsFirstLinkAsTheFile() throws Exception {
    Source content = text("shared");
    Layer.Builder b = Layer.builder()
        .add(Entry.file("/a/file", content).withMode(0755))
        .addHardlink("/z/second", "/a/file")
        .addHardlink("/m/first", "/a/file")
        .addHardlink("/m/other", "/a/other")
        .addFile("/a/other", text("other"));
    assertThat(b.remove("/a")).isTrue();
    b.addFile("/a/other", text("again"));
    Layer layer = b.build();
    assertThat(layer.entry("/m/first")).contains(new FileEntry("/m/first", content, 0755, 0, 0, Timestamps.reproducible()));
    assertThat(layer.entry("/z/second")).contains(Entry.hardlink("/z/second", "/m/first"));
    // A link whose file is gone and comes back another way is a file of its own content.
    assertThat(layer.file("/m/other").orElseThrow().source().readAllBytes()).asString().isEqualTo("other");
    assertThat(layer.entry("/a/file")).isEmpty();
  }
}
