package io.github.scratch4j.internal.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) with a fixed header: no file name, no modification time, OS
 * "unknown". The JDK's GZIPOutputStream header differs between JDK versions; this one does not,
 * so equal input and level give equal bytes wherever the JDK's zlib is the same.
 */
public final class GzipOutputStream extends OutputStream {
  /** RFC 1952 section 2.3: ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown). */
  static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream out;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] buffer = new byte[64 * 1024];
  private long length;
  private boolean finished;

  /** Compresses into {@code out} at the given level (0-9), which this stream does not close. */
  public GzipOutputStream(OutputStream out, int level) throws IOException {
    this.out = out;
    this.deflater = new Deflater(level, true);
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    length += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      drain(Deflater.NO_FLUSH);
    }
  }

  private void drain(int flush) throws IOException {
    int n = deflater.deflate(buffer, 0, buffer.length, flush);
    if (n > 0) {
      out.write(buffer, 0, n);
    }
  }

  /** Finishes the member and writes the trailer; the underlying stream stays open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    deflater.finish();
    while (!deflater.finished()) {
      drain(Deflater.NO_FLUSH);
    }
    deflater.end();
    // RFC 1952 section 2.3.1: CRC32 then ISIZE (length modulo 2^32), both little-endian.
    writeIntLe(crc.getValue());
    writeIntLe(length);
  }

  private void writeIntLe(long v) throws IOException {
    out.write((int) v & 0xff);
    out.write((int) (v >>> 8) & 0xff);
    out.write((int) (v >>> 16) & 0xff);
    out.write((int) (v >>> 24) & 0xff);
  }

  /** Finishes the member; the underlying stream stays open. */
  @Override
  public void close() throws IOException {
    finish();
  }
}
