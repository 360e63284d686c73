package io.github.scratch4j.internal.io;

import io.github.scratch4j.internal.exec.Threads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a new file from its start to its end past the page cache where the file system allows
 * (Linux's {@code O_DIRECT}): for a file that is kept but not read back soon, a blob in the pull
 * cache. A write through the page cache copies every byte into a page taken for it; where fresh
 * memory is dear, a virtual machine whose host takes back the guest's free pages (free page
 * reporting) so that each page taken again faults on the host, that copy cost the writer of a
 * 512 MiB blob 0.4-1.0 s of system time. A direct write leaves the copy to the disk.
 *
 * <p>The bytes are copied into aligned staging buffers, {@value #SLOTS} of {@value #SLOT} bytes
 * for the whole JVM, and written by a thread of the file's own, so the caller never waits for
 * the disk: when no staging buffer is free, that stretch of the file is written through the page
 * cache at once, as an ordinary write is. A file system that refuses direct writes gets ordinary
 * writes throughout. Either way the file holds the same bytes once {@link #finish} returns.
 *
 * <p>Not for concurrent use: one thread calls its methods (the writer thread is its own).
 */
public final class DirectFileOutput {
  /** The stretch of the file one staging buffer holds, a multiple of {@link #ALIGN}. */
  static final int SLOT = 1 << 20;
  /** Staging buffers the JVM makes at most: {@value} MiB of direct memory. */
  static final int SLOTS = 8;
  /**
   * The alignment of the staging buffers, and the largest block size direct writes are used for:
   * {@code O_DIRECT} wants the buffer's address, the file offset and the length to be multiples of
   * the device's logical block size (512 or 4096 bytes).
   */
  static final int ALIGN = 4096;

  private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(SLOTS);
  private static final AtomicInteger MADE = new AtomicInteger();
  private static final ExecutorService WRITERS = Threads.cached("scratch4j-file-write");
  /** {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, where the JDK has it (module jdk.unsupported). */
  private static final Optional<OpenOption> DIRECT = directOption();

  private final FileChannel channel;
  private final FileChannel direct;
  private final String name;
  /** Where the next byte goes. */
  private long position;
  /** The staging buffer of the stretch being written, or null when it goes through the page cache. */
  private ByteBuffer stage;
  /** Staged stretches for the writer thread, then {@link #END}. */
  private final BlockingQueue<Object> staged = new LinkedBlockingQueue<>();
  private static final Object END = new Object();
  private CompletableFuture<Void> writer;
  private volatile IOException failure;
  private volatile boolean abandoned;
  /** Bytes written past the page cache; for tests. */
  private final java.util.concurrent.atomic.AtomicLong directBytes = new java.util.concurrent.atomic.AtomicLong();

  /**
   * A writer to {@code channel}, a new empty file open for writing, which stays the caller's;
   * {@code direct}, if present, is a second channel to the same file opened with {@link
   * #openDirect}, which the writer uses for its aligned stretches.
   */
  public DirectFileOutput(FileChannel channel, Optional<FileChannel> direct, String name) {
    this.channel = channel;
    this.direct = direct.orElse(null);
    this.name = name;
  }

  /**
   * A channel that writes {@code path} past the page cache, if the JDK and the file system offer
   * one for a block size this class handles; closing it drops any lock this process holds on the
   * file, as closing any channel to it does.
   */
  public static Optional<FileChannel> openDirect(Path path) {
    if (DIRECT.isEmpty()) {
      return Optional.empty();
    }
    try {
      long block = java.nio.file.Files.getFileStore(path).getBlockSize();
      if (block <= 0 || block > ALIGN || ALIGN % block != 0) {
        return Optional.empty();
      }
      return Optional.of(FileChannel.open(path, StandardOpenOption.WRITE, DIRECT.get()));
    } catch (IOException | RuntimeException e) {
      // Not offered here (tmpfs on older kernels, some network file systems): ordinary writes.
      return Optional.empty();
    }
  }

  private static Optional<OpenOption> directOption() {
    try {
      Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
      return Optional.of((OpenOption) c.getField("DIRECT").get(null));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** Writes the buffer's remaining bytes next; the buffer is the caller's again on return. */
  public void write(ByteBuffer src) throws IOException {
    rethrow();
    if (abandoned) {
      throw new IOException("writing " + name + " was given up");
    }
    while (src.hasRemaining()) {
      int inSlot = (int) (position % SLOT);
      if (inSlot == 0 && stage == null && direct != null) {
        stage = take();
      }
      int n = Math.min(src.remaining(), SLOT - inSlot);
      ByteBuffer part = src.slice(src.position(), n);
      if (stage != null) {
        stage.put(part);
      } else {
        long at = position;
        while (part.hasRemaining()) {
          at += channel.write(part, at);
        }
      }
      src.position(src.position() + n);
      position += n;
      if (stage != null && position % SLOT == 0) {
        submit(stage, position - SLOT);
        stage = null;
      }
    }
  }

  /** Writes {@code len} bytes of {@code b} from {@code off} next. */
  public void write(byte[] b, int off, int len) throws IOException {
    write(ByteBuffer.wrap(b, off, len));
  }

  /** How many bytes were written so far. */
  public long size() {
    return position;
  }

  /** How many bytes went to the file past the page cache; for tests. */
  long directBytes() {
    return directBytes.get();
  }

  /** Waits until every byte written is in the file, and throws the first failure to write any. */
  public void finish() throws IOException {
    if (stage != null) {
      ByteBuffer last = stage;
      stage = null;
      if (last.position() > 0) {
        submit(last, position - last.position());
      } else {
        release(last);
      }
    }
    if (writer != null) {
      staged.add(END);
      try {
        writer.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandon();
        throw new InterruptedIOException("interrupted while writing " + name);
      } catch (ExecutionException e) {
        throw new IOException("writing " + name + " failed: " + e.getCause(), e.getCause());
      }
    }
    rethrow();
  }

  /**
   * Gives up: the writer thread writes nothing more and hands its staging buffers back. The file
   * is the caller's to remove.
   */
  public void abandon() {
    abandoned = true;
    ByteBuffer s = stage;
    stage = null;
    if (s != null) {
      release(s);
    }
    if (writer != null) {
      staged.add(END);
    }
  }

  /** Throws the writer thread's failure, if any, after giving up (the output is of no more use). */
  private void rethrow() throws IOException {
    IOException f = failure;
    if (f != null) {
      abandon();
      throw new IOException("writing " + name + " failed: " + f.getMessage(), f);
    }
  }

  private void submit(ByteBuffer filled, long at) {
    staged.add(new Stretch(filled.flip(), at));
    if (writer == null) {
      writer = CompletableFuture.runAsync(this::drain, WRITERS);
    }
  }

  private record Stretch(ByteBuffer bytes, long at) {}

  /** The writer thread: writes each stretch, in order, until {@link #END}. */
  private void drain() {
    boolean directWorks = true;
    while (true) {
      Object item;
      try {
        item = staged.take();
      } catch (InterruptedException e) {
        failure = new InterruptedIOException("interrupted");
        return;
      }
      if (item == END) {
        return;
      }
      Stretch s = (Stretch) item;
      try {
        if (!abandoned && failure == null) {
          ByteBuffer b = s.bytes();
          long at = s.at();
          int aligned = b.remaining() & -ALIGN;
          if (directWorks && aligned > 0) {
            try {
              ByteBuffer head = b.slice(0, aligned);
              long to = at;
              while (head.hasRemaining()) {
                to += direct.write(head, to);
              }
              directBytes.addAndGet(aligned);
              b.position(aligned);
              at += aligned;
            } catch (IOException refused) {
              if (abandoned || !direct.isOpen()) {
                throw refused;
              }
              // A device whose blocks are larger than it said (EINVAL): the page cache from now on.
              directWorks = false;
            }
          }
          while (b.hasRemaining()) {
            at += channel.write(b, at);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
      } finally {
        release(s.bytes());
      }
    }
  }

  /** A free staging buffer, or null when all {@link #SLOTS} are in use (or none can be made). */
  static ByteBuffer take() {
    ByteBuffer b = FREE.poll();
    if (b != null) {
      return b.clear();
    }
    if (MADE.incrementAndGet() > SLOTS) {
      MADE.decrementAndGet();
      return null;
    }
    try {
      return Aligned.direct(SLOT);
    } catch (OutOfMemoryError directMemoryFull) {
      MADE.decrementAndGet();
      return null;
    }
  }

  /** Gives a staging buffer back. */
  static void release(ByteBuffer b) {
    FREE.offer(b.clear());
  }
}
