package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written past the page cache holds exactly the bytes written, whichever way each stretch
 * went: past the cache, through it when the staging buffers are all taken or the file system
 * refuses, or after a direct write was refused midway.
 */
class DirectFileOutputTest {
  @TempDir Path dir;

  private final List<ByteBuffer> held = new ArrayList<>();

  @AfterEach
  void giveBack() {
    held.forEach(DirectFileOutput::release);
  }

  /** Writes {@code content} in pieces of random sizes (some larger than a slot), as arrays, heap and direct buffers. */
  private static void writeInPieces(DirectFileOutput out, byte[] content, long seed) throws IOException {
    Random random = new Random(seed);
    int at = 0;
    int turn = 0;
    while (at < content.length) {
      int n = Math.min(content.length - at,
          random.nextInt(10) == 0 ? DirectFileOutput.SLOT + random.nextInt(DirectFileOutput.SLOT) : 1 + random.nextInt(400_000));
      switch (turn++ % 3) {
        case 0 -> out.write(content, at, n);
        case 1 -> {
          ByteBuffer heap = ByteBuffer.wrap(content, at, n);
          out.write(heap);
          assertThat(heap.hasRemaining()).isFalse();
        }
        default -> {
          ByteBuffer direct = ByteBuffer.allocateDirect(n + 3).position(3);
          direct.put(content, at, n).flip().position(3);
          out.write(direct);
          assertThat(direct.hasRemaining()).isFalse();
        }
      }
      at += n;
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A disk file system of the kinds Linux machines run on, which take direct writes. */
  private boolean directWritesExpected() throws IOException {
    String type = Files.getFileStore(dir).type();
    return System.getProperty("os.name").equals("Linux") && List.of("ext4", "xfs", "btrfs").contains(type);
  }

  @Test
  void theFileHoldsExactlyTheBytesWrittenAndMostWentPastThePageCache() throws Exception {
    for (int size : new int[] {0, 1, 4095, 4096, DirectFileOutput.SLOT, DirectFileOutput.SLOT + 1, 5 * DirectFileOutput.SLOT + 12_345}) {
      byte[] content = random(size, size);
      try (TempSiblings.TempFile temp = TempSiblings.createFile(dir.resolve("blob-" + size))) {
        DirectFileOutput out = temp.directOutput();
        writeInPieces(out, content, size);
        out.finish();
        assertThat(out.size()).isEqualTo(size);
        assertThat(Files.readAllBytes(temp.path())).as("%d bytes", size).isEqualTo(content);
        if (directWritesExpected()) {
          // All but the last partial block.
          assertThat(out.directBytes()).as("%d bytes", size).isEqualTo(size & -DirectFileOutput.ALIGN);
        }
      }
    }
  }

  @Test
  void aFileSystemWithoutDirectWritesGetsOrdinaryOnes() throws Exception {
    byte[] content = random(3 * DirectFileOutput.SLOT + 777, 7);
    Path file = dir.resolve("plain");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      DirectFileOutput out = new DirectFileOutput(channel, Optional.empty(), file.toString());
      writeInPieces(out, content, 7);
      out.finish();
      assertThat(out.directBytes()).isZero();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  /** The staging buffers are the JVM's: a file that finds none free writes through the page cache, and takes them again once freed. */
  @Test
  void withEveryStagingBufferTakenTheBytesGoThroughThePageCacheAndStillArrive() throws Exception {
    for (ByteBuffer b; (b = DirectFileOutput.take()) != null; ) {
      held.add(b);
    }
    assertThat(held).hasSize(DirectFileOutput.SLOTS);
    byte[] content = random(6 * DirectFileOutput.SLOT + 99, 11);
    try (TempSiblings.TempFile temp = TempSiblings.createFile(dir.resolve("blob"))) {
      DirectFileOutput out = temp.directOutput();
      int half = 3 * DirectFileOutput.SLOT + 5;
      out.write(content, 0, half);
      assertThat(out.directBytes()).isZero();
      // Freed midway: the next whole slot is staged again.
      held.forEach(DirectFileOutput::release);
      held.clear();
      out.write(content, half, content.length - half);
      out.finish();
      assertThat(Files.readAllBytes(temp.path())).isEqualTo(content);
      if (directWritesExpected()) {
        assertThat(out.directBytes()).isEqualTo(2L * DirectFileOutput.SLOT);
      }
    }
  }

  @Test
  void aDirectWriteRefusedMidwayIsWrittenThroughThePageCacheFromThere() throws Exception {
    byte[] content = random(4 * DirectFileOutput.SLOT + 4242, 13);
    Path file = dir.resolve("refusing");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel real = FileChannel.open(file, StandardOpenOption.WRITE)) {
      // Takes the first stretch, then says what Linux says of a block size it does not take.
      FileChannel refusing = new Refusing(real, DirectFileOutput.SLOT);
      DirectFileOutput out = new DirectFileOutput(channel, Optional.of(refusing), file.toString());
      writeInPieces(out, content, 13);
      out.finish();
      assertThat(out.directBytes()).isEqualTo(DirectFileOutput.SLOT);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  @Test
  void aFailedWriteIsThrownWithTheFileNamedAndTheStagingBuffersComeBack() throws Exception {
    Path file = dir.resolve("failing");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    DirectFileOutput out = new DirectFileOutput(channel, Optional.of(channel), file.toString());
    channel.close();
    byte[] content = random(3 * DirectFileOutput.SLOT, 17);
    assertThatThrownBy(() -> {
      writeInPieces(out, content, 17);
      out.finish();
    }).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
    assertThat(freeSlots()).isEqualTo(DirectFileOutput.SLOTS);
  }

  @Test
  void anAbandonedOutputGivesItsStagingBuffersBack() throws Exception {
    try (TempSiblings.TempFile temp = TempSiblings.createFile(dir.resolve("blob"))) {
      DirectFileOutput out = temp.directOutput();
      out.write(random(2 * DirectFileOutput.SLOT + 10, 19), 0, 2 * DirectFileOutput.SLOT + 10);
    }
    assertThat(freeSlots()).isEqualTo(DirectFileOutput.SLOTS);
  }

  /** How many staging buffers can be taken now, waiting a little for a writer thread to give its back. */
  private int freeSlots() throws InterruptedException {
    for (int tries = 0; ; tries++) {
      List<ByteBuffer> taken = new ArrayList<>();
      for (ByteBuffer b; (b = DirectFileOutput.take()) != null; ) {
        taken.add(b);
      }
      taken.forEach(DirectFileOutput::release);
      if (taken.size() == DirectFileOutput.SLOTS || tries == 100) {
        return taken.size();
      }
      Thread.sleep(20);
    }
  }

  /** A direct channel that writes {@code allowed} bytes, then refuses as for a misaligned write. */
  private static final class Refusing extends FileChannel {
    private final FileChannel real;
    private long allowed;

    Refusing(FileChannel real, long allowed) {
      this.real = real;
      this.allowed = allowed;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      if (allowed <= 0) {
        throw new IOException("Invalid argument");
      }
      int n = real.write(src, position);
      allowed -= n;
      return n;
    }

    @Override
    public int read(ByteBuffer dst) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel position(long newPosition) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public FileChannel truncate(long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void force(boolean metaData) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() {}
  }
}
