package io.github.scratch4j.internal.io;

import io.github.scratch4j.SourceChangedException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Memory-maps windows of files and unmaps them as soon as they are used, so that the process's
 * resident set does not grow with the file (Java 17 has no public unmap; sun.misc.Unsafe's
 * invokeCleaner, in the jdk.unsupported module, is the supported way until then).
 */
public final class Mapping {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

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

  /**
   * Copies {@code n} bytes of a mapped window into {@code into}. A file truncated while mapped
   * makes the access fault; that is reported as the source changing, not as a JVM error.
   */
  public static void get(MappedByteBuffer window, byte[] into, int n) throws SourceChangedException {
    try {
      window.get(into, 0, n);
    } catch (InternalError e) {
      throw new SourceChangedException("a source file was truncated while it was being read: " + e.getMessage());
    }
  }

  /** Hashes a mapped window; a truncated file is reported as the source changing. */
  public static void hash(MappedByteBuffer window, java.security.MessageDigest digest) throws SourceChangedException {
    try {
      digest.update(window);
    } catch (InternalError e) {
      throw new SourceChangedException("a source file was truncated while it was being read: " + e.getMessage());
    }
  }

  /** Releases a mapping now. */
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
