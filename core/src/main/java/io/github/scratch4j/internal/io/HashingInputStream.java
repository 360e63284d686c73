package io.github.scratch4j.internal.io;

import io.github.scratch4j.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Counts and hashes every byte that passes, skipped ones included (unlike the JDK's
 * DigestInputStream, whose skip bypasses the digest).
 */
public final class HashingInputStream extends FilterInputStream {
  /** Null once this stream only counts. */
  private MessageDigest digest = Sha256.newDigest();
  private byte[] skipBuffer;
  private long count;

  /** Hashes what is read from {@code in}. */
  public HashingInputStream(InputStream in) {
    super(in);
  }

  /** From now on only counts: {@link #digest} is not to be called. */
  public void stopHashing() {
    digest = null;
  }

  /** Whether this stream still hashes what it reads. */
  public boolean hashing() {
    return digest != null;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      if (digest != null) {
        digest.update((byte) b);
      }
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      if (digest != null) {
        digest.update(b, off, n);
      }
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (skipBuffer == null) {
      skipBuffer = new byte[1 << 16];
    }
    int r = read(skipBuffer, 0, (int) Math.min(n, skipBuffer.length));
    return Math.max(r, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** The number of bytes read so far. */
  public long count() {
    return count;
  }

  /** The SHA-256 of what was read; call once, at the end. */
  public Digest digest() {
    if (digest == null) {
      throw new IllegalStateException("this stream stopped hashing");
    }
    return Sha256.toDigest(digest.digest());
  }
}
