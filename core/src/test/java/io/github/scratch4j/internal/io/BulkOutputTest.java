package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkOutputTest {
  @TempDir Path dir;

  /** Collects what it is given, and how large each write was. */
  private static final class Collecting extends BulkOutput {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int largest;

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      largest = Math.max(largest, len);
      bytes.write(b, off, len);
    }
  }

  /**
   * Whatever the file's size against the small-file line, the chunk and the caller's buffer, the
   * output gets exactly the file's bytes, in writes no larger than the buffer or a chunk.
   */
  @Test
  void aFileIsWrittenWholeInChunksOfAtMostTheBufferOrAChunk() throws Exception {
    int chunk = ReadAhead.CHUNK;
    long[] sizes = {0, 1, 16 << 10, (16 << 10) + 1, chunk - 1, chunk, chunk + 1, 3L * chunk + 4097};
    Random random = new Random(3);
    for (long size : sizes) {
      byte[] content = new byte[(int) size];
      random.nextBytes(content);
      Path file = Files.write(dir.resolve("f" + size), content);
      for (int bufferSize : new int[] {64 << 10, 1 << 20}) {
        Collecting out = new Collecting();
        try (FileChannel channel = FileChannel.open(file)) {
          out.copyFile(file, channel, size, new byte[bufferSize]);
        }
        assertThat(out.bytes.toByteArray()).as("%d bytes through a buffer of %d", size, bufferSize).isEqualTo(content);
        assertThat(out.largest).isLessThanOrEqualTo(Math.min(bufferSize, chunk));
      }
    }
  }

  /** Copies on many threads at once, as layers made side by side are, each get their own buffer. */
  @Test
  void copiesOnManyThreadsAtOnceEachGetTheirOwnFilesBytes() throws Exception {
    int files = 24;
    List<byte[]> contents = new java.util.ArrayList<>();
    for (int i = 0; i < files; i++) {
      byte[] content = new byte[(1 << 20) + 1000 * i];
      new Random(100 + i).nextBytes(content);
      contents.add(content);
      Files.write(dir.resolve("c" + i), content);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
    try {
      List<java.util.concurrent.Future<byte[]>> copies = new java.util.ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < files; i++) {
          Path file = dir.resolve("c" + i);
          copies.add(pool.submit(() -> {
            Collecting out = new Collecting();
            try (FileChannel channel = FileChannel.open(file)) {
              out.copyFile(file, channel, Files.size(file), new byte[64 << 10]);
            }
            return out.bytes.toByteArray();
          }));
        }
      }
      for (int c = 0; c < copies.size(); c++) {
        assertThat(copies.get(c).get(60, java.util.concurrent.TimeUnit.SECONDS)).as("copy %d", c)
            .isEqualTo(contents.get(c % files));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFileShorterThanSaidIsAnEofExceptionNamingIt() throws Exception {
    Path file = Files.write(dir.resolve("short"), new byte[300_000]);
    try (FileChannel channel = FileChannel.open(file)) {
      assertThatThrownBy(() -> new Collecting().copyFile(file, channel, 400_000, new byte[1 << 20]))
          .isInstanceOf(EOFException.class).hasMessageContaining(file.toString()).hasMessageContaining("300000 of 400000");
    }
  }
}
