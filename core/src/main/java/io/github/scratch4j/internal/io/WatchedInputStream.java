package io.github.scratch4j.internal.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts what is read through it and remembers the first failure of the stream below, so that a
 * reader stacked on top (a codec, a tar parser) can tell a problem of its own input's shape from
 * a failure to read the input at all.
 */
public final class WatchedInputStream extends FilterInputStream {
  private long count;
  private IOException failure;

  /** Watches {@code in}. */
  public WatchedInputStream(InputStream in) {
    super(in);
  }

  /** The bytes read or skipped so far. */
  public long count() {
    return count;
  }

  /** The first failure of the stream below, if it failed. */
  public java.util.Optional<IOException> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      long k = super.skip(n);
      count += Math.max(0, k);
      return k;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private IOException failed(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }
}
