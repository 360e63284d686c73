package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code gcc -static} hello world, built into an image and run by the real tools. */
class HelloWorldIT {
  @TempDir static Path dir;
  static Path archive;
  static Manifest manifest;
  static String tag;

  @BeforeAll
  static void build() throws Exception {
    Path hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C, "-static");
    tag = "scratch4j-it/hello:" + UUID.randomUUID().toString().substring(0, 8);
    archive = dir.resolve("hello.tar");
    manifest = Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello").tag(tag).writeTo(archive);
  }

  @Test
  void dockerLoadsAndRunsIt() {
    Commands.requireDocker();
    Commands.Result load = Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    assertThat(load.stdout()).contains("Loaded image: " + tag);
    try {
      String id = Commands.run(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", tag)
          .assertSuccess().stdout().strip();
      assertThat(id).isEqualTo(manifest.config().digest().toString());
      Commands.Result run = Commands.runContainer(Engine.DOCKER, tag).assertSuccess();
      assertThat(run.stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(Duration.ofSeconds(30), "docker", "rmi", "-f", tag);
    }
  }

  @Test
  void podmanLoadsAndRunsIt() {
    Commands.require("podman");
    Commands.run(Duration.ofMinutes(2), "podman", "load", "-i", archive.toString()).assertSuccess();
    try {
      // The load is checked whether or not podman can start containers here.
      String id = Commands.run(Duration.ofSeconds(30), "podman", "image", "inspect", "--format", "{{.Id}}", tag)
          .assertSuccess().stdout().strip();
      assertThat("sha256:" + id).isEqualTo(manifest.config().digest().toString());
      Commands.Result run = Commands.runContainer(Engine.PODMAN, tag).assertSuccess();
      assertThat(run.stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(Duration.ofSeconds(30), "podman", "rmi", "-f", tag);
    }
  }

  @Test
  void skopeoReadsBothTransports() throws Exception {
    Commands.require("skopeo");
    ObjectMapper json = new ObjectMapper();
    for (String transport : new String[] {"docker-archive:", "oci-archive:"}) {
      JsonNode inspect = json.readTree(Commands.run(Duration.ofMinutes(1), "skopeo", "inspect", transport + archive)
          .assertSuccess().stdout());
      assertThat(inspect.get("Architecture").asText()).isEqualTo("amd64");
      assertThat(inspect.get("Layers")).extracting(JsonNode::asText)
          .containsExactlyElementsOf(manifest.layers().stream().map(Descriptor::digest).map(Object::toString).toList());
    }
    JsonNode raw = json.readTree(Commands.run(Duration.ofMinutes(1), "skopeo", "inspect", "--raw", "oci-archive:" + archive)
        .assertSuccess().stdout());
    assertThat(raw.get("config").get("digest").asText()).isEqualTo(manifest.config().digest().toString());
  }

  @Test
  void umociUnpacksItAndRuncRunsIt() throws Exception {
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    Path bundle = RunBundles.unpack(layout, tag, dir.resolve("bundle"));
    assertThat(bundle.resolve("rootfs/hello")).isExecutable();
    Commands.Result run = RunBundles.run(bundle).assertSuccess();
    assertThat(run.stdout()).isEqualTo("hello world\n");
  }
}
