package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A base image whose layer GNU tar wrote with sparse files: the files read as the originals, and
 * the layer is carried over byte for byte, its diff_id that of the stored (not expanded) tar. The
 * old GNU format, which Docker cannot extract, is refused in a layer.
 */
class SparseBaseImageTest {
  @TempDir Path dir;

  /** A 4 MiB file with random data at three places and holes elsewhere; its bytes. */
  private byte[] sparseFile(Path file) throws IOException {
    byte[] expected = new byte[4 << 20];
    Random random = new Random(7);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(expected.length);
      for (int at : new int[] {0, 1 << 20, (4 << 20) - 5000}) {
        byte[] data = new byte[5000];
        random.nextBytes(data);
        f.seek(at);
        f.write(data);
        System.arraycopy(data, 0, expected, at, data.length);
      }
    }
    return expected;
  }

  private Path gnuTar(String format, byte[][] original) throws IOException, InterruptedException {
    Path src = Files.createDirectories(dir.resolve("src-" + format + "/usr/share"));
    original[0] = sparseFile(src.resolve("holes.db"));
    Path out = dir.resolve(format + ".tar");
    List<String> argv = new java.util.ArrayList<>(List.of(Tools.require("tar").toString(), "-S", "--owner=0",
        "--group=0"));
    argv.addAll(format.equals("gnu") ? List.of("--format=gnu")
        : List.of("--format=posix", "--sparse-version=" + format.substring("posix-".length())));
    argv.addAll(List.of("-C", dir.resolve("src-" + format).toString(), "-cf", out.toString(), "usr"));
    Tools.Result r = Tools.run(argv);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Files.size(out)).as("GNU tar stored the holes as holes").isLessThan(1 << 20);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"posix-0.0", "posix-0.1", "posix-1.0"})
  void aSparseFileOfABaseLayerReadsAsTheOriginalAndTheLayerIsCarriedByteForByte(String format) throws Exception {
    byte[][] original = new byte[1][];
    Path rootfs = gnuTar(format, original);
    Path gzipped = dir.resolve(format + ".tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
      Files.copy(rootfs, out);
    }
    for (Path base : List.of(rootfs, gzipped)) {
      Image image = Image.from(base);
      FileEntry holes = image.layers().get(0).file("/usr/share/holes.db").orElseThrow();
      assertThat(holes.source().size()).isEqualTo(original[0].length);
      assertThat(holes.source().readAllBytes()).as(base + " expands to the original").isEqualTo(original[0]);
      assertThat(image.fileSystem()).containsKey("/usr/share/holes.db");
      assertThat(image.fileSystem().keySet()).noneMatch(k -> k.contains("GNUSparseFile"));

      Path out = dir.resolve("out-" + base.getFileName());
      image.add(Entry.file("/added", Source.of(new byte[] {1}))).writeTo(out);
      Image read = Image.from(out);
      Layer carried = read.layers().get(0);
      // The stored tar, not the expanded one, is the layer: same blob, same diff_id.
      assertThat(carried.blob().orElseThrow().digest().toString()).isEqualTo(HostileArchives.sha256(Files.readAllBytes(base)));
      assertThat(carried.diffId().orElseThrow().toString())
          .isEqualTo(HostileArchives.sha256(Files.readAllBytes(rootfs)));
      assertThat(carried.file("/usr/share/holes.db").orElseThrow().source().readAllBytes()).isEqualTo(original[0]);
    }
  }

  @Test
  void refusesAnOldGnuSparseFileInALayerWhichDockerCannotExtract() throws Exception {
    // docker load of such a layer (Docker 20.10.24): "unhandled tar header type 83".
    byte[][] original = new byte[1][];
    Path rootfs = gnuTar("gnu", original);
    assertThatThrownBy(() -> Image.from(rootfs)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("usr/share/holes.db").hasMessageContaining("old GNU sparse file (type 'S'")
        .hasMessageContaining("--format=posix");
    Path image = HostileArchives.image(Files.createTempDirectory(dir, "s"), HostileArchives.Shape.OCI_ARCHIVE,
        Files.readAllBytes(rootfs), Compression.GZIP);
    assertThatThrownBy(() -> Archive.read(image)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("old GNU sparse file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NONE", "GZIP", "ZSTD"})
  void aSparseFileInAnOciArchivesLayerReadsAsTheOriginal(String compression) throws Exception {
    byte[][] original = new byte[1][];
    byte[] layer = Files.readAllBytes(gnuTar("posix-1.0", original));
    for (HostileArchives.Shape shape : List.of(HostileArchives.Shape.OCI_ARCHIVE, HostileArchives.Shape.DOCKER_ARCHIVE,
        HostileArchives.Shape.LAYOUT_DIRECTORY)) {
      Path image = HostileArchives.image(Files.createTempDirectory(dir, "s"), shape, layer, Compression.valueOf(compression));
      FileEntry holes = Image.from(image).layers().get(0).file("/usr/share/holes.db").orElseThrow();
      assertThat(holes.source().readAllBytes()).as(shape.name()).isEqualTo(original[0]);
    }
  }
}
