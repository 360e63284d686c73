package io.github.scratch4j;

import java.util.List;

/**
 * An {@link ImageCheckException} whose every problem is an executable built for another
 * architecture than the image's, or executables built for different architectures
 * ({@link ImageCheck#PLATFORM}).
 */
public class PlatformConflictException extends ImageCheckException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception listing each problem.
   *
   * @param problems the problems, each found by {@link ImageCheck#PLATFORM}; copied
   * @throws IllegalArgumentException if {@code problems} is empty
   * @throws NullPointerException if {@code problems} is null or holds null
   */
  public PlatformConflictException(List<Problem> problems) {
    super(problems);
  }
}
