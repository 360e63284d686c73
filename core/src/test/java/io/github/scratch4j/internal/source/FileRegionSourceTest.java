package io.github.scratch4j.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.SourceChangedException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegionSourceTest {
  @TempDir Path dir;

  @Test
  void readsExactlyItsRange() throws Exception {
    Path file = Files.write(dir.resolve("f"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
    FileRegionSource region = new FileRegionSource(file, 2, 4);
    assertThat(region.readAllBytes()).containsExactly(2, 3, 4, 5);
    assertThat(region.sub(1, 2).readAllBytes()).containsExactly(3, 4);
  }

  /**
   * Reads short and long give exactly the range's bytes, also from many readers at once, and a
   * long range cut inside is still a source change.
   */
  @Test
  void readsOfAnyLengthGiveTheRangesBytesFromManyReadersAtOnce() throws Exception {
    byte[] content = new byte[3 << 20];
    new java.util.Random(9).nextBytes(content);
    Path file = Files.write(dir.resolve("big"), content);
    int offset = 12_345;
    int size = content.length - offset - 999;
    byte[] expected = java.util.Arrays.copyOfRange(content, offset, offset + size);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<byte[]>> reads = new java.util.ArrayList<>();
      for (int r = 0; r < 24; r++) {
        int seed = r;
        reads.add(pool.submit(() -> {
          java.util.Random lengths = new java.util.Random(seed);
          java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
          try (InputStream in = new FileRegionSource(file, offset, size).open()) {
            byte[] b = new byte[600 << 10];
            int n;
            // 1 byte to 600 KiB at a time, at an odd place in the array.
            while ((n = in.read(b, 7, 1 + lengths.nextInt(b.length - 7))) > 0) {
              got.write(b, 7, n);
            }
          }
          return got.toByteArray();
        }));
      }
      for (java.util.concurrent.Future<byte[]> read : reads) {
        assertThat(read.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
    FileRegionSource region = new FileRegionSource(file, offset, size);
    try (InputStream in = region.open()) {
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(1 << 20);
      }
      assertThatThrownBy(in::readAllBytes).isInstanceOf(SourceChangedException.class)
          .hasMessageContaining("ends at byte " + (1 << 20));
    }
  }

  @Test
  void aFileTruncatedInsideTheRangeIsASourceChangeNamingTheFileAndTheRange() throws Exception {
    Path file = Files.write(dir.resolve("base.tar"), new byte[100]);
    FileRegionSource region = new FileRegionSource(file, 40, 50);
    try (InputStream in = region.open()) {
      assertThat(in.readNBytes(10)).hasSize(10);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(60);
      }
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(SourceChangedException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("ends at byte 60, inside the 50 bytes at offset 40")
          .hasMessageContaining("it has 60 bytes now");
    }
  }
}
