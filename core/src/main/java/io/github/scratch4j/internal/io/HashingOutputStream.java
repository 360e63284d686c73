package io.github.scratch4j.internal.io;

import io.github.scratch4j.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Passes bytes on while counting them and computing their SHA-256, and tells a meter of them as
 * they pass (a file copied in bulk, a window at a time).
 */
public final class HashingOutputStream extends BulkOutput {
  private static final LongConsumer UNMETERED = n -> {};
  /** The most bytes hashed before they are passed on, unless told otherwise. */
  public static final int SLICE = 1 << 16;
  /** A slice no write exceeds: each write is hashed whole, then passed on whole. */
  public static final int WHOLE = Integer.MAX_VALUE;

  private final OutputStream out;
  private final LongConsumer meter;
  private final int slice;
  private final MessageDigest digest = Sha256.newDigest();
  private long count;

  /** Hashes and forwards to {@code out}. */
  public HashingOutputStream(OutputStream out) {
    this(out, UNMETERED);
  }

  /**
   * Hashes and forwards to {@code out}, telling {@code meter} each count of bytes that passed. What
   * the meter throws ends the write it is called from.
   */
  public HashingOutputStream(OutputStream out, LongConsumer meter) {
    this(out, meter, SLICE);
  }

  /**
   * Hashes and forwards to {@code out} at most {@code slice} bytes at a time: {@link #WHOLE} where
   * what comes after gains nothing from taking a write in pieces (a compressor or a pipe that
   * hands on whole buffers anyway), and each piece would only be one more call down the line.
   */
  public HashingOutputStream(OutputStream out, LongConsumer meter, int slice) {
    if (slice <= 0) {
      throw new IllegalArgumentException("slice " + slice);
    }
    this.out = out;
    this.meter = meter;
    this.slice = slice;
  }

  /** Hashes and discards: for a pass that only needs the digest and size. */
  public static HashingOutputStream discarding() {
    return new HashingOutputStream(OutputStream.nullOutputStream());
  }

  @Override
  public void write(int b) throws IOException {
    digest.update((byte) b);
    count++;
    out.write(b);
    meter.accept(1);
  }

  /**
   * Hashes and forwards a slice of at most {@code slice} bytes at a time, so that what comes after
   * this stream (a socket, a compressor, a copier thread) takes the first slice while the next is
   * hashed, rather than waiting for the hash of a whole large write.
   */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    for (int at = off, end = off + len; at < end; ) {
      int n = Math.min(slice, end - at);
      digest.update(b, at, n);
      count += n;
      out.write(b, at, n);
      meter.accept(n);
      at += n;
    }
  }

  /**
   * Into a file target, a copier thread reads the content ahead and writes it into the target while
   * this thread hashes it ({@link ReadAhead}): the hash, the floor of the work, runs alone on its
   * core. Elsewhere it is read into {@code buffer} a chunk at a time, hashed and forwarded.
   */
  @Override
  public void copyFile(java.nio.file.Path path, FileChannel file, long size, byte[] buffer) throws IOException {
    if (!(out instanceof RangeTarget target)) {
      super.copyFile(path, file, size, buffer);
      return;
    }
    target.readAhead().copy(path, file, size, target, digest, meter);
    count += size;
  }

  /** The number of bytes written so far. */
  public long count() {
    return count;
  }

  /** The SHA-256 of everything written; call once, at the end. */
  public Digest digest() {
    return Sha256.toDigest(digest.digest());
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Does not close the underlying stream, which belongs to the caller. */
  @Override
  public void close() {}
}
