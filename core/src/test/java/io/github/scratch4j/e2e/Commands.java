package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.github.scratch4j.testing.Tools;
import org.junit.jupiter.api.Assertions;

/** Runs the real tools end-to-end tests need: compilers, docker, skopeo, umoci, runc. */
public final class Commands {
  private Commands() {}

  /** What a command did. */
  public record Result(int exitCode, String stdout, String stderr, List<String> command) {
    /** Fails with the command's output unless it exited with 0. */
    public Result assertSuccess() {
      if (exitCode != 0) {
        Assertions.fail(String.join(" ", command) + " exited with " + exitCode + "\nstdout:\n" + stdout
            + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  /**
   * Makes sure every tool is installed. A missing tool fails the test in CI ({@code CI=true})
   * and skips it, with the reason, elsewhere.
   */
  public static void require(String... tools) {
    for (String tool : tools) {
      Tools.require(tool);
    }
  }

  /** Makes sure a Docker engine answers. */
  public static void requireDocker() {
    require("docker");
    Result info = run(Duration.ofSeconds(30), "docker", "info", "--format", "{{.ServerVersion}}");
    if (info.exitCode() != 0) {
      Tools.unavailable("the Docker engine does not answer: " + info.stderr().strip());
    }
  }

  /**
   * Runs {@code image} once with docker or podman ({@link ContainerRuns.Engine#runArguments}) and
   * captures its output; first skips the rest of the test where the engine cannot start any
   * container ({@link ContainerRuns#assumeCanRun}). The caller checks the exit code.
   */
  public static Result runContainer(ContainerRuns.Engine engine, String image, String... command) {
    return runContainer(engine, List.of(), image, command);
  }

  /** As {@link #runContainer(ContainerRuns.Engine, String, String...)}, with options such as {@code --entrypoint}. */
  public static Result runContainer(ContainerRuns.Engine engine, List<String> options, String image,
      String... command) {
    ContainerRuns.assumeCanRun(engine);
    List<String> argv = new ArrayList<>(List.of(engine.tool()));
    argv.addAll(engine.runArguments(options, image, command));
    return run(Duration.ofMinutes(1), argv.toArray(String[]::new));
  }

  /** Runs a command, with a timeout, and captures its output. */
  public static Result run(Duration timeout, String... command) {
    return run(timeout, null, command);
  }

  /** Runs a command in a directory, with a timeout, and captures its output. */
  public static Result run(Duration timeout, Path directory, String... command) {
    List<String> argv = new ArrayList<>(List.of(command));
    Path exe = Tools.find(argv.get(0));
    if (exe != null) {
      argv.set(0, exe.toString());
    }
    try {
      Path out = Files.createTempFile("cmd", ".out");
      Path err = Files.createTempFile("cmd", ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          Assertions.fail(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8), List.of(command));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Compiles C source with {@code compiler} and flags into {@code dir/name}. */
  public static Path compileC(Path dir, String compiler, String name, String source, String... flags)
      throws IOException {
    try {
      return Tools.compileC(dir, compiler, name, source, flags);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compiling " + name, e);
    }
  }

  /** The hello world every end-to-end test runs. */
  public static final String HELLO_C = Tools.HELLO_C;
}
