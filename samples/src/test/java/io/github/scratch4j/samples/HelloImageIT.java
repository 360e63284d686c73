package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: the sample writes an image whose built-in hello world Docker runs. */
class HelloImageIT {
  @TempDir Path dir;

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + " printed:\n" + out).isZero();
    return out;
  }

  private static void requireDocker() throws InterruptedException {
    boolean ok;
    try {
      ok = new ProcessBuilder("docker", "info").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      ok = false;
    }
    if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true and no Docker engine answers");
    }
    Assumptions.assumeTrue(ok, "no Docker engine answers; skipping");
  }

  @Test
  void builtInHelloWorldRunsUnderDocker() throws Exception {
    requireDocker();
    Path archive = dir.resolve("hello.tar");
    String tag = "scratch4j-sample-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    HelloImage.build(Optional.empty(), archive, tag, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("docker load -i " + archive, "docker run --rm " + tag);

    assertThat(run("docker", "load", "-i", archive.toString())).contains(tag);
    try {
      assertThat(run("docker", "run", "--rm", tag)).isEqualTo("hello world\n");
    } finally {
      new ProcessBuilder("docker", "rmi", "-f", tag).start().waitFor();
    }
  }
}
