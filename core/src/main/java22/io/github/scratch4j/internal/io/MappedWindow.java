package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * A read-only memory mapping of a window of a file, read once from start to end by the thread that
 * mapped it, then closed, which unmaps it at once so that the process's resident set does not grow
 * with the file.
 *
 * <p>This is the Java 22 version, which the multi-release jar gives Java 22 and later in place of
 * the Java 17 one (in {@code src/main/java}): the window is mapped into a confined {@link Arena}
 * and unmapped by closing it (JEP 454), with no use of sun.misc.Unsafe, whose memory methods make
 * the JDK print a warning from Java 24 on (JEP 498). Confined, because the window never leaves the
 * thread that maps it, and closing a confined arena needs no handshake with other threads.
 *
 * <p>A read of pages lost to a truncation still raises SIGBUS, which HotSpot turns into an
 * {@link InternalError}. On JDK 25 it came out of the read itself (ChangingSourceTest passed with
 * {@link #deliverFaults} emptied); JDK 17 delivered it asynchronously, much later, and JDKs 22 to
 * 24 were not measured here. So, as in the Java 17 version, every read is still followed by
 * {@link #deliverFaults}, and the fault comes out as a {@link MappedReadFault} from the read that
 * caused it, never from the unmap.
 */
public final class MappedWindow implements AutoCloseable {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private final Arena arena;
  private final MemorySegment segment;
  private long position;

  private MappedWindow(Arena arena, MemorySegment segment) {
    this.arena = arena;
    this.segment = segment;
  }

  /** Maps {@code length} bytes (at most 2 GiB) of {@code file} at {@code offset}, read-only. */
  public static MappedWindow map(FileChannel file, long offset, long length) throws IOException {
    Arena arena = Arena.ofConfined();
    try {
      return new MappedWindow(arena, file.map(FileChannel.MapMode.READ_ONLY, offset, length, arena));
    } catch (IOException | RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  /** The number of bytes not read yet. */
  public int remaining() {
    return (int) (segment.byteSize() - position);
  }

  /** Copies the next {@code n} bytes of the window into the start of {@code into}. */
  public void read(byte[] into, int n) throws MappedReadFault {
    try {
      MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, into, 0, n);
      deliverFaults();
    } catch (InternalError e) {
      throw new MappedReadFault(e);
    }
    position += n;
  }

  /** Hashes the rest of the window. */
  public void hash(MessageDigest digest) throws MappedReadFault {
    try {
      digest.update(segment.asSlice(position).asByteBuffer());
      deliverFaults();
    } catch (InternalError e) {
      throw new MappedReadFault(e);
    }
    position = segment.byteSize();
  }

  /**
   * Makes the JVM throw now a fault it has recorded for an earlier read of a mapping: a stack walk
   * is a call from the VM back into Java, where pending asynchronous errors are delivered.
   */
  static void deliverFaults() {
    WALKER.walk(frames -> null);
  }

  /** Unmaps the window now. */
  @Override
  public void close() {
    arena.close();
  }
}
