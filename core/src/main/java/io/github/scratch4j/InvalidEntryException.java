package io.github.scratch4j;

/**
 * Thrown when an entry cannot go into a layer: its path is empty, escapes the image root or is too
 * long, its attributes are out of range, or its source is of a kind a layer cannot hold.
 */
public class InvalidEntryException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception whose message names the entry and the problem.
   *
   * @param message the entry's path (or source file) and what is wrong with it
   */
  public InvalidEntryException(String message) {
    super(message);
  }
}
