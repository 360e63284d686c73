package io.github.scratch4j;

import static io.github.scratch4j.HostileArchives.entry;
import static io.github.scratch4j.HostileArchives.file;
import static io.github.scratch4j.HostileArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.HostileArchives.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading is bounded by {@link ReadOptions}, and a compressed layer is decompressed once per read. */
class ReadLimitsTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** A layer of one file of zeros: compresses about 1,000:1 with gzip and far more with zstd. */
  private static byte[] zeros(int bytes) {
    return tar(entry("zeros", '0', "", new byte[bytes]));
  }

  @Test
  void defaultsAreFarAboveRealImages() {
    ReadOptions d = ReadOptions.defaults();
    assertThat(d.maxLayerSize()).isEqualTo(64L << 30);
    assertThat(d.maxImageSize()).isEqualTo(256L << 30);
    assertThat(d.maxLayerEntries()).isEqualTo(1_000_000);
    assertThat(d.withMaxLayerSize(5).maxLayerSize()).isEqualTo(5);
    assertThatThrownBy(() -> d.withMaxImageSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxLayerEntries(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
  void aLayerThatExpandsPastTheLimitStopsAtTheLimit(Compression compression) throws IOException {
    for (Shape shape : Shape.values()) {
      Path image = HostileArchives.image(Files.createTempDirectory(dir, "s"), shape, zeros(24 * MIB), compression);
      assertThat(Files.size(image)).isLessThan(MIB);
      ReadOptions limits = ReadOptions.defaults().withMaxLayerSize(4 * MIB);
      assertThatThrownBy(() -> Archive.read(image, limits)).as(shape.name())
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("ReadOptions.maxLayerSize")
          .hasMessageContaining(String.valueOf(4 * MIB));
      assertThatThrownBy(() -> Image.from(image, limits)).as(shape.name()).isInstanceOf(ImageFormatException.class);
      assertThat(Archive.read(image).images().get(0).fileSystem()).containsKey("/zeros");
    }
  }

  @Test
  void anImageWhoseLayersTogetherExpandPastTheLimitIsRefused() throws IOException {
    List<byte[]> layers = List.of(zeros(4 * MIB), tar(entry("more", '0', "", new byte[4 * MIB])));
    ReadOptions limits = ReadOptions.defaults().withMaxImageSize(6 * MIB);
    for (Shape shape : new Shape[] {Shape.OCI_ARCHIVE, Shape.DOCKER_ARCHIVE, Shape.LAYOUT_DIRECTORY}) {
      for (Compression c : Compression.values()) {
        Path image = HostileArchives.image(Files.createTempDirectory(dir, "s"), shape, layers, c);
        assertThatThrownBy(() -> Archive.read(image, limits)).as(shape + " " + c)
            .isInstanceOf(ImageFormatException.class)
            .hasMessageContaining("ReadOptions.maxImageSize");
        assertThat(Archive.read(image).images().get(0).layers()).hasSize(2);
      }
    }
  }

  @Test
  void aCompressedArchiveIsBoundedByTheImageLimitAsItIsDecompressed() throws IOException {
    Path rootfs = Files.write(dir.resolve("rootfs.tar.zst"), HostileArchives.zstd(zeros(24 * MIB)));
    assertThatThrownBy(() -> Image.from(rootfs, ReadOptions.defaults().withMaxImageSize(4 * MIB)))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("ReadOptions.maxImageSize");
    assertThatThrownBy(() -> Image.from(rootfs, ReadOptions.defaults().withMaxLayerSize(4 * MIB)))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("ReadOptions.maxLayerSize");
  }

  /** A pax 1.0 sparse file (GNU tar's format) of {@code realSize} bytes, all hole: 2 KiB of tar. */
  private static byte[] sparseHole(String name, long realSize) {
    String records = HostileArchives.record("GNU.sparse.major", "1") + HostileArchives.record("GNU.sparse.minor", "0")
        + HostileArchives.record("GNU.sparse.realsize", String.valueOf(realSize))
        + HostileArchives.record("GNU.sparse.name", name);
    byte[] map = new byte[512];
    map[0] = '0';
    map[1] = '\n';
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(HostileArchives.pax(records));
    out.writeBytes(entry("GNUSparseFile.0/" + name, '0', "", map));
    return out.toByteArray();
  }

  @Test
  void sparseFilesThatExpandPastTheLayerLimitAreRefused() throws IOException {
    // A hole costs the input nothing: 2 KiB of tar could stand for a file of a terabyte.
    for (Shape shape : Shape.values()) {
      Path bomb = HostileArchives.image(Files.createTempDirectory(dir, "s"), shape,
          tar(sparseHole("a", 3 * MIB), sparseHole("b", 3 * MIB)), Compression.NONE);
      ReadOptions limits = ReadOptions.defaults().withMaxLayerSize(4 * MIB);
      assertThatThrownBy(() -> Archive.read(bomb, limits)).as(shape.name())
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("expand to more than " + 4 * MIB + " bytes together")
          .hasMessageContaining("ReadOptions.maxLayerSize");
      Image read = Image.from(bomb);
      assertThat(read.layers().get(0).file("/b").orElseThrow().source().size()).isEqualTo(3 * MIB);
      Path terabyte = HostileArchives.image(Files.createTempDirectory(dir, "t"), shape,
          tar(sparseHole("a", 1L << 40)), Compression.NONE);
      assertThatThrownBy(() -> Archive.read(terabyte)).as(shape.name()).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("expand to more than " + ReadOptions.DEFAULT_MAX_LAYER_SIZE);
    }
  }

  @Test
  void aLayerWithMoreEntriesThanAllowedIsRefused() throws IOException {
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      parts.add(file("f" + i, ""));
    }
    for (Shape shape : Shape.values()) {
      Path image = HostileArchives.image(Files.createTempDirectory(dir, "s"), shape, tar(parts.toArray(new byte[0][])),
          Compression.GZIP);
      assertThatThrownBy(() -> Archive.read(image, ReadOptions.defaults().withMaxLayerEntries(100))).as(shape.name())
          .isInstanceOf(ImageFormatException.class).hasMessageContaining("more than 100 entries");
      assertThat(Archive.read(image, ReadOptions.defaults().withMaxLayerEntries(101)).images()).hasSize(1);
    }
  }

  /**
   * The bytes this process has read through system calls so far ({@code rchar}, proc(5)): a
   * compressed layer read twice would read its file twice.
   */
  private static long bytesRead() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new AssertionError("no rchar in /proc/self/io");
  }

  @ParameterizedTest
  @EnumSource(value = Shape.class, names = {"OCI_ARCHIVE", "DOCKER_ARCHIVE", "LAYOUT_DIRECTORY", "ROOT_FILE_SYSTEM"})
  void aCompressedLayerIsReadOnceAndItsEntriesAreNotReadAgain(Shape shape) throws IOException {
    byte[] noise = new byte[8 * MIB];
    new Random(1).nextBytes(noise);
    Path image = HostileArchives.image(dir, shape, tar(entry("noise", '0', "", noise), file("small", "s")),
        Compression.GZIP);
    long stored = shape == Shape.LAYOUT_DIRECTORY ? 8 * MIB : Files.size(image);
    Archive.read(image); // loads the classes a read needs, so that only the read itself is counted below
    long before = bytesRead();
    Image read = Image.from(image);
    long spent = bytesRead() - before;
    assertThat(spent).as("bytes read for a %d-byte image", stored).isLessThan(stored + stored / 2);
    // The entries came with the read: listing them needs neither the file nor a second decompression.
    Path moved = Files.move(image, dir.resolve("moved"));
    assertThat(read.fileSystem()).containsKeys("/noise", "/small");
    assertThat(((FileEntry) read.fileSystem().get("/noise")).source().size()).isEqualTo(noise.length);
    Files.move(moved, image);
    assertThat(((FileEntry) read.fileSystem().get("/small")).source().readAllBytes()).containsExactly('s');
  }
}
