package io.github.scratch4j;

import java.util.List;

/**
 * Thrown before anything is written when a program in the image could not start there: a
 * dynamically linked ELF executable whose program interpreter or libraries the image lacks (the
 * cause of Docker's {@code exec ... no such file or directory}), a {@code #!} script whose
 * interpreter the image lacks, or an entrypoint that is not in the image.
 */
public class MissingDependencyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** Creates an exception listing each problem, one per program. */
  public MissingDependencyException(List<String> problems, String advice) {
    super(String.join("\n", problems) + "\n" + advice);
    this.problems = List.copyOf(problems);
  }

  /** One sentence per program that could not start, naming it and what it lacks. */
  public List<String> problems() {
    return problems;
  }
}
