package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Layers of one image are generated side by side when written to a file or a layout directory;
 * a stream is written one layer after another. All give the same bytes.
 */
class ParallelLayersTest {
  @TempDir Path dir;

  /** Four layers: a large file (the bulk copy), small files, a tree, and an empty one. */
  private Image image() throws Exception {
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    Path bigFile = Files.write(dir.resolve("big.bin"), big);
    Path tree = Files.createDirectories(dir.resolve("tree/etc"));
    Files.writeString(tree.resolve("a.conf"), "a=1\n");
    Files.writeString(tree.resolve("b.conf"), "b=2\n".repeat(1000));
    return Image.fromScratch()
        .add(bigFile, "/data/big.bin")
        .add(Layer.builder().addFile("/hello", Source.of(new byte[] {1, 2, 3}), 0755).build())
        .add(dir.resolve("tree"), "/")
        .add(Layer.builder().addDirectory("/empty").build())
        .entrypoint("/hello");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aFileAStreamAndALayoutDirectoryHoldTheSameBlobs(Compression compression) throws Exception {
    Image image = image();
    WriteOptions options = WriteOptions.defaults().withCompression(compression);
    Path file = dir.resolve("image.tar");
    Manifest manifest = image.writeTo(file, options);
    assertThat(manifest.layers()).hasSize(4);

    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    image.writeTo(stream, options);
    assertThat(stream.toByteArray()).isEqualTo(Files.readAllBytes(file));

    Path layout = dir.resolve("layout");
    image.writeTo(layout, options.withFormat(WriteOptions.Format.OCI_LAYOUT));
    Map<String, TarFiles.Item> archived = TarFiles.read(file);
    for (Descriptor layer : manifest.layers()) {
      String name = "blobs/sha256/" + layer.digest().hex();
      byte[] blob = Files.readAllBytes(layout.resolve(name));
      assertThat(sha256(blob)).isEqualTo(layer.digest().hex());
      assertThat(blob.length).isEqualTo(layer.size());
      assertThat(archived.get(name).content()).isEqualTo(blob);
    }
  }

  @Test
  void aFailingLayerFailsTheWriteAndLeavesNothingBehind() throws Exception {
    Image image = image();
    Files.write(dir.resolve("big.bin"), new byte[5], java.nio.file.StandardOpenOption.APPEND);
    Path out = dir.resolve("out").resolve("image.tar");
    Files.createDirectories(out.getParent());
    assertThatThrownBy(() -> image.writeTo(out))
        .isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("big.bin");
    try (var left = Files.list(out.getParent())) {
      assertThat(left).isEmpty();
    }
    Path layout = dir.resolve("out").resolve("layout");
    assertThatThrownBy(() -> image.writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT)))
        .isInstanceOf(SourceChangedException.class);
    try (var left = Files.list(out.getParent())) {
      assertThat(left).isEmpty();
    }
  }
}
