package io.github.scratch4j.internal.compress;

import io.github.scratch4j.Compression;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.io.WatchedInputStream;
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

  /**
   * Decompresses input that came from outside: a stream that is corrupt or cut short fails with
   * an {@link ImageFormatException} naming {@code what}, the codec and how many compressed bytes
   * had been read, instead of the codec's own {@code EOFException}, {@code ZipException} or
   * {@code ZstdIOException}. A failure to read {@code in} itself is passed on unchanged.
   */
  public static InputStream decompress(Compression compression, InputStream in, String what) throws IOException {
    return switch (compression) {
      case NONE -> in;
      case ZSTD -> {
        // A missing zstd-jni is no input's fault: checked first, so that it is not reported as corrupt data.
        Zstd.check();
        yield checked("zstd", in, what, Zstd::decompress);
      }
      case GZIP -> checked("gzip", in, what, raw -> new GZIPInputStream(raw, 64 * 1024));
    };
  }

  /** Opens a decoder on the compressed bytes; may read its header. */
  interface Decoder {
    InputStream open(InputStream compressed) throws IOException;
  }

  /**
   * {@code decoder} over {@code in}, with its errors (opening included) translated as
   * {@link #decompress(Compression, InputStream, String)} does; {@code codec} names the format.
   */
  static InputStream checked(String codec, InputStream in, String what, Decoder decoder) throws IOException {
    Checked checked = new Checked(in, codec, what);
    try {
      checked.decompressed = decoder.open(checked.counted);
    } catch (IOException | RuntimeException e) {
      throw checked.translate(e);
    }
    return checked;
  }

  /** The decompressed stream, translating the codec's errors. */
  private static final class Checked extends InputStream {
    private final WatchedInputStream counted;
    private final String codec;
    private final String what;
    private InputStream decompressed;

    Checked(InputStream in, String codec, String what) {
      this.counted = new WatchedInputStream(in);
      this.codec = codec;
      this.what = what;
    }

    /**
     * A decoder's complaint about its input, as an {@link ImageFormatException}. A decoder may
     * also throw a runtime exception on crafted input; one thrown while the stream below was
     * fine is the input's fault too.
     */
    IOException translate(Exception e) {
      if (e instanceof ImageFormatException) {
        return (IOException) e;
      }
      if (counted.failure().isPresent()) {
        if (e instanceof IOException io) {
          return io;
        }
        throw (RuntimeException) e;
      }
      return new ImageFormatException(what + ": the " + codec
          + " stream is corrupt or cut short after " + counted.count() + " compressed bytes ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }

    @Override
    public int read() throws IOException {
      try {
        return decompressed.read();
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return decompressed.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return decompressed.skip(n);
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
    }

    @Override
    public void close() throws IOException {
      decompressed.close();
    }
  }
}
