package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import io.github.scratch4j.SourceChangedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A byte range of a file, such as a blob inside an uncompressed archive tar. */
public record FileRegionSource(Path file, long offset, long size) implements SubRegions {

  @Override
  public InputStream open() throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    return new InputStream() {
      private long position = offset;
      private final long end = offset + size;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
          return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
        if (n < 0) {
          // The range was inside the file when it was read as an archive: the file was cut since.
          throw new SourceChangedException(file + " ends at byte " + position + ", inside the " + size
              + " bytes at offset " + offset + " that were read from it: it was truncated after it was read"
              + " (it has " + channel.size() + " bytes now)");
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
        channel.close();
      }
    };
  }

  /** A range inside this one. */
  @Override
  public FileRegionSource sub(long start, long length) {
    return new FileRegionSource(file, offset + start, length);
  }

  @Override
  public String toString() {
    return file + " at " + offset + " (" + size + " bytes)";
  }
}
