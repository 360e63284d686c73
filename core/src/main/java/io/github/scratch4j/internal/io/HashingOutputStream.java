package io.github.scratch4j.internal.io;

import io.github.scratch4j.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes on while counting them and computing their SHA-256. */
public final class HashingOutputStream extends OutputStream {
  private final OutputStream out;
  private final MessageDigest digest = Sha256.newDigest();
  private long count;

  /** Hashes and forwards to {@code out}. */
  public HashingOutputStream(OutputStream out) {
    this.out = out;
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
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    count += len;
    out.write(b, off, len);
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
