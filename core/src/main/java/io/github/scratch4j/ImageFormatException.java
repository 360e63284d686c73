package io.github.scratch4j;

import java.io.IOException;

/**
 * Thrown when reading finds an archive, image layout, layer, blob or JSON document that is
 * malformed, hostile or inconsistent. The message says what is wrong and where: the file, the
 * entry or blob, and the byte offset where it applies.
 */
public class ImageFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception whose message says what is wrong and where.
   *
   * @param message what is wrong, and the file, entry or blob and byte offset where it is
   */
  public ImageFormatException(String message) {
    super(message);
  }

  /**
   * Creates an exception whose message says what is wrong and where, with its cause.
   *
   * @param message what is wrong, and the file, entry or blob and byte offset where it is
   * @param cause the failure that revealed it, such as a codec's or JSON parser's exception
   */
  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
