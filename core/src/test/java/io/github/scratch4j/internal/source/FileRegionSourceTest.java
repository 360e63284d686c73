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
