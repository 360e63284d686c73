package io.github.scratch4j;

/**
 * Thrown before anything is written when the image's executables are built for different
 * architectures, or for another architecture than the base image's, and no platform was set
 * explicitly with {@link Image#platform}.
 */
public class PlatformConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the executables and their architectures. */
  public PlatformConflictException(String message) {
    super(message);
  }
}
