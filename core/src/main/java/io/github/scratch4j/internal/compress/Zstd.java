package io.github.scratch4j.internal.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** zstd through zstd-jni, an optional dependency: only loaded when zstd is used. */
final class Zstd {
  private Zstd() {}

  static OutputStream compress(OutputStream out, int level) throws IOException {
    check();
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
    check();
    return new com.github.luben.zstd.ZstdInputStream(in);
  }

  static void check() throws IOException {
    try {
      Class.forName("com.github.luben.zstd.ZstdOutputStream", false, Zstd.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IOException(
          "zstd needs com.github.luben:zstd-jni on the class path (an optional dependency of scratch4j)", e);
    }
  }
}
