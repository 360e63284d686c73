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
  /** The number of bytes {@link #open()} gives. */
  long size();

  /** Opens the content for reading from its start. */
  InputStream open() throws IOException;

  /** Reads the whole content; for small files, such as in tests. */
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
   * @throws java.io.UncheckedIOException if the file does not exist or is not a regular file
   */
  static Source of(Path file) {
    return PathSource.of(file);
  }

  /** The given bytes (copied). */
  static Source of(byte[] content) {
    return new BytesSource(content);
  }

  /**
   * Bytes from a stream opened on demand, for content produced in memory or elsewhere. The opener
   * is called once per read of the content and must give {@code size} bytes each time.
   */
  static Source of(long size, Opener opener) {
    return new StreamSource(size, opener);
  }

  /** Opens a stream of content. */
  @FunctionalInterface
  interface Opener {
    /** Opens the content for reading from its start. */
    InputStream open() throws IOException;
  }
}
