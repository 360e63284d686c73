package io.github.scratch4j;

import static io.github.scratch4j.HostileArchives.directory;
import static io.github.scratch4j.HostileArchives.entry;
import static io.github.scratch4j.HostileArchives.file;
import static io.github.scratch4j.HostileArchives.hardlink;
import static io.github.scratch4j.HostileArchives.pax;
import static io.github.scratch4j.HostileArchives.record;
import static io.github.scratch4j.HostileArchives.symlink;
import static io.github.scratch4j.HostileArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.HostileArchives.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A base image's layers are checked when the image is read, in every shape and compression: what
 * an extraction would have to refuse is refused by {@link Archive#read} and {@link Image#from}
 * with an {@link ImageFormatException} naming the entry, never later and never unchecked.
 */
class HostileBaseImageTest {
  @TempDir Path dir;

  /** A layer no extraction may accept, and a fragment the refusal must name. */
  static Stream<Arguments> hostileLayers() {
    return Stream.of(
        Arguments.of("dot-dot", tar(file("a/../../x", "x")), "'..'"),
        Arguments.of("absolute name", tar(file("/etc/passwd", "x")), "absolute"),
        Arguments.of("hard link out of the root", tar(file("a", "x"), hardlink("b", "../../etc/shadow")),
            "its hard link target '../../etc/shadow' has a '..' component"),
        Arguments.of("absolute hard link", tar(hardlink("b", "/etc/shadow")), "hard link to '/etc/shadow'"),
        Arguments.of("hard link before its target", tar(hardlink("b", "a"), file("a", "x")),
            "not a file that comes before it"),
        Arguments.of("hard link to a directory", tar(directory("d/"), hardlink("b", "d")), "a directory"),
        Arguments.of("NUL in a pax path", tar(pax(record("path", "a\0b")), file("x", "x")), "NUL"),
        // Read, written on byte for byte, then refused by docker load and podman load.
        Arguments.of("NUL in a pax key", tar(pax(record("SCHILY.xattr.user.a\0b", "v")), file("x", "x")),
            "NUL character in its key"),
        Arguments.of("pax path beside another GNU long name", tar(entry("././@LongLink", 'L', "", "../../x\0"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)), pax(record("path", "x")), file("y", "y")),
            "tar readers disagree"),
        Arguments.of("a sparse map past the real size", tar(pax(record("GNU.sparse.numblocks", "1")
            + record("GNU.sparse.size", "3") + record("GNU.sparse.map", "3,1")), file("s", "x")),
            "ends past the file's real size of 3 bytes"),
        Arguments.of(".wh..", tar(file("a/.wh..", "")), "names no file"),
        Arguments.of(".wh...", tar(file("a/.wh...", "")), "names no file"),
        Arguments.of(".wh.", tar(file(".wh.", "")), "names no file"),
        Arguments.of("opaque whiteout of the root", tar(file(".wh..wh..opq", "")), "opaque whiteout of the image root"),
        Arguments.of("path longer than PATH_MAX", tar(file(("d".repeat(200) + "/").repeat(21) + "f", "x")),
            "longer than"),
        Arguments.of("component longer than NAME_MAX", tar(file("x".repeat(256), "x")), "longer than 255"),
        Arguments.of("write through a symlink the layer plants", tar(symlink("etc", "/etc"), file("etc/passwd", "x")),
            "lies under 'etc'"),
        Arguments.of("modification time past Instant", tar(pax(record("mtime", "9000000000000000000")), file("a", "x")),
            "modification time"),
        Arguments.of("owner past int", tar(pax(record("uid", "9999999999")), file("a", "x")), "owner"),
        Arguments.of("vendor entry type", tar(entry("v", 'V', "", new byte[0])), "entry type"),
        Arguments.of("a cut header", Arrays.copyOf(tar(file("a", "x"), file("b", "y")), 1300), "cut inside a header"),
        Arguments.of("cut content", Arrays.copyOf(tar(file("a", "x".repeat(2000))), 1000), "is cut inside"));
  }

  static Stream<Arguments> everyShape() {
    List<Arguments> out = new ArrayList<>();
    hostileLayers().forEach(a -> {
      for (Shape shape : Shape.values()) {
        for (Compression c : Compression.values()) {
          out.add(Arguments.of(a.get()[0], a.get()[1], a.get()[2], shape, c));
        }
      }
    });
    return out.stream();
  }

  @ParameterizedTest(name = "{0} in {3}, {4}")
  @MethodSource("everyShape")
  void refusesHostileLayerContentWhenTheImageIsRead(String name, byte[] layer, String why, Shape shape,
      Compression compression) throws IOException {
    Path image = HostileArchives.image(dir, shape, layer, compression);
    assertThatThrownBy(() -> Archive.read(image)).as(name)
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(why);
    assertThatThrownBy(() -> Image.from(image)).as(name)
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(why);
    if (java.nio.file.Files.isRegularFile(image)) {
      // The same archive held in memory, or read from a stream, is refused the same way.
      byte[] bytes = java.nio.file.Files.readAllBytes(image);
      assertThatThrownBy(() -> Archive.read(bytes)).as(name + ", from bytes")
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(why);
      assertThatThrownBy(() -> Archive.read(new java.io.ByteArrayInputStream(bytes))).as(name + ", from a stream")
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(why);
    }
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aRefusalNamesTheLayerTheEntryAndItsOffset(Shape shape) throws IOException {
    Path image = HostileArchives.image(dir, shape, tar(file("ok", "x"), file("../evil", "x")), Compression.GZIP);
    assertThatThrownBy(() -> Archive.read(image))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("'../evil'")
        .hasMessageContaining("offset 1024")
        .hasMessageContaining(switch (shape) {
          case ROOT_FILE_SYSTEM -> image.toString();
          case DOCKER_ARCHIVE -> "manifest.json[0] Layers[0]";
          default -> "layer 0";
        });
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void readsWhatRealWritersWriteThatLooksOdd(Shape shape) throws IOException {
    byte[] layer = tar(
        directory("./"),
        directory("./usr/"),
        file("./usr/a", "a"),
        hardlink("./usr/b", "./usr/a"),
        hardlink("usr/c", "usr/b"),
        file("no/parents/listed", "p"),
        directory("trailing//slashes///"),
        file("dir/.wh..wh.plnk", ""), // AUFS metadata, skipped as Docker skips it
        file("gone/.wh.file", ""),
        file("gone2/.wh..wh..opq", ""),
        symlink("link", "../../../../etc/passwd")); // a symlink's target is resolved in the container
    Image image = Image.from(HostileArchives.image(dir, shape, layer, Compression.GZIP));
    Map<String, Entry> fs = image.fileSystem();
    assertThat(fs).containsKeys("/usr/a", "/usr/b", "/usr/c", "/no/parents/listed", "/trailing/slashes", "/link");
    assertThat(fs.keySet()).noneMatch(k -> k.contains(".wh."));
    assertThat(image.layers().get(0).entries()).contains(Whiteout.of("/gone/file"), Whiteout.opaque("/gone2"));
    assertThat(((HardlinkEntry) fs.get("/usr/c")).target()).isEqualTo("/usr/b");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    image.add(Entry.file("/new", Source.of("n".getBytes(StandardCharsets.UTF_8)))).writeTo(out);
    Path written = Files.write(dir.resolve("written.tar"), out.toByteArray());
    assertThat(Image.from(written).fileSystem()).containsKeys("/usr/c", "/new");
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aLayerWithoutTheEndOfArchiveBlocksIsReadWhereItsDigestVouchesForIt(Shape shape) throws IOException {
    // A layer blob's digest tells a cut blob from a whole one; a root file system tarball has none.
    byte[] noEnd = Arrays.copyOf(tar(file("a", "x")), 1024);
    Path image = HostileArchives.image(dir, shape, noEnd, Compression.GZIP);
    if (shape == Shape.ROOT_FILE_SYSTEM) {
      assertThatThrownBy(() -> Image.from(image)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("end-of-archive");
    } else {
      assertThat(Image.from(image).fileSystem()).containsOnlyKeys("/a");
    }
  }

  @Test
  void aLayerMadeWithOfBlobFailsTheWriteWithACheckedException() throws IOException {
    byte[] bad = tar(file("../evil", "x"));
    Layer layer = Layer.ofBlob(Descriptor.of(MediaType.OCI_LAYER, Digest.parse(HostileArchives.sha256(bad)), bad.length),
        Digest.parse(HostileArchives.sha256(bad)), Source.of(bad));
    Image image = Image.fromScratch().add(layer).add(Entry.file("/x", Source.of(new byte[1])));
    assertThatThrownBy(() -> image.writeTo(OutputStream.nullOutputStream()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("'..'");
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("'..'");
    assertThat(dir.resolve("out.tar")).doesNotExist();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aNameOfAMillionSlashesIsRefusedAtOnce() throws IOException {
    // About 1 MiB per name that gzip shrinks to about 1 KB: the shape that stalled reading for hours.
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      parts.add(pax(record("path", "/".repeat((1 << 20) - 100) + "a" + i)));
      parts.add(file("x" + i, "x"));
    }
    Path image = HostileArchives.image(dir, Shape.OCI_ARCHIVE, tar(parts.toArray(new byte[0][])), Compression.GZIP);
    assertThat(Files.size(image)).isLessThan(2 << 20);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        assertThatThrownBy(() -> Image.from(image)).isInstanceOf(ImageFormatException.class)
            .hasMessageContaining("longer than the 4098 bytes a path can have"));
  }

  @Test
  void namesWithManySlashesWithinTheLimitAreReadInLinearTime() throws IOException {
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      parts.add(entry("d" + i + "/".repeat(4000), '5', "", new byte[0]));
    }
    Path image = HostileArchives.image(dir, Shape.OCI_ARCHIVE, tar(parts.toArray(new byte[0][])), Compression.GZIP);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        assertThat(Image.from(image).fileSystem()).hasSize(300).containsKey("/d299"));
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
  void aCorruptCompressedRootFileSystemIsAFormatErrorNamingTheFile(Compression compression) throws IOException {
    byte[] layer = tar(file("a", "x".repeat(100_000)), file("b", new String(randomBytes(50_000), StandardCharsets.ISO_8859_1)));
    byte[] blob = HostileArchives.compress(compression, layer);
    List<byte[]> broken = new ArrayList<>();
    broken.add(Arrays.copyOf(blob, blob.length / 2)); // cut
    broken.add(Arrays.copyOf(blob, blob.length - 3)); // cut in the trailer
    if (compression == Compression.GZIP) {
      // zstd frames are written without a checksum, so a flipped byte in a stored block goes unseen there.
      byte[] flipped = blob.clone();
      flipped[flipped.length / 2] ^= 0x55;
      broken.add(flipped);
      byte[] crc = blob.clone();
      crc[crc.length - 6] ^= 0x01; // the CRC-32 in the trailer
      broken.add(crc);
    }
    for (byte[] b : broken) {
      Path p = Files.write(dir.resolve("rootfs.tar.z"), b);
      assertThatThrownBy(() -> Image.from(p)).as("%d of %d bytes", b.length, blob.length)
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(p.toString())
          .hasMessageMatching("(?s).*(compressed bytes|cut).*");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Shape.class, names = {"OCI_ARCHIVE", "DOCKER_ARCHIVE", "LAYOUT_DIRECTORY"})
  void aCorruptCompressedLayerIsAFormatErrorNamingTheLayer(Shape shape) throws IOException {
    byte[] blob = HostileArchives.gzip(tar(file("a", new String(randomBytes(50_000), StandardCharsets.ISO_8859_1))));
    // The digests are of the corrupt bytes, so only decompression can tell.
    byte[] cut = Arrays.copyOf(blob, blob.length - 100);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + HostileArchives.sha256(new byte[0]) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + HostileArchives.sha256(config) + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER_GZIP + "\",\"digest\":\"" + HostileArchives.sha256(cut)
        + "\",\"size\":" + cut.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Path image = HostileArchives.withDocuments(dir, shape,
        Map.of(HostileArchives.sha256(config), config, HostileArchives.sha256(cut), cut), manifest, MediaType.OCI_MANIFEST);
    assertThatThrownBy(() -> Archive.read(image))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(HostileArchives.sha256(cut).substring(7))
        .hasMessageContaining("gzip stream is corrupt or cut short after");
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }
}
