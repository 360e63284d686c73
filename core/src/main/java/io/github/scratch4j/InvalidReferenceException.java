package io.github.scratch4j;

/** Thrown when an image reference or tag does not follow the reference grammar. */
public class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the reference and what is wrong with it.
   *
   * @param message the reference as given and the part that is wrong
   */
  public InvalidReferenceException(String message) {
    super(message);
  }
}
