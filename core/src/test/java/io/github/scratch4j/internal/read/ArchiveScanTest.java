package io.github.scratch4j.internal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.source.Stored;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan of an archive hashes each entry and, for a root file system tarball, the whole file:
 * an image archive's bytes are hashed once, not once per entry and again as a whole, and a root
 * file system tarball still gets its digests, in the same pass or, when a name made it look like
 * an image archive, in a second one.
 */
class ArchiveScanTest {
  private static final String BLOB_LIKE = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private static ArchiveScan scan(Path file) throws IOException {
    return ArchiveScan.of(Stored.file(file), new ReadBudget(ReadOptions.defaults()));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** A tar of regular files: a name, then its content, for each. */
  private static byte[] tar(String... namesAndContents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      byte[] content = namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
      byte[] h = new byte[512];
      put(h, 0, namesAndContents[i]);
      put(h, 100, "0000644");
      put(h, 108, "0000000");
      put(h, 116, "0000000");
      put(h, 124, String.format("%011o", content.length));
      put(h, 136, "00000000000");
      java.util.Arrays.fill(h, 148, 156, (byte) ' ');
      h[156] = '0';
      put(h, 257, "ustar");
      put(h, 263, "00");
      int sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      put(h, 148, String.format("%06o", sum));
      h[154] = 0;
      out.writeBytes(h);
      out.writeBytes(content);
      out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  @Test
  void anImageArchiveIsHashedEntryByEntryAndNotAlsoAsAWhole() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    Image image = Image.fromScratch().add(Entry.file("/data", Source.of(data)));
    for (io.github.scratch4j.Compression compression : io.github.scratch4j.Compression.values()) {
      Path archive = dir.resolve(compression + ".tar");
      image.writeTo(archive, WriteOptions.defaults().withCompression(compression));
      assertThat(scan(archive).hashedWhole()).as(compression.toString()).isFalse();
    }
  }

  @Test
  void aDockerSaveArchiveIsHashedEntryByEntryAndNotAlsoAsAWhole() throws Exception {
    // docker save (Docker 20.10): a directory per layer, named by a 64-digit ID, and <id>.json.
    Path archive = Files.write(dir.resolve("saved.tar"), tar(BLOB_LIKE + "/VERSION", "1.0",
        BLOB_LIKE + "/layer.tar", "not read as a tar here", "manifest.json", "[]"));
    assertThat(scan(archive).hashedWhole()).isFalse();
  }

  @Test
  void aRootFileSystemIsHashedAsAWholeInItsOnePass() throws Exception {
    byte[] tar = tar("etc/hostname", "box", "bin/tool", "#!/bin/true");
    byte[] gz = gzip(tar);
    Path file = Files.write(dir.resolve("rootfs.tar.gz"), gz);
    ArchiveScan scan = scan(file);
    assertThat(scan.hashedWhole()).isTrue();
    assertThat(scan.fileDigest().toString()).isEqualTo(sha256(gz));
    assertThat(scan.tarDigest().toString()).isEqualTo(sha256(tar));
  }

  @Test
  void aRootFileSystemThatHoldsABlobLikeNameStillGetsItsDigestsFromASecondRead() throws Exception {
    byte[] tar = tar("etc/" + BLOB_LIKE + ".json", "{}", "etc/hostname", "box");
    byte[] gz = gzip(tar);
    Path compressed = Files.write(dir.resolve("rootfs.tar.gz"), gz);
    assertThat(scan(compressed).hashedWhole()).isFalse();
    Layer layer = Image.from(compressed).layers().get(0);
    assertThat(layer.blob().orElseThrow().digest().toString()).isEqualTo(sha256(gz));
    assertThat(layer.diffId().orElseThrow().toString()).isEqualTo(sha256(tar));

    Path plain = Files.write(dir.resolve("rootfs.tar"), tar);
    Layer plainLayer = Image.from(plain).layers().get(0);
    assertThat(plainLayer.blob().orElseThrow().digest().toString()).isEqualTo(sha256(tar));
    assertThat(plainLayer.diffId().orElseThrow().toString()).isEqualTo(sha256(tar));
  }

  @Test
  void aRootFileSystemThatChangesBeforeItsSecondReadIsRefused() throws Exception {
    Path file = Files.write(dir.resolve("rootfs.tar"), tar("etc/" + BLOB_LIKE, "x", "etc/hostname", "box"));
    ArchiveScan scan = scan(file);
    Files.write(file, tar("etc/hostname", "a different box", "etc/more", "more", "etc/yet-more", "more"));
    assertThatThrownBy(scan::fileDigest).isInstanceOf(SourceChangedException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("changed while it was read");
  }
}
