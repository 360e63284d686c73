package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;

/**
 * A file opened for writing, buffered, with earlier bytes patchable in place. Every write is
 * positional, so a source file's content can be written into a reserved range by a copier thread
 * while the writer hashes it ({@link ReadAhead}).
 */
public final class FileArchiveOutput extends ArchiveOutput implements RangeTarget {
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private final ReadAhead readAhead;
  /** File offset of the first byte in {@link #buffer}. */
  private long flushed;

  /** Writes to {@code channel} from offset 0, through a buffer of the given size. */
  public FileArchiveOutput(FileChannel channel, int bufferSize, ExecutorService copier) {
    this.channel = channel;
    this.buffer = ByteBuffer.allocateDirect(bufferSize);
    this.readAhead = new ReadAhead(copier);
  }

  @Override
  public void write(int b) throws IOException {
    if (!buffer.hasRemaining()) {
      flushBuffer();
    }
    buffer.put((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!buffer.hasRemaining()) {
        flushBuffer();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  /** Reserves the next {@code size} bytes of the file, to be filled through a {@link #region}. */
  @Override
  public long reserve(long size) throws IOException {
    flushBuffer();
    long at = flushed;
    flushed += size;
    return at;
  }

  /** An output that writes {@code size} bytes at {@code at}, from any thread. */
  public Region region(long at, long size) {
    return new Region(at, size);
  }

  @Override
  public void writeAt(ByteBuffer bytes, long at) throws IOException {
    writeFully(bytes, at);
  }

  @Override
  public ReadAhead readAhead() {
    return readAhead;
  }

  /**
   * A reserved range of the file, written positionally through a buffer of its own; a source file
   * in it is copied into a range of the range as into the file.
   */
  public final class Region extends BulkOutput implements RangeTarget {
    private final long end;
    private final ByteBuffer regionBuffer = ByteBuffer.allocateDirect(1 << 20);
    private long next;

    Region(long at, long size) {
      this.next = at;
      this.end = at + size;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (next + regionBuffer.position() + len > end) {
        throw new IllegalStateException("writing past a reserved range");
      }
      while (len > 0) {
        if (!regionBuffer.hasRemaining()) {
          flush();
        }
        int n = Math.min(len, regionBuffer.remaining());
        regionBuffer.put(b, off, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      regionBuffer.flip();
      int n = regionBuffer.limit();
      writeFully(regionBuffer, next);
      next += n;
      regionBuffer.clear();
    }

    @Override
    public void close() throws IOException {
      flush();
    }

    @Override
    public long reserve(long size) throws IOException {
      flush();
      if (next + size > end) {
        throw new IllegalStateException("reserving past a reserved range");
      }
      long at = next;
      next += size;
      return at;
    }

    @Override
    public void writeAt(ByteBuffer bytes, long at) throws IOException {
      writeFully(bytes, at);
    }

    @Override
    public ReadAhead readAhead() {
      return readAhead;
    }
  }

  @Override
  public long position() {
    return flushed + buffer.position();
  }

  @Override
  public boolean seekable() {
    return true;
  }

  @Override
  public void patch(long at, byte[] bytes) throws IOException {
    if (at < 0 || at + bytes.length > position()) {
      throw new IllegalArgumentException("patch outside the written range: " + at);
    }
    int inFile = (int) Math.max(0, Math.min(bytes.length, flushed - at));
    if (inFile > 0) {
      writeFully(ByteBuffer.wrap(bytes, 0, inFile), at);
    }
    for (int i = inFile; i < bytes.length; i++) {
      buffer.put((int) (at + i - flushed), bytes[i]);
    }
  }

  @Override
  public void truncate(long at) throws IOException {
    if (at >= flushed) {
      buffer.position((int) (at - flushed));
      return;
    }
    buffer.clear();
    channel.truncate(at);
    flushed = at;
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    int n = buffer.limit();
    writeFully(buffer, flushed);
    flushed += n;
    buffer.clear();
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
  }

  @Override
  public void flush() throws IOException {
    flushBuffer();
  }

  /** Flushes; the channel belongs to the caller. */
  @Override
  public void close() throws IOException {
    flushBuffer();
  }
}
