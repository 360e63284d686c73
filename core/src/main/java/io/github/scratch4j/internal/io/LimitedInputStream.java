package io.github.scratch4j.internal.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of at most a limit of bytes, counting what is read or skipped through it. Either it
 * refuses more ({@link #LimitedInputStream(InputStream, long, Exceeded)}): it fails with the
 * caller's exception as soon as the input comes to more than the limit, so that an endless or
 * oversized input (a decompression bomb, a document that never ends) stops there instead of
 * filling memory or disk; it reads at most one byte past the limit, which is how it knows the
 * input goes on. Or it is a window ({@link #window}): it ends at the limit, whatever follows.
 */
public class LimitedInputStream extends FilterInputStream {
  /** Makes the exception for an input that went past the limit; its message names the limit and the input. */
  public interface Exceeded {
    IOException exception();
  }

  private final long limit;
  /** Null for a window. */
  private final Exceeded exceeded;
  private long count;

  /** {@code in}, refused with {@code exceeded} once more than {@code limit} bytes have come through. */
  public LimitedInputStream(InputStream in, long limit, Exceeded exceeded) {
    super(in);
    if (limit < 0) {
      throw new IllegalArgumentException("negative limit " + limit);
    }
    this.limit = limit;
    this.exceeded = exceeded;
  }

  /** The first {@code length} bytes of {@code in}, or fewer if it ends before. */
  public static LimitedInputStream window(InputStream in, long length) {
    return new LimitedInputStream(in, length, null);
  }

  /**
   * The whole of {@code in} (which is not closed), refused with {@code exceeded} when it is longer
   * than {@code limit} bytes.
   */
  public static byte[] readAll(InputStream in, int limit, Exceeded exceeded) throws IOException {
    return new LimitedInputStream(in, limit, exceeded).readAllBytes();
  }

  /** The bytes read or skipped so far. */
  public final long count() {
    return count;
  }

  /**
   * Called after each {@code n} bytes (more than zero) have been counted within the limit; a
   * subclass may charge them to a limit of its own.
   */
  protected void charged(long n) throws IOException {}

  private void charge(long n) throws IOException {
    if (n <= 0) {
      return;
    }
    count += n;
    if (count > limit) {
      throw exceeded.exception();
    }
    charged(n);
  }

  /**
   * How much of {@code wanted} (more than zero) may be read now: in a window, what is left of it;
   * otherwise no more than one byte past the limit.
   */
  private long allowed(long wanted) {
    long room = limit - count;
    return room >= wanted ? wanted : exceeded == null ? room : room + 1;
  }

  @Override
  public int read() throws IOException {
    if (allowed(1) == 0) {
      return -1;
    }
    int b = super.read();
    if (b >= 0) {
      charge(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    long allowed = allowed(len);
    if (allowed == 0) {
      return -1;
    }
    int n = super.read(b, off, (int) allowed);
    charge(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    long k = super.skip(allowed(n));
    charge(k);
    return k;
  }

  /** No marks: a reset would replay bytes the count has already taken. */
  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(super.available(), exceeded == null ? limit - count : Integer.MAX_VALUE);
  }
}
