package io.github.scratch4j;

/** Thrown when content read does not have the digest or size its descriptor promises. */
public class DigestMismatchException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the content, the expected and the actual digest or size.
   *
   * @param message the content, the digest or size its descriptor promises, and what it has
   */
  public DigestMismatchException(String message) {
    super(message);
  }
}
