package io.github.scratch4j.elf;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Thrown when a binary's interpreter or libraries cannot be found in a root. */
public class UnresolvedDependencyException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient DependencyReport report;

  /**
   * Creates an exception from the report of what is missing.
   *
   * @param report what is missing; its {@link DependencyReport#describe() description} becomes
   *     the message
   */
  public UnresolvedDependencyException(DependencyReport report) {
    super(report.describe());
    this.report = report;
  }

  /**
   * What is missing and where it was looked for.
   *
   * @return the report this exception was created from
   */
  public DependencyReport report() {
    return report;
  }

  /**
   * The missing interpreter, if it is missing.
   *
   * @return the interpreter's path as the binary names it, or empty when it was found
   */
  public Optional<String> missingInterpreter() {
    return report.missingInterpreter();
  }

  /**
   * The sonames that were not found.
   *
   * @return the missing libraries' names, in the order they were needed; unmodifiable
   */
  public List<String> missingLibraries() {
    return report.missingLibraries();
  }
}
