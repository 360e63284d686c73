package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * Memory-maps windows of files and unmaps them as soon as they are used, so that the process's
 * resident set does not grow with the file (Java 17 has no public unmap; sun.misc.Unsafe's
 * invokeCleaner, in the jdk.unsupported module, is the supported way until then).
 *
 * <p>A file truncated under a mapping makes a read of the lost pages raise SIGBUS. HotSpot turns
 * that into an {@link InternalError}, but delivers it asynchronously, at a point of its choosing
 * after the read: on JDK 17 only when the thread next enters the VM from Java, which may be much
 * later. Measured here, it escaped from the unmap (whose cleaner exits the JVM on any error), from
 * a later channel call, and from inside a thread pool's bookkeeping, which then hung. So every read
 * of a mapping is followed, inside the same {@code try}, by {@link #deliverFaults}, and a fault
 * comes out as a {@link MappedReadFault} from the read that caused it.
 */
public final class Mapping {
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

  private Mapping() {}

  /** Maps {@code length} bytes of {@code file} at {@code offset}, read-only. */
  public static MappedByteBuffer map(FileChannel file, long offset, long length) throws IOException {
    return file.map(FileChannel.MapMode.READ_ONLY, offset, length);
  }

  /** Copies {@code n} bytes of a mapped window into {@code into}. */
  public static void get(MappedByteBuffer window, byte[] into, int n) throws MappedReadFault {
    try {
      window.get(into, 0, n);
      deliverFaults();
    } catch (InternalError e) {
      throw new MappedReadFault(e);
    }
  }

  /** Hashes the rest of a mapped window. */
  public static void hash(MappedByteBuffer window, MessageDigest digest) throws MappedReadFault {
    try {
      digest.update(window);
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

  /** Releases a mapping now. Call only after the reads of it were checked with {@link #get} or {@link #hash}. */
  public static void unmap(MappedByteBuffer window) {
    if (INVOKE_CLEANER != null) {
      try {
        INVOKE_CLEANER.invoke(UNSAFE, window);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Left to the garbage collector.
      }
    }
  }
}
