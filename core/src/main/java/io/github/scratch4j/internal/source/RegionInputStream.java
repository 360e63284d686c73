package io.github.scratch4j.internal.source;

import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.internal.io.ArrayReadInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongFunction;

/**
 * Reads a byte range of a file with positioned reads, so that any number of readers can share one
 * channel. A file that ends inside the range was cut after it was read: that is a
 * {@link SourceChangedException} with the message {@code cut} gives for the position reached.
 */
final class RegionInputStream extends ArrayReadInputStream {
  private final FileChannel channel;
  private final boolean ownsChannel;
  private final long end;
  private final LongFunction<String> cut;
  private long position;

  /**
   * @param ownsChannel whether {@link #close()} closes the channel
   */
  RegionInputStream(FileChannel channel, boolean ownsChannel, long offset, long size, LongFunction<String> cut) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.position = offset;
    this.end = offset + size;
    this.cut = cut;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (position >= end) {
      return -1;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
    if (n < 0) {
      throw new SourceChangedException(cut.apply(position));
    }
    position += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, end - position));
    position += k;
    return k;
  }

  @Override
  public void close() throws IOException {
    if (ownsChannel) {
      channel.close();
    }
  }
}
