package io.github.scratch4j.internal.compress;

import io.github.scratch4j.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/** Compresses and decompresses layer streams. */
public final class Codecs {
  /** gzip's default level, the one `gzip` and Docker use. */
  public static final int GZIP_DEFAULT_LEVEL = 6;
  /** zstd's default level. */
  public static final int ZSTD_DEFAULT_LEVEL = 3;
  /**
   * Uncompressed bytes per gzip block. Every gzip layer is written in blocks, on one thread or
   * many, so the bytes never depend on the machine's processor count.
   */
  public static final int GZIP_BLOCK = 128 << 10;

  private Codecs() {}

  /** A stream that compresses into {@code out}; closing it finishes the frame but leaves {@code out} open. */
  public static OutputStream compress(Compression compression, int level, OutputStream out) throws IOException {
    return switch (compression) {
      case NONE -> new NonClosingOutputStream(out);
      case GZIP -> new ParallelGzipOutputStream(out, level, GZIP_BLOCK, CompressionPool.POOL, CompressionPool.THREADS);
      case ZSTD -> Zstd.compress(out, level);
    };
  }

  /** The compression the first bytes of a stream show: gzip and zstd have magic numbers. */
  public static Compression sniff(byte[] head, int length) {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Compression.GZIP;
    }
    // RFC 8878 section 3.1.1: a zstd frame starts with 0xFD2FB528, little-endian.
    if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /** Decompresses {@code in} according to what its first bytes show. */
  public static InputStream decompress(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    buffered.mark(4);
    byte[] head = buffered.readNBytes(4);
    buffered.reset();
    return decompress(sniff(head, head.length), buffered);
  }

  /** Decompresses {@code in} with the given codec. */
  public static InputStream decompress(Compression compression, InputStream in) throws IOException {
    return switch (compression) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 64 * 1024);
      case ZSTD -> Zstd.decompress(in);
    };
  }
}
