package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
  @TempDir Path tmp;

  private static Image app() {
    return Image.fromScratch().add(Entry.file("/app", Source.of("#!".getBytes(StandardCharsets.UTF_8))).withMode(0755))
        .entrypoint("/app").cmd("--serve").env("MODE", "test").workingDir("/data");
  }

  @Test
  void theBundleHoldsTheRootFileSystemAndTheImagesProcess() throws Exception {
    Path bundle = tmp.resolve("bundle");
    app().nonRootUser().writeBundle(bundle, RuntimeConfig.builder().memoryLimit(64L << 20).build());
    assertThat(Files.readString(bundle.resolve("rootfs/app"))).isEqualTo("#!");
    assertThat(bundle.resolve("rootfs/etc/passwd")).exists();
    JsonNode config = new ObjectMapper().readTree(bundle.resolve("config.json").toFile());
    JsonNode p = config.get("process");
    assertThat(p.get("args").toString()).isEqualTo("[\"/app\",\"--serve\"]");
    assertThat(p.get("env").toString()).contains("MODE=test", "PATH=");
    assertThat(p.get("cwd").asText()).isEqualTo("/data");
    assertThat(p.get("user").get("uid").asLong()).isEqualTo(65532);
    assertThat(config.get("linux").get("resources").get("memory").get("limit").asLong()).isEqualTo(64L << 20);
    try (Stream<Path> s = Files.list(bundle)) {
      assertThat(s.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("rootfs", "config.json");
    }
  }

  @Test
  void argsAndUserOfTheConfigurationComeFirst() throws Exception {
    Path bundle = tmp.resolve("bundle");
    app().nonRootUser().writeBundle(bundle, RuntimeConfig.builder().args("/bin/true").user("0:0").build());
    JsonNode p = new ObjectMapper().readTree(bundle.resolve("config.json").toFile()).get("process");
    assertThat(p.get("args").toString()).isEqualTo("[\"/bin/true\"]");
    assertThat(p.get("user").toString()).isEqualTo("{\"uid\":0,\"gid\":0}");
  }

  @Test
  void nothingToRunOrAUserTheImageLacksIsRefusedBeforeAnythingIsWritten() {
    Path bundle = tmp.resolve("bundle");
    Image nothing = Image.fromScratch().add(Entry.file("/x", Source.of(new byte[1])));
    assertThatThrownBy(() -> nothing.writeBundle(bundle, RuntimeConfig.defaults()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no entrypoint or command");
    assertThatThrownBy(() -> app().user("ghost").writeBundle(bundle, RuntimeConfig.defaults()))
        .hasMessageContaining("user 'ghost' is not in the image's /etc/passwd");
    // A user namespace maps only root.
    assertThatThrownBy(() -> app().nonRootUser().writeBundle(bundle,
        RuntimeConfig.builder().namespaces(RuntimeConfig.Namespace.USER).build()))
        .hasMessageContaining("maps only root");
    assertThat(tmp.toFile().list()).isEmpty();
  }

  @Test
  void aBrokenLayerLeavesNoHalfMadeBundle() throws Exception {
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("old"), "old");
    Image broken = app().add(Entry.file("/big", Source.of(10, () -> new java.io.ByteArrayInputStream(new byte[3]))));
    assertThatThrownBy(() -> broken.writeBundle(bundle, RuntimeConfig.defaults(), UnpackOption.REPLACE))
        .hasMessageContaining("/big");
    assertThat(tmp.toFile().list()).containsExactly("bundle");
    assertThat(bundle.toFile().list()).containsExactly("old");
  }

  @Test
  void theBuilderRefusesValuesNoRuntimeTakes() {
    assertThatThrownBy(() -> RuntimeConfig.builder().memoryLimit(1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeConfig.builder().cpus(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeConfig.builder().cpus(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeConfig.builder().pidsLimit(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeConfig.builder().hostname("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeConfig.builder().memoryLimit(64L << 20).memorySwap(32L << 20).build())
        .isInstanceOf(IllegalStateException.class);
    RuntimeConfig c = RuntimeConfig.builder().cpus(0.5).pidsLimit(10).build();
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(RuntimeConfig.defaults().namespaces()).containsExactly(RuntimeConfig.Namespace.PID,
        RuntimeConfig.Namespace.MOUNT, RuntimeConfig.Namespace.IPC, RuntimeConfig.Namespace.UTS,
        RuntimeConfig.Namespace.NETWORK);
  }
}
