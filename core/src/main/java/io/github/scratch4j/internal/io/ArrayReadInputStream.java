package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream defined by its array read: the one-byte {@link #read()} goes through
 * {@link #read(byte[], int, int)}, so that a stream with bounds, counts or checks keeps them in
 * one method.
 */
public abstract class ArrayReadInputStream extends InputStream {
  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
