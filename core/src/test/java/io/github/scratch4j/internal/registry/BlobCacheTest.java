package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Digest;
import io.github.scratch4j.internal.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's bound: the blobs used longest ago go first, none used within the hour, nothing else. */
class BlobCacheTest {
  @TempDir Path dir;

  private Path blobs() throws IOException {
    return Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
  }

  /** Puts a blob of {@code size} bytes in the cache, last used {@code ago} before now. */
  private Path blob(int seed, int size, Duration ago) throws IOException {
    byte[] content = new byte[size];
    content[0] = (byte) seed;
    Digest d = Sha256.of(content);
    Path p = Files.write(blobs().resolve(d.hex()), content);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(ago)));
    return p;
  }

  @Test
  void theBlobsUsedLongestAgoGoUntilTheRestFitsTheLimit() throws IOException {
    Path oldest = blob(1, 1000, Duration.ofHours(5));
    Path older = blob(2, 1000, Duration.ofHours(4));
    Path old = blob(3, 1000, Duration.ofHours(3));

    new BlobCache(dir, 2500).trim();
    assertThat(oldest).doesNotExist();
    assertThat(older).exists();
    assertThat(old).exists();

    new BlobCache(dir, 1000).trim();
    assertThat(older).doesNotExist();
    assertThat(old).exists();
  }

  @Test
  void aCacheWithinItsLimitIsLeftAsItIs() throws IOException {
    Path a = blob(1, 1000, Duration.ofDays(30));
    Path b = blob(2, 1000, Duration.ofDays(30));
    new BlobCache(dir, 2000).trim();
    assertThat(a).exists();
    assertThat(b).exists();
  }

  @Test
  void blobsUsedWithinTheHourStayBeyondTheLimit() throws IOException {
    Path recent = blob(1, 1000, BlobCache.IN_USE.minusMinutes(5));
    Path now = blob(2, 1000, Duration.ZERO);
    Path stale = blob(3, 1000, BlobCache.IN_USE.plusMinutes(5));
    new BlobCache(dir, 0).trim();
    assertThat(stale).doesNotExist();
    assertThat(recent).exists();
    assertThat(now).exists();
  }

  @Test
  void findingABlobIsAUseThatKeepsIt() throws IOException {
    Path found = blob(1, 1000, Duration.ofHours(5));
    Path foundBySize = blob(2, 1000, Duration.ofHours(5));
    Path left = blob(3, 1000, Duration.ofHours(2));
    BlobCache cache = new BlobCache(dir, 0);
    assertThat(cache.get(Digest.parse("sha256:" + found.getFileName()))).contains(found);
    assertThat(cache.get(Digest.parse("sha256:" + foundBySize.getFileName()), 1000)).contains(foundBySize);
    cache.trim();
    assertThat(found).exists();
    assertThat(foundBySize).exists();
    assertThat(left).doesNotExist();
  }

  @Test
  void onlyBlobsAreRemovedNotTemporaryFilesNorOtherNames() throws IOException {
    Path temporary = Files.write(blobs().resolve(".blob.scratch4j-0123456789ab.tmp"), new byte[1000]);
    Path other = Files.write(blobs().resolve("notes.txt"), new byte[1000]);
    Path upper = Files.write(blobs().resolve("A".repeat(64)), new byte[1000]);
    Path directory = Files.createDirectories(blobs().resolve("b".repeat(64)));
    for (Path p : new Path[] {temporary, other, upper, directory}) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    }
    Path stale = blob(1, 1000, Duration.ofDays(2));
    new BlobCache(dir, 0).trim();
    assertThat(stale).doesNotExist();
    assertThat(temporary).exists();
    assertThat(other).exists();
    assertThat(upper).exists();
    assertThat(directory).exists();
  }

  @Test
  void findingABlobThatIsALinkMarksTheLinkNotTheFileItPointsTo() throws IOException {
    byte[] content = new byte[1000];
    Path elsewhere = Files.write(dir.resolve("elsewhere"), content);
    FileTime before = FileTime.from(Instant.now().minus(Duration.ofDays(3)));
    Files.setLastModifiedTime(elsewhere, before);
    Path link = Files.createSymbolicLink(blobs().resolve(Sha256.of(content).hex()), elsewhere);
    assertThat(new BlobCache(dir, 0).get(Sha256.of(content), 1000)).contains(link);
    assertThat(Files.getLastModifiedTime(elsewhere)).isEqualTo(before);
  }

  @Test
  void aCacheThatDoesNotExistYetIsNoFailure() {
    new BlobCache(dir.resolve("none"), 0).trim();
    assertThat(dir.resolve("none")).doesNotExist();
  }
}
