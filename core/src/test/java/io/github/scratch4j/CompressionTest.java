package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {
  @TempDir Path dir;

  private static Image image() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("line ").append(i).append(" of a log that compresses well\n");
    }
    return Image.fromScratch()
        .add(Entry.file("/var/log/app.log", Source.of(text.toString().getBytes(StandardCharsets.UTF_8))))
        .add(Entry.file("/hello", Source.of(new byte[] {1, 2, 3})).withMode(0755))
        .entrypoint("/hello");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static InputStream decompress(Compression c, byte[] blob) throws Exception {
    return switch (c) {
      case GZIP -> new GZIPInputStream(new ByteArrayInputStream(blob));
      case ZSTD -> new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(blob));
      case NONE -> new ByteArrayInputStream(blob);
    };
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void diffIdIsOfTheUncompressedTarAndDigestOfTheStoredBlob(Compression compression) throws Exception {
    Path out = dir.resolve("a.tar");
    Manifest m = image().writeTo(out, WriteOptions.defaults().withCompression(compression));
    Map<String, TarFiles.Item> tar = TarFiles.read(out);
    Descriptor layer = m.layers().get(0);
    byte[] blob = tar.get("blobs/sha256/" + layer.digest().hex()).content();
    assertThat(sha256(blob)).isEqualTo(layer.digest().hex());
    assertThat(layer.size()).isEqualTo(blob.length);
    byte[] uncompressed = decompress(compression, blob).readAllBytes();
    String config = tar.get("blobs/sha256/" + m.config().digest().hex()).text();
    assertThat(config).contains("\"diff_ids\":[\"sha256:" + sha256(uncompressed) + "\"]");
    assertThat(TarFiles.read(uncompressed)).containsKeys("var/", "var/log/app.log", "hello");
    assertThat(layer.mediaType()).isEqualTo(switch (compression) {
      case NONE -> MediaType.OCI_LAYER;
      case GZIP -> MediaType.OCI_LAYER_GZIP;
      case ZSTD -> MediaType.OCI_LAYER_ZSTD;
    });
    if (compression != Compression.NONE) {
      assertThat(blob.length).isLessThan(uncompressed.length / 5);
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void compressedOutputIsReproducibleAndTheSameOnAStream(Compression compression) throws Exception {
    WriteOptions options = WriteOptions.defaults().withCompression(compression);
    Path a = dir.resolve("a.tar");
    Path b = dir.resolve("b.tar");
    image().writeTo(a, options);
    image().writeTo(b, options);
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    image().writeTo(stream, options);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(a));
  }

  @Test
  void gzipHeaderHasNoNameNoTimeAndAnUnknownOs() throws Exception {
    Path out = dir.resolve("a.tar");
    Manifest m = image().writeTo(out, WriteOptions.defaults().withCompression(Compression.GZIP));
    byte[] blob = TarFiles.read(out).get("blobs/sha256/" + m.layers().get(0).digest().hex()).content();
    assertThat(java.util.Arrays.copyOf(blob, 10))
        .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  }

  @Test
  void levelsChangeTheOutput() throws Exception {
    Manifest fast = image().writeTo(dir.resolve("1.tar"), WriteOptions.defaults().withCompression(Compression.GZIP, 1));
    Manifest best = image().writeTo(dir.resolve("9.tar"), WriteOptions.defaults().withCompression(Compression.GZIP, 9));
    assertThat(fast.layers().get(0).digest()).isNotEqualTo(best.layers().get(0).digest());
    assertThat(fast.config().digest()).isEqualTo(best.config().digest());
  }
}
