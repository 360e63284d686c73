package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * A read-only memory mapping of a window of a file, read once from start to end by the thread that
 * mapped it, then closed, which unmaps it at once so that the process's resident set does not grow
 * with the file.
 *
 * <p>This is the Java 17 to 21 version: Java 17 has no public unmap, and sun.misc.Unsafe's
 * invokeCleaner, in the jdk.unsupported module, is the only way. From Java 24 on the JDK prints a
 * warning on the first call of it (JEP 498), and a library must print nothing, so the jar is a
 * multi-release jar whose Java 22 version of this class (in {@code src/main/java22}) maps into an
 * {@code Arena} and unmaps by closing it (JEP 454).
 *
 * <p>A file truncated under a mapping makes a read of the lost pages raise SIGBUS. HotSpot turns
 * that into an {@link InternalError}, but delivers it asynchronously, at a point of its choosing
 * after the read: on JDK 17 only when the thread next enters the VM from Java, which may be much
 * later. Measured here, it escaped from the unmap (whose cleaner exits the JVM on any error), from
 * a later channel call, and from inside a thread pool's bookkeeping, which then hung. So every read
 * of a mapping is followed, inside the same {@code try}, by {@link #deliverFaults}, and a fault
 * comes out as a {@link MappedReadFault} from the read that caused it.
 */
public final class MappedWindow implements AutoCloseable {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;
  private static final StackWalker WALKER = StackWalker.getInstance();

  static {
    Object unsafe = null;
    Method cleaner = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      unsafe = f.get(null);
      cleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Without it, mappings are released when the buffers are collected.
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = cleaner;
  }

  private final MappedByteBuffer buffer;

  private MappedWindow(MappedByteBuffer buffer) {
    this.buffer = buffer;
  }

  /** Maps {@code length} bytes (at most 2 GiB) of {@code file} at {@code offset}, read-only. */
  public static MappedWindow map(FileChannel file, long offset, long length) throws IOException {
    return new MappedWindow(file.map(FileChannel.MapMode.READ_ONLY, offset, length));
  }

  /** The number of bytes not read yet. */
  public int remaining() {
    return buffer.remaining();
  }

  /** Copies the next {@code n} bytes of the window into the start of {@code into}. */
  public void read(byte[] into, int n) throws MappedReadFault {
    try {
      buffer.get(into, 0, n);
      deliverFaults();
    } catch (InternalError e) {
      throw new MappedReadFault(e);
    }
  }

  /** Hashes the rest of the window. */
  public void hash(MessageDigest digest) throws MappedReadFault {
    try {
      digest.update(buffer);
      deliverFaults();
    } catch (InternalError e) {
      throw new MappedReadFault(e);
    }
  }

  /**
   * Makes the JVM throw now a fault it has recorded for an earlier read of a mapping. A stack walk
   * is a call from the VM back into Java (JVM_CallStackWalk calls doStackWalk), where JDK 17 checks
   * for pending asynchronous errors; later JDKs deliver them at any such transition too. It costs
   * about 2 µs, once per mapped read of up to a megabyte (a heap allocation slow path would also
   * do, but only for arrays larger than the thread's allocation buffer, which depends on the heap).
   */
  static void deliverFaults() {
    WALKER.walk(frames -> null);
  }

  /**
   * Unmaps the window now (or, where the JDK does not let it, leaves it to the garbage collector).
   * Its reads were checked by {@link #read} and {@link #hash}, so no fault is left to escape from
   * the unmap.
   */
  @Override
  public void close() {
    if (INVOKE_CLEANER != null) {
      try {
        INVOKE_CLEANER.invoke(UNSAFE, buffer);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Left to the garbage collector.
      }
    }
  }
}
