package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * An output that can take a whole file's content in bulk. The default maps the file a window at
 * a time and copies each window once, into a heap buffer that is then written; subclasses do
 * better where they can (into a file target, a copier thread reads the file ahead and writes it
 * while the bytes are hashed: {@link ReadAhead}).
 */
public abstract class BulkOutput extends OutputStream {
  /** Mapped window size: large enough that mapping costs nothing, small enough to unmap promptly. */
  static final long WINDOW = 32L << 20;

  /**
   * Appends exactly {@code size} bytes of the file at {@code path}, open as {@code file}, from its
   * start. A file that changes meanwhile may make this fail with any {@link IOException} (a
   * {@link MappedReadFault} if it was truncated under a mapping): the caller, which knows what
   * the file was, checks it again and says what changed.
   */
  public void copyFile(java.nio.file.Path path, FileChannel file, long size, byte[] buffer) throws IOException {
    for (long at = 0; at < size; at += WINDOW) {
      long length = Math.min(WINDOW, size - at);
      try (MappedWindow window = MappedWindow.map(file, at, length)) {
        CopyProbe.at(CopyProbe.Point.WINDOW_MAPPED, path, at);
        while (window.remaining() > 0) {
          int n = Math.min(buffer.length, window.remaining());
          window.read(buffer, n);
          write(buffer, 0, n);
        }
      }
    }
  }
}
