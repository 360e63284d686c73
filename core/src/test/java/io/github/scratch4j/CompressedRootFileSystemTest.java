package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Root file system tarballs compressed as distributions ship them (xz, bzip2, lz4), compressed by
 * the real command-line tools where they are installed and by an independent Java encoder where
 * not, are read by their first bytes whatever their names.
 */
class CompressedRootFileSystemTest {
  @TempDir Path dir;

  /** A codec, its command line (which writes to stdout), and a Java encoder for machines without it. */
  enum Codec {
    XZ("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
    BZIP2("bzip2", new byte[] {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59}),
    LZ4("lz4", new byte[] {0x04, 0x22, 0x4d, 0x18});

    final String tool;
    final byte[] magic;

    Codec(String tool, byte[] magic) {
      this.tool = tool;
      this.magic = magic;
    }

    OutputStream javaEncoder(OutputStream out) throws IOException {
      return switch (this) {
        case XZ -> new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options());
        case BZIP2 -> new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out);
        case LZ4 -> new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream(out);
      };
    }
  }

  private static boolean installed(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** {@code tar} compressed with {@code codec} into {@code out}. */
  private static Path compress(Codec codec, Path tar, Path out) throws Exception {
    if (installed(codec.tool)) {
      Process p = new ProcessBuilder(codec.tool, "-c", tar.toString()).redirectOutput(out.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      assertThat(p.waitFor()).as(codec.tool + " exit code").isZero();
    } else {
      try (OutputStream z = codec.javaEncoder(Files.newOutputStream(out))) {
        Files.copy(tar, z);
      }
    }
    return out;
  }

  private Path rootfsTar() throws IOException {
    Map<String, byte[]> rootfs = new LinkedHashMap<>();
    rootfs.put("./etc/os-release", "ID=test\n".getBytes(StandardCharsets.UTF_8));
    rootfs.put("./bin/sh", new byte[] {1, 2, 3});
    // More than one bzip2 block (900 kB), and not all alike.
    byte[] big = new byte[1_000_000];
    new java.util.Random(7).nextBytes(big);
    rootfs.put("./usr/lib/libbig.so", big);
    Path tar = dir.resolve("rootfs.tar");
    TarFiles.write(tar, rootfs);
    return tar;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void readsARootFileSystemCompressedAsDistributionsShipIt(Codec codec) throws Exception {
    Path tar = rootfsTar();
    // A name that says nothing: the format is told by the first bytes.
    Path compressed = compress(codec, tar, dir.resolve("rootfs.img"));
    assertThat(Files.readAllBytes(compressed)).startsWith(codec.magic);

    Image base = Image.from(compressed);

    assertThat(base.layers()).hasSize(1);
    Layer layer = base.layers().get(0);
    // No layer media type names these compressions: the layer is the tar inside.
    byte[] tarBytes = Files.readAllBytes(tar);
    Descriptor blob = layer.blob().orElseThrow();
    assertThat(blob.mediaType()).isEqualTo(MediaType.OCI_LAYER);
    assertThat(blob.size()).isEqualTo(tarBytes.length);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarBytes));
    assertThat(blob.digest().hex()).isEqualTo(sha);
    assertThat(layer.diffId().orElseThrow().hex()).isEqualTo(sha);
    assertThat(base.fileSystem()).containsKeys("/etc/os-release", "/bin/sh", "/usr/lib/libbig.so");
    assertThat(layer.file("/etc/os-release").orElseThrow().source().readAllBytes())
        .isEqualTo("ID=test\n".getBytes(StandardCharsets.UTF_8));
    assertThat(layer.file("/usr/lib/libbig.so").orElseThrow().source().readAllBytes())
        .isEqualTo(TarFiles.files(tar).get("./usr/lib/libbig.so"));

    // Built on and written, the base layer is the tar itself, read back by an independent reader.
    Path out = dir.resolve("derived.tar");
    Manifest written = base.add(Entry.file("/app", Source.of(new byte[] {9})).withMode(0755)).entrypoint("/app").writeTo(out);
    assertThat(written.layers().get(0)).isEqualTo(blob);
    assertThat(TarFiles.read(out).get("blobs/sha256/" + sha).content()).isEqualTo(tarBytes);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void readsAWholeArchiveCompressedWithIt(Codec codec) throws Exception {
    Path archive = dir.resolve("image.tar");
    Image.fromScratch().add(Entry.file("/hello", Source.of(new byte[] {1}))).tag("hello:1").writeTo(archive);
    Path compressed = compress(codec, archive, dir.resolve("image.tar.whatever"));

    List<Image> images = Archive.read(compressed).images();

    assertThat(images).hasSize(1);
    assertThat(images.get(0).tags()).extracting(ImageReference::familiarName).containsExactly("hello:1");
    assertThat(images.get(0).fileSystem()).containsKey("/hello");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aFileWithTheMagicAndThenGarbageIsAFormatErrorNamingTheFile(Codec codec) throws IOException {
    byte[] garbage = new byte[4096];
    new java.util.Random(3).nextBytes(garbage);
    System.arraycopy(codec.magic, 0, garbage, 0, codec.magic.length);
    Path file = Files.write(dir.resolve("broken-" + codec), garbage);

    assertThatThrownBy(() -> Image.from(file))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(codec.tool + " stream is corrupt or cut short");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aCutShortFileIsAFormatErrorNamingTheFile(Codec codec) throws Exception {
    Path compressed = compress(codec, rootfsTar(), dir.resolve("rootfs.z"));
    byte[] whole = Files.readAllBytes(compressed);
    Path cut = Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> Image.from(cut))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining(codec.tool);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void theReadLimitsBoundWhatItExpandsTo(Codec codec) throws Exception {
    Map<String, byte[]> rootfs = new LinkedHashMap<>();
    rootfs.put("./zeros", new byte[12 << 20]);
    Path tar = dir.resolve("zeros.tar");
    TarFiles.write(tar, rootfs);
    Path compressed = compress(codec, tar, dir.resolve("zeros.z"));
    assertThat(Files.size(compressed)).isLessThan(1 << 20);

    assertThatThrownBy(() -> Image.from(compressed, ReadOptions.defaults().withMaxImageSize(4 << 20)))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("ReadOptions.maxImageSize");
    assertThatThrownBy(() -> Image.from(compressed, ReadOptions.defaults().withMaxLayerSize(4 << 20)))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("ReadOptions.maxLayerSize");
    assertThat(Image.from(compressed).fileSystem()).containsKey("/zeros");
  }

  @Test
  void aPlainTarWhoseFirstNameStartsLikeABzip2HeaderIsReadAsATar() throws IOException {
    Path tar = dir.resolve("plain.tar");
    TarFiles.write(tar, Map.of("BZh9-notes.txt", new byte[] {1}));

    assertThat(Image.from(tar).fileSystem()).containsKey("/BZh9-notes.txt");
  }
}
