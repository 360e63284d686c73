package io.github.scratch4j;

import java.util.List;

/**
 * An {@link ImageCheckException} whose every problem is a program the image lacks what it needs
 * for: a dynamically linked ELF executable whose program interpreter or libraries the image lacks
 * (the cause of Docker's {@code exec ... no such file or directory}), or a {@code #!} script whose
 * interpreter the image lacks ({@link ImageCheck#DEPENDENCIES}).
 */
public class MissingDependencyException extends ImageCheckException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception listing each problem.
   *
   * @param problems the problems, each found by {@link ImageCheck#DEPENDENCIES}; copied
   * @throws IllegalArgumentException if {@code problems} is empty
   * @throws NullPointerException if {@code problems} is null or holds null
   */
  public MissingDependencyException(List<Problem> problems) {
    super(problems);
  }
}
