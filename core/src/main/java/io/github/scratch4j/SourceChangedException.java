package io.github.scratch4j;

import java.io.IOException;

/**
 * Thrown while writing when a source no longer has the size it had when it was added, or gives
 * different bytes on a second read. The output is incomplete and, for a file target, removed.
 */
public class SourceChangedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the source and the change. */
  public SourceChangedException(String message) {
    super(message);
  }
}
