package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A file opened for writing, buffered, with earlier bytes patchable in place. */
public final class FileArchiveOutput extends ArchiveOutput {
  private final FileChannel channel;
  private final ByteBuffer buffer;
  /** File offset of the first byte in {@link #buffer}. */
  private long flushed;

  /** Writes to {@code channel} from its current position 0, through a buffer of the given size. */
  public FileArchiveOutput(FileChannel channel, int bufferSize) {
    this.channel = channel;
    this.buffer = ByteBuffer.allocateDirect(bufferSize);
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
      ByteBuffer src = ByteBuffer.wrap(bytes, 0, inFile);
      long pos = at;
      while (src.hasRemaining()) {
        pos += channel.write(src, pos);
      }
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
    channel.position(at);
    flushed = at;
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    flushed += buffer.limit();
    buffer.clear();
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
