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

  private final OutputStream out;
  private final LongConsumer meter;
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
    this.out = out;
    this.meter = meter;
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

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    count += len;
    out.write(b, off, len);
    meter.accept(len);
  }

  /**
   * Into a file target, a copier thread reads the content ahead and writes it into the target while
   * this thread hashes it ({@link ReadAhead}): the hash, the floor of the work, runs alone on its
   * core. Elsewhere the file is mapped, copied once into {@code buffer}, hashed and forwarded.
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
