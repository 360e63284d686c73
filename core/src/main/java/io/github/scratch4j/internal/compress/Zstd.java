package io.github.scratch4j.internal.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** zstd through zstd-jni, an optional dependency: only loaded when zstd is used. */
final class Zstd {
  /** The coordinates a user adds to use zstd; kept equal to the build's version by a test. */
  static final String ARTIFACT = "com.github.luben:zstd-jni:1.5.7-28";

  private Zstd() {}

  static OutputStream compress(OutputStream out, int level) throws IOException {
    check();
    return Jni.compress(out, level);
  }

  static InputStream decompress(InputStream in) throws IOException {
    check();
    return Jni.decompress(in);
  }

  static void check() throws IOException {
    try {
      Class.forName("com.github.luben.zstd.ZstdOutputStream", false, Zstd.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IOException("zstd needs " + ARTIFACT + " on the class path (an optional dependency of scratch4j;"
          + " on the module path, also --add-modules com.github.luben.zstd_jni)", e);
    }
  }

  /**
   * The calls into zstd-jni, in a class of their own that is loaded only after {@link #check}:
   * verifying a method that returns a zstd-jni stream as a JDK stream loads the zstd-jni class,
   * so were they here, this whole class would fail to load (a NoClassDefFoundError, not the
   * message above) when the jar is missing.
   */
  private static final class Jni {
    static OutputStream compress(OutputStream out, int level) throws IOException {
      com.github.luben.zstd.ZstdOutputStream z =
          new com.github.luben.zstd.ZstdOutputStream(new NonClosingOutputStream(out), level);
      // No checksum; and always at least one worker: zstd's multi-threaded format is the same for
      // any number of workers (measured: 1, 2 and 4 give identical bytes) but differs from
      // single-threaded mode, so this keeps the bytes independent of the machine's processors.
      z.setChecksum(false);
      z.setWorkers(Math.max(1, CompressionPool.THREADS));
      return z;
    }

    static InputStream decompress(InputStream in) throws IOException {
      return new com.github.luben.zstd.ZstdInputStream(in);
    }
  }
}
