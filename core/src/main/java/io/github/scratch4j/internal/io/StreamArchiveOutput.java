package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;

/** A caller's stream: not seekable, so blobs need their digest before they are written. */
public final class StreamArchiveOutput extends ArchiveOutput {
  private final OutputStream out;
  private long position;

  /** Writes to {@code out}, which the caller closes. */
  public StreamArchiveOutput(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    position++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    position += len;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public boolean seekable() {
    return false;
  }

  @Override
  public void patch(long at, byte[] bytes) {
    throw new UnsupportedOperationException("a stream cannot be patched");
  }

  @Override
  public void truncate(long at) {
    throw new UnsupportedOperationException("a stream cannot be truncated");
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
