package io.github.scratch4j.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools for tests: a missing tool skips the test with its reason on a developer's
 * machine and fails it in CI ({@code CI=true}), where every tool must be installed. (A tool that
 * is installed but that the machine does not let do its work, such as a container engine that
 * cannot start containers, is core's {@code e2e.ContainerRuns}' business.)
 */
public final class Tools {
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

  private Tools() {}

  /** The tool's path, or a skip (a failure in CI) when it is not installed. */
  public static Path require(String tool) {
    Path found = find(tool);
    if (found == null) {
      unavailable(tool + " is not installed (see .ci/run for the packages)");
    }
    return found;
  }

  /** Skips the test with {@code reason}, or fails it in CI. */
  public static void unavailable(String reason) {
    unavailable(CI, reason);
  }

  /** Skips the test with {@code reason}, or fails it when {@code ci}. */
  public static void unavailable(boolean ci, String reason) {
    if (ci) {
      Assertions.fail("CI=true and " + reason);
    }
    Assumptions.abort(reason);
  }

  /** Whether this is a CI run ({@code CI=true}), where every tool must be installed. */
  public static boolean ci() {
    return CI;
  }

  /**
   * The tool's path on the PATH or in the sbin directories, or null. A name with a slash is a
   * path already (a test's stand-in for a tool) and is taken as it is.
   */
  public static Path find(String tool) {
    if (tool.indexOf('/') >= 0) {
      Path p = Path.of(tool);
      return Files.isExecutable(p) ? p : null;
    }
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    for (String dir : dirs) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** What a command printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /** Runs a command to completion (at most two minutes) and captures its output. */
  public static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tool", ".out");
    Path err = Files.createTempFile("tool", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("LC_ALL", "C");
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        Assertions.fail(String.join(" ", command) + " did not finish in two minutes");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A C hello world that prints "hello world". */
  public static final String HELLO_C = "#include <stdio.h>\nint main(void) { puts(\"hello world\"); return 0; }\n";

  /** Compiles C source with the compiler and flags into {@code dir/name}; the compiler must exist. */
  public static Path compileC(Path dir, String compiler, String name, String source, String... flags)
      throws IOException, InterruptedException {
    require(compiler);
    Path c = Files.writeString(dir.resolve(name + ".c"), source);
    Path binary = dir.resolve(name);
    List<String> argv = new ArrayList<>(List.of(compiler, "-O2", "-o", binary.toString(), c.toString()));
    argv.addAll(List.of(flags));
    Result r = run(argv);
    if (r.exitCode() != 0) {
      Assertions.fail(String.join(" ", argv) + " failed:\n" + r.stderr());
    }
    return binary;
  }
}
