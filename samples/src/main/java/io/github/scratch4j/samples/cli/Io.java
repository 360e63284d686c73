package io.github.scratch4j.samples.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and errors to {@code err}. */
record Io(PrintStream out, PrintStream err, Progress.Mode progress) {
  /** A progress display for one transfer, in this command line's mode. */
  Progress progress(String action, String doneVerb) {
    return new Progress(err, progress, action, doneVerb);
  }
}
