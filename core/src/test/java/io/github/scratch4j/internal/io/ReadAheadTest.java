package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source file copied into a file target by the copier thread while the caller hashes it: the
 * bytes land in the file's own range, between what was written before and after, the digest and
 * count are the file's, and every way it can end early ends with the caller's exception after the
 * copier has stopped.
 */
class ReadAheadTest {
  @TempDir Path dir;
  private final ExecutorService copier = Executors.newCachedThreadPool();

  @AfterEach
  void stopCopier() {
    copier.shutdownNow();
  }

  @Test
  void copiesTheFileIntoItsRangeBetweenWhatWasWrittenBeforeAndAfterAndHashesIt() throws Exception {
    // Not a whole number of chunks, so the last read is short.
    byte[] content = random(3 * ReadAhead.CHUNK + 123);
    Path source = Files.write(dir.resolve("source.bin"), content);
    Path target = dir.resolve("target.bin");
    byte[] before = "header".getBytes();
    byte[] after = "trailer".getBytes();
    HashingOutputStream hashing;
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileArchiveOutput out = new FileArchiveOutput(channel, 64 << 10, copier)) {
      out.write(before);
      hashing = new HashingOutputStream(out);
      copy(hashing, source, content.length);
      out.write(after);
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(concat(before, content, after));
    assertThat(hashing.count()).isEqualTo(content.length);
    assertThat(hashing.digest().hex()).isEqualTo(sha256(content));
  }

  @Test
  void aRegionTakesTheFileInsideItsOwnRange() throws Exception {
    byte[] content = random(2 * ReadAhead.CHUNK + 7);
    Path source = Files.write(dir.resolve("source.bin"), content);
    Path target = dir.resolve("target.bin");
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileArchiveOutput out = new FileArchiveOutput(channel, 64 << 10, copier)) {
      out.write(new byte[10]);
      long at = out.reserve(3 + content.length + 2);
      out.write(new byte[] {9});
      try (FileArchiveOutput.Region region = out.region(at, 3 + content.length + 2)) {
        region.write(new byte[] {1, 2, 3});
        HashingOutputStream hashing = new HashingOutputStream(region);
        copy(hashing, source, content.length);
        region.write(new byte[] {4, 5});
        assertThat(hashing.digest().hex()).isEqualTo(sha256(content));
      }
    }
    assertThat(Files.readAllBytes(target))
        .isEqualTo(concat(new byte[10], new byte[] {1, 2, 3}, content, new byte[] {4, 5, 9}));
  }

  @Test
  void aFileThatEndsEarlyIsAnEofExceptionSayingWhereAndTheWriterCanGoOn() throws Exception {
    byte[] content = random(ReadAhead.CHUNK + 100);
    Path source = Files.write(dir.resolve("source.bin"), content);
    Path target = dir.resolve("target.bin");
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileArchiveOutput out = new FileArchiveOutput(channel, 64 << 10, copier)) {
      HashingOutputStream hashing = new HashingOutputStream(out);
      // The size the file had when it was added: more than it has now.
      Throwable thrown = catchThrowable(() -> copy(hashing, source, content.length + 5000L));
      assertThat(thrown).isInstanceOf(EOFException.class)
          .hasMessage(source + " ended after " + content.length + " of " + (content.length + 5000L)
              + " bytes while it was copied");
      // Its buffers came back: the next file is copied whole.
      copy(new HashingOutputStream(out), source, content.length);
    }
  }

  @Test
  void aMeterThatThrowsEndsTheCopyWithItsOwnException() throws Exception {
    // The meter hears of the bytes a 32 MiB window at a time: a sparse file reads fast.
    Path source = dir.resolve("sparse.bin");
    try (FileChannel f = FileChannel.open(source, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      f.truncate(0);
      f.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (40L << 20) - 1);
    }
    IllegalStateException cancelled = new IllegalStateException("cancelled by the listener");
    AtomicLong heard = new AtomicLong();
    try (FileChannel channel = FileChannel.open(dir.resolve("t.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileArchiveOutput out = new FileArchiveOutput(channel, 64 << 10, copier)) {
      HashingOutputStream hashing = new HashingOutputStream(out, n -> {
        heard.addAndGet(n);
        throw cancelled;
      });
      Throwable thrown = catchThrowable(() -> copy(hashing, source, 40L << 20));
      assertThat(thrown).isSameAs(cancelled);
      assertThat(heard).hasValue(32L << 20);
    }
  }

  @Test
  void anInterruptedCallerWaitsForTheCopierAndSaysItWasInterrupted() throws Exception {
    byte[] content = random(16 * ReadAhead.CHUNK);
    Path source = Files.write(dir.resolve("source.bin"), content);
    Thread caller = Thread.currentThread();
    AtomicLong readAfterTheInterrupt = new AtomicLong();
    try (FileChannel channel = FileChannel.open(dir.resolve("t.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileArchiveOutput out = new FileArchiveOutput(channel, 64 << 10, copier)) {
      HashingOutputStream hashing = new HashingOutputStream(out);
      // Interrupted once the copier runs, before its first read: the caller then waits only on the
      // copier, never in a channel call, which an interrupt would close.
      CopyProbe.install((point, file, offset) -> {
        if (point == CopyProbe.Point.CHUNK_READ && offset == 0) {
          caller.interrupt();
        } else if (point == CopyProbe.Point.CHUNK_READ) {
          readAfterTheInterrupt.incrementAndGet();
        }
      });
      Throwable thrown;
      try {
        thrown = catchThrowable(() -> copy(hashing, source, content.length));
      } finally {
        CopyProbe.install(null);
      }
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
      assertThat(thrown).isInstanceOf(InterruptedIOException.class).hasMessageContaining(source.toString());
      // Told to stop, the copier read no more than its buffers hold (and the odd one the caller may
      // have hashed before it saw the interrupt), not the whole file's 16 chunks.
      assertThat(readAfterTheInterrupt.get()).isLessThan(8);
    }
  }

  private static void copy(HashingOutputStream hashing, Path source, long size) throws IOException {
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
      hashing.copyFile(source, file, size, new byte[1 << 20]);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    byte[] all = new byte[0];
    for (byte[] p : parts) {
      int at = all.length;
      all = Arrays.copyOf(all, at + p.length);
      System.arraycopy(p, 0, all, at, p.length);
    }
    return all;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
