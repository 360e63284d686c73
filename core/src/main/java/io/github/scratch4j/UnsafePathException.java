package io.github.scratch4j;

/**
 * Thrown when unpacking an image would write, link or delete outside the target directory, or
 * through something that is not a directory. The message names the layer, the entry and the path
 * that was refused; nothing is left in the target.
 */
public class UnsafePathException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the refused entry.
   *
   * @param message the layer, the entry and why its path was refused
   */
  public UnsafePathException(String message) {
    super(message);
  }
}
