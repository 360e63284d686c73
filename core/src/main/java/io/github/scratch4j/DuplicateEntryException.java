package io.github.scratch4j;

/** Thrown when two entries of one layer have the same path. */
public class DuplicateEntryException extends InvalidEntryException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the path that occurs twice.
   *
   * @param message the path, and the two entries that claim it
   */
  public DuplicateEntryException(String message) {
    super(message);
  }
}
