package io.github.scratch4j;

import java.io.IOException;

/**
 * Thrown while writing when a source no longer is what it was when it was added: a file that grew,
 * shrank, was modified, replaced or removed, or content that gives different bytes on a second
 * read. The message names the source and the change. A file or image layout target is left as it
 * was before the write; a stream target has received part of the archive.
 */
public class SourceChangedException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the source and the change.
   *
   * @param message names the source (a file, or what made the content) and how it changed
   */
  public SourceChangedException(String message) {
    super(message);
  }

  /**
   * Creates an exception naming the source and the change, with the failure that revealed it.
   *
   * @param message names the source (a file, or what made the content) and how it changed
   * @param cause the failure that revealed the change, such as a {@code NoSuchFileException}
   */
  public SourceChangedException(String message, Throwable cause) {
    super(message, cause);
  }
}
