package io.github.scratch4j.elf;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Thrown when a binary's interpreter or libraries cannot be found in a root. */
public class UnresolvedDependencyException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient DependencyReport report;

  /** Creates an exception from the report of what is missing. */
  public UnresolvedDependencyException(DependencyReport report) {
    super(report.describe());
    this.report = report;
  }

  /** What is missing and where it was looked for. */
  public DependencyReport report() {
    return report;
  }

  /** The missing interpreter, if it is missing. */
  public Optional<String> missingInterpreter() {
    return report.missingInterpreter();
  }

  /** The sonames that were not found. */
  public List<String> missingLibraries() {
    return report.missingLibraries();
  }
}
