package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's recipe for "a container for my test without a Dockerfile": an image built by
 * scratch4j, loaded through {@code DockerDaemon} (no docker command, no tar file) and run by
 * Testcontainers' {@code GenericContainer}, whose output is checked.
 */
class ContainerForATestIT {
  @Test
  void anImageBuiltAndLoadedByScratch4jRunsInTestcontainers(@TempDir Path dir) throws Exception {
    Path binary = dir.resolve("hello");
    Files.write(binary, MinimalElf.forHost());
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    String tag = null;
    try {
      tag = ReadmeExamples.containerForATest(binary);
      assertThat(tag).startsWith("hello-test:");
    } finally {
      if (tag != null) {
        new ProcessBuilder("docker", "rmi", "-f", tag).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

}
