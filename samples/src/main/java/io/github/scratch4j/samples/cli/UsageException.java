package io.github.scratch4j.samples.cli;

/** A command line that cannot be run as given: an unknown option, a missing or bad value. Exit 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
