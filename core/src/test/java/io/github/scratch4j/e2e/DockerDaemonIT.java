package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Archive;
import io.github.scratch4j.DaemonException;
import io.github.scratch4j.DockerDaemon;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.LoadedImages;
import io.github.scratch4j.Source;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images loaded straight into the Docker engine, and into podman's Docker-compatible service. */
class DockerDaemonIT {
  @TempDir static Path dir;
  static Path hello;

  @BeforeAll
  static void compile() throws Exception {
    hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C, "-static");
  }

  private static Image image() {
    return Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello");
  }

  private static String tag() {
    return "scratch4j-it/daemon:" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void dockerLoadsAnImageSentOverItsSocketAndRunsIt() throws Exception {
    Commands.requireDocker();
    String tag = tag();
    Image image = image().tag(tag);
    try {
      LoadedImages loaded = DockerDaemon.fromEnvironment().load(image);
      assertThat(loaded.tags()).containsExactly(tag);
      assertThat(loaded.imageIds()).hasSize(1);
      String id = Commands.run(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", tag)
          .assertSuccess().stdout().strip();
      assertThat(id).isEqualTo(image.writeTo(dir.resolve("same.tar")).config().digest().toString())
          .isEqualTo(loaded.imageIds().get(0).toString());
      assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
    }
  }

  /**
   * The docker-archive sent for an image names its built layers by position, and its stored ones
   * (here a gzip base read back from a layout) by digest: the daemon takes both, in order.
   */
  @Test
  void dockerLoadsAnImageOnAStoredGzipBaseWithALayerBuiltOnIt() throws Exception {
    Commands.requireDocker();
    String tag = tag();
    Path base = dir.resolve("base-layout-" + UUID.randomUUID());
    image().writeTo(base, io.github.scratch4j.WriteOptions.defaults()
        .withFormat(io.github.scratch4j.WriteOptions.Format.OCI_LAYOUT).withCompression(io.github.scratch4j.Compression.GZIP));
    Image onBase = Image.from(base)
        .add(Entry.file("/etc/motd", Source.of("on a base\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .tag(tag);
    assertThat(onBase.layers()).hasSize(2);
    try {
      LoadedImages loaded = DockerDaemon.fromEnvironment().load(onBase);
      assertThat(loaded.imageIds()).containsExactly(onBase.writeTo(dir.resolve("on-base.tar")).config().digest());
      assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
    }
  }

  @Test
  void dockerLoadsEveryImageOfAnArchive() throws Exception {
    Commands.requireDocker();
    String first = tag();
    String second = tag();
    try {
      LoadedImages loaded = DockerDaemon.fromEnvironment().load(Archive.of(image().tag(first),
          image().add(Entry.file("/second", Source.of(new byte[] {2}))).tag(second)));
      assertThat(loaded.tags()).containsExactlyInAnyOrder(first, second);
    } finally {
      Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", first, second);
    }
  }

  @Test
  void dockerRefusingTheArchiveIsADaemonExceptionInItsOwnWords() throws Exception {
    Commands.requireDocker();
    String tag = tag();
    // Docker 20.10 cannot read zstd layers: the daemon refuses the archive after reading it.
    Image zstd = image().tag(tag);
    assertThatThrownBy(() -> io.github.scratch4j.internal.daemon.DaemonLoad.load(DockerDaemon.DEFAULT_SOCKET,
            out -> java.util.List.of(zstd.writeTo(out, io.github.scratch4j.WriteOptions.defaults()
                .withCompression(io.github.scratch4j.Compression.ZSTD)))))
        .isInstanceOf(DaemonException.class)
        .hasMessageStartingWith("the Docker daemon at unix:///var/run/docker.sock did not load the archive: ")
        .hasMessageContaining("Error processing tar file")
        .satisfies(e -> assertThat(((DaemonException) e).daemonMessage()).hasValueSatisfying(
            m -> assertThat(m).startsWith("Error processing tar file")));
    Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
  }

  @Test
  void podmansDockerCompatibleServiceLoadsItToo() throws Exception {
    Commands.require("podman");
    Path socket = dir.resolve("podman.sock");
    Process service = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
        .redirectErrorStream(true).redirectOutput(dir.resolve("podman-service.log").toFile()).start();
    String tag = tag();
    try {
      for (int i = 0; i < 100 && !Files.exists(socket); i++) {
        Thread.sleep(100);
      }
      assertThat(socket).as("podman system service log: %s", Files.exists(dir.resolve("podman-service.log"))
          ? Files.readString(dir.resolve("podman-service.log")) : "").exists();
      LoadedImages loaded = DockerDaemon.at(socket).load(image().tag(tag));
      assertThat(loaded.tags()).hasSize(1);
      assertThat(loaded.tags().get(0)).endsWith(tag);
      String id = Commands.run(Duration.ofSeconds(30), "podman", "image", "inspect", "--format", "{{.Id}}", tag)
          .assertSuccess().stdout().strip();
      assertThat("sha256:" + id).isEqualTo(loaded.imageIds().get(0).toString());
    } finally {
      service.destroy();
      Commands.run(Duration.ofSeconds(30), "podman", "rmi", "-f", tag);
    }
  }
}
