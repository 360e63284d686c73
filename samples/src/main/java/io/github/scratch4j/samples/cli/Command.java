package io.github.scratch4j.samples.cli;

import java.io.IOException;

/** One command of the command line: what it accepts and what it does. */
interface Command {
  CommandSpec spec();

  /**
   * Runs the command; output goes to {@code io.out()}, progress to {@code io.err()}.
   *
   * @return the exit code
   * @throws UsageException if a value is malformed (exit 2)
   * @throws IOException if the work fails: a missing file, a refused image, a registry error (exit 1)
   */
  int run(ParsedArgs args, Io io) throws UsageException, IOException;
}
