package io.github.scratch4j;

import io.github.scratch4j.internal.source.BytesSource;
import io.github.scratch4j.internal.source.PathSource;
import io.github.scratch4j.internal.source.StreamSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The content of a regular file in a layer: a size known in advance and a way to read the bytes,
 * as often as the writer needs to. The writer checks that exactly {@link #size()} bytes come out.
 */
public interface Source {
  /**
   * The number of bytes {@link #open()} gives.
   *
   * @return the size, zero or more, the same every call
   */
  long size();

  /**
   * Opens the content for reading from its start.
   *
   * @return a new stream, which the caller closes
   * @throws IOException if the content cannot be read; {@link SourceChangedException} when it is
   *     no longer what it was when the source was made
   */
  InputStream open() throws IOException;

  /**
   * Reads the whole content; for small files, such as in tests.
   *
   * @return the bytes, at most {@link #size()} of them
   * @throws IOException if the content is larger than an array can hold, or cannot be read
   */
  default byte[] readAllBytes() throws IOException {
    if (size() > Integer.MAX_VALUE - 8) {
      throw new IOException("content of " + size() + " bytes is too large for one array");
    }
    try (InputStream in = open()) {
      return in.readNBytes((int) size());
    }
  }

  /**
   * The content of a file on disk, read when the image is written. The size is taken now; a file
   * that grows or shrinks before it is written fails the write with {@link SourceChangedException}.
   *
   * @param file the regular file, whose symbolic links are followed
   * @return a source that opens {@code file} each time it is read
   * @throws java.io.UncheckedIOException if the file does not exist, is not a regular file, or
   *     cannot be read
   */
  static Source of(Path file) {
    return PathSource.of(file);
  }

  /**
   * The given bytes (copied).
   *
   * @param content the content; later changes to the array do not change the source
   * @return a source of those bytes
   * @throws NullPointerException if {@code content} is null
   */
  static Source of(byte[] content) {
    return new BytesSource(content);
  }

  /**
   * Bytes from a stream opened on demand, for content produced in memory or elsewhere. The opener
   * is called once per read of the content and must give {@code size} bytes each time.
   *
   * @param size the number of bytes each stream gives, zero or more
   * @param opener opens a new stream of the content from its start
   * @return a source that calls {@code opener} each time it is read
   * @throws IllegalArgumentException if {@code size} is negative
   * @throws NullPointerException if {@code opener} is null
   */
  static Source of(long size, Opener opener) {
    return new StreamSource(size, opener);
  }

  /** Opens a stream of content. */
  @FunctionalInterface
  interface Opener {
    /**
     * Opens the content for reading from its start.
     *
     * @return a new stream, which the caller closes
     * @throws IOException if the content cannot be opened
     */
    InputStream open() throws IOException;
  }
}
