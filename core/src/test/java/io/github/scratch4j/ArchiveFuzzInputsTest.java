package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz test's inputs do what they are for: the valid seeds read in full (a seed the reader
 * refuses would leave the fuzzer at the front door), the hostile ones are refused, and the layer
 * wrappers give the reader a layer it checks and parses.
 */
class ArchiveFuzzInputsTest {
  @TempDir Path dir;

  private Archive read(byte[] bytes) throws IOException {
    return Archive.read(Files.write(dir.resolve("input-" + System.nanoTime()), bytes));
  }

  private static List<Image> images(Archive archive) {
    List<Image> images = new ArrayList<>(archive.images());
    archive.indexes().forEach(i -> images.addAll(i.images()));
    return images;
  }

  @Test
  void everyValidArchiveSeedReadsWithItsFiles() throws IOException {
    Map<String, byte[]> seeds = ArchiveFuzzInputs.archiveSeeds();
    List<String> valid = seeds.keySet().stream().filter(n -> !n.startsWith("hostile-")).toList();
    assertThat(valid).hasSize(9);
    for (String name : valid) {
      List<Image> images = images(read(seeds.get(name)));
      assertThat(images).as(name).isNotEmpty();
      for (Image image : images) {
        assertThat(image.fileSystem()).as(name).containsKey(name.equals("scratch4j-whiteout") ? "/etc/motd" : "/etc/hostname");
      }
    }
    Image whiteout = images(read(seeds.get("scratch4j-whiteout"))).get(0);
    assertThat(whiteout.layers()).hasSize(3);
    assertThat(whiteout.fileSystem()).doesNotContainKey("/etc/hostname");
    assertThat(images(read(seeds.get("scratch4j-index")))).hasSize(2);
  }

  @Test
  void hostileArchiveSeedsAreRefusedWithTheirReason() throws IOException {
    Map<String, byte[]> seeds = ArchiveFuzzInputs.archiveSeeds();
    // Each message names what is wrong: the entry, the blob, the field.
    Map<String, String> reasons = Map.of(
        "hostile-truncated", "cut",
        "hostile-pax-path-escapes", "'../../etc/passwd'",
        "hostile-hardlink-escapes", "entry 'b'",
        "hostile-opaque-whiteout-at-root", "'.wh..wh..opq'",
        // A blob linked to index.json inside the archive is followed and refused by its digest.
        "hostile-symlink-blob", "(a link to 'index.json') is",
        "hostile-index-names-missing-blob", "sha256:" + "0".repeat(64),
        "hostile-diff-id-mismatch", "diff_id",
        "hostile-pax-length-overflow", "'99999999999999999999'");
    for (Map.Entry<String, String> r : reasons.entrySet()) {
      assertThatThrownBy(() -> read(seeds.get(r.getKey()))).as(r.getKey())
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(r.getValue());
    }
    // What follows the end-of-archive blocks is not read, as tar does.
    assertThat(images(read(seeds.get("hostile-two-zero-blocks-then-data"))).get(0).fileSystem()).containsOnlyKeys("/a");
    assertThat(seeds.keySet().stream().filter(n -> n.startsWith("hostile-"))).hasSize(reasons.size() + 1);
  }

  @Test
  void everyLayerSeedReachesTheLayerParserThroughItsWrapper() throws IOException {
    for (Map.Entry<String, byte[]> seed : ArchiveFuzzInputs.layerSeeds().entrySet()) {
      byte[] data = seed.getValue();
      Archive archive = read(ArchiveFuzzInputs.wrapLayer(data[0], Arrays.copyOfRange(data, 1, data.length)));
      Image image = archive.images().get(0);
      assertThat(image.layers()).as(seed.getKey()).hasSize(1);
      assertThat(image.layers().get(0).entries()).as(seed.getKey()).isNotEmpty();
    }
  }

  @Test
  void eachWrapperGivesTheLayerItsDigestAndDiffId() throws IOException {
    byte[] layer = ArchiveFuzzInputs.sampleLayer();
    byte[] gzipped = gzip(layer);
    for (int selector = 0; selector < 3; selector++) {
      Image image = read(ArchiveFuzzInputs.wrapLayer((byte) selector, gzipped)).images().get(0);
      Layer read = image.layers().get(0);
      assertThat(read.diffId().orElseThrow().hex()).as("wrapper %d", selector).isEqualTo(ArchiveFuzzInputs.sha256(layer));
      assertThat(read.blob().orElseThrow().digest().hex()).isEqualTo(ArchiveFuzzInputs.sha256(gzipped));
      assertThat(read.file("/etc/hostname").orElseThrow().source().readAllBytes())
          .isEqualTo("fuzz\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(read(ArchiveFuzzInputs.wrapLayer((byte) 0, gzipped)).images().get(0).tags())
        .extracting(ImageReference::familiarName).containsExactly("fuzz:1");
    assertThat(read(ArchiveFuzzInputs.wrapLayer((byte) 1, gzipped)).images().get(0).tags())
        .extracting(ImageReference::familiarName).containsExactly("fuzz:1");
  }

  @Test
  void headerChecksumsAreFixedSoThatAMutatedHeaderIsRead() throws IOException {
    byte[] layer = ArchiveFuzzInputs.sampleLayer();
    // The third header (after "etc/" and etc/hostname with its content block) names bin/busybox.
    assertThat(new String(layer, 1536, 11, StandardCharsets.US_ASCII)).isEqualTo("bin/busybox");
    byte[] mutated = layer.clone();
    mutated[1536 + 4] = 'B';

    assertThatThrownBy(() -> read(mutated)).isInstanceOf(ImageFormatException.class).hasMessageContaining("checksum");
    Image image = read(ArchiveFuzzInputs.withHeaderChecksums(mutated)).images().get(0);
    assertThat(image.fileSystem()).containsKey("/bin/Busybox").doesNotContainKey("/bin/busybox");
    assertThat(ArchiveFuzzInputs.withHeaderChecksums(layer)).isEqualTo(layer);
  }

  private static byte[] gzip(byte[] b) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }
}
