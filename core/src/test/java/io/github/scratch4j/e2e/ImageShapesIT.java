package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Archive;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output shape and base image read by the real tools: OCI layout directories, compressed
 * layers, several images in one archive, multi-platform indexes, a busybox base, and archives
 * written by {@code docker save}.
 */
class ImageShapesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final List<String> loaded = new ArrayList<>();

  @TempDir static Path dir;
  static Path hello;
  static String id;

  @BeforeAll
  static void compile() throws Exception {
    hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C, "-static");
    id = UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterAll
  static void removeImages() {
    for (String tag : loaded) {
      Commands.run(MINUTE, "docker", "rmi", "-f", tag);
    }
  }

  private static String tag(String name) {
    String t = "scratch4j-it/" + name + "-" + id + ":latest";
    loaded.add(t);
    return t;
  }

  /** What {@code docker run} of the image printed; skips the rest of the test where docker cannot run containers. */
  private static String dockerRun(String tag) {
    return Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout();
  }

  /** What a shell command printed in the image (with a shell); skips as {@link #dockerRun} does. */
  private static String dockerShell(String tag, String script) {
    return Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/sh"), tag, "-c", script).assertSuccess().stdout();
  }

  @Test
  void ociLayoutDirectoryPassesSkopeoAndUmociAndRuncRunsIt() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Manifest m = Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello").tag("hello:layout").writeTo(layout);
    Commands.require("skopeo");
    JsonNode inspect = JSON.readTree(Commands.run(MINUTE, "skopeo", "inspect", "oci:" + layout + ":docker.io/library/hello:layout")
        .assertSuccess().stdout());
    assertThat(inspect.get("Digest").asText()).isEqualTo(m.digest().toString());
    Path bundle = RunBundles.unpack(layout, "hello:layout", dir.resolve("layout-bundle"));
    assertThat(RunBundles.run(bundle).assertSuccess().stdout()).isEqualTo("hello world\n");
  }

  @Test
  void gzipLayersLoadAndRunInDockerAndPodman() throws Exception {
    Commands.requireDocker();
    String tag = tag("hello-gzip");
    Path archive = dir.resolve("gzip.tar");
    // With 1 MiB of random bytes too: parallel gzip stores such blocks instead of deflating them.
    Manifest m = Image.fromScratch().add(hello).add(Entry.file("/noise", Source.of(noise()))).add(Nonce.entry())
        .entrypoint("/hello").tag(tag).writeTo(archive, WriteOptions.defaults().withCompression(Compression.GZIP));
    Commands.require("podman", "skopeo");
    assertThat(layerMediaType(archive)).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
    // Both loads and their checks come before any run step: a run step may be skipped (ContainerRuns).
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    Commands.run(Duration.ofMinutes(2), "podman", "load", "-i", archive.toString()).assertSuccess();
    try {
      assertThat(podmanId(tag)).isEqualTo(m.config().digest().toString());
      assertThat(dockerRun(tag)).isEqualTo("hello world\n");
      assertThat(Commands.runContainer(Engine.PODMAN, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", tag);
    }
  }

  /**
   * zstd layers: podman and skopeo read them; Docker 20.10 cannot decompress them, and says
   * {@code archive/tar: invalid tar header} (the layer's bytes read as a tar). The image's layer is
   * new to the engine (a {@link Nonce}), so the engine has to read it.
   */
  @Test
  void zstdLayersLoadInPodmanAndDocker2010RefusesThem() throws Exception {
    Commands.requireDocker();
    String tag = tag("hello-zstd");
    Path archive = dir.resolve("zstd.tar");
    Manifest m = Image.fromScratch().add(hello).add(Entry.file("/noise", Source.of(noise()))).add(Nonce.entry())
        .entrypoint("/hello").tag(tag).writeTo(archive, WriteOptions.defaults().withCompression(Compression.ZSTD));
    Commands.require("podman", "skopeo");
    assertThat(layerMediaType(archive)).isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
    Commands.run(Duration.ofMinutes(2), "podman", "load", "-i", archive.toString()).assertSuccess();
    try {
      assertThat(podmanId(tag)).isEqualTo(m.config().digest().toString());
      String version = Commands.run(MINUTE, "docker", "version", "--format", "{{.Server.Version}}")
          .assertSuccess().stdout().strip();
      Assumptions.assumeTrue(version.startsWith("20.10."),
          "the README's zstd row is about Docker 20.10; this engine is " + version);
      Commands.Result load = Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString());
      assertThat(load.exitCode()).as("docker load of a zstd layer: %s", load).isNotZero();
      assertThat(load.stderr()).contains("archive/tar: invalid tar header");
      assertThat(Commands.run(MINUTE, "docker", "image", "inspect", tag).exitCode()).isNotZero();
      assertThat(Commands.runContainer(Engine.PODMAN, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", tag);
    }
  }

  private static String layerMediaType(Path archive) throws Exception {
    JsonNode raw = JSON.readTree(Commands.run(MINUTE, "skopeo", "inspect", "--raw", "oci-archive:" + archive)
        .assertSuccess().stdout());
    return raw.get("layers").get(0).get("mediaType").asText();
  }

  private static String podmanId(String tag) {
    return "sha256:" + Commands.run(MINUTE, "podman", "image", "inspect", "--format", "{{.Id}}", tag)
        .assertSuccess().stdout().strip();
  }

  /** 1 MiB of random bytes, the same every time. */
  private static byte[] noise() {
    byte[] b = new byte[1 << 20];
    new java.util.Random(11).nextBytes(b);
    return b;
  }

  @Test
  void gzipLayoutUnpacksWithUmoci() throws Exception {
    Path layout = Files.createDirectory(dir.resolve("gzip-layout"));
    Image.fromScratch().add(hello).add(Entry.file("/noise", Source.of(noise()))).add(Nonce.entry()).entrypoint("/hello")
        .tag("hello:gz").writeTo(layout, WriteOptions.defaults().withCompression(Compression.GZIP));
    Path bundle = RunBundles.unpack(layout, "hello:gz", dir.resolve("gz-bundle"));
    assertThat(bundle.resolve("rootfs/noise")).hasBinaryContent(noise());
    assertThat(RunBundles.run(bundle).assertSuccess().stdout()).isEqualTo("hello world\n");
  }

  @Test
  void oneDockerLoadLoadsTwoImagesThatBothRun() throws Exception {
    Commands.requireDocker();
    Path rootfs = BusyboxRootfs.tarball(dir.resolve("busybox"));
    String scratchTag = tag("hello-scratch");
    String busyboxTag = tag("hello-busybox");
    Image onScratch = Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello").tag(scratchTag);
    Image onBusybox = Image.from(rootfs).add(hello, "/root/hello").add(Nonce.entry()).entrypoint("/root/hello")
        .tag(busyboxTag);
    Path archive = dir.resolve("two.tar");
    Archive.of(onScratch, onBusybox).writeTo(archive);
    String out = Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess().stdout();
    assertThat(out).contains("Loaded image: " + scratchTag, "Loaded image: " + busyboxTag);
    assertThat(dockerRun(scratchTag)).isEqualTo("hello world\n");
    assertThat(dockerRun(busyboxTag)).isEqualTo("hello world\n");
  }

  @Test
  void busyboxBaseRunsTheBinaryAndAShellAndAWhiteoutHidesAFile() throws Exception {
    Commands.requireDocker();
    Path rootfs = BusyboxRootfs.tarball(dir.resolve("busybox-base"));
    String tag = tag("busybox-hello");
    Path archive = dir.resolve("busybox-hello.tar");
    Image.from(rootfs).add(hello, "/usr/local/bin/hello").add(Nonce.entry()).remove("/etc/motd")
        .entrypoint("/usr/local/bin/hello").tag(tag).writeTo(archive);
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    assertThat(dockerRun(tag)).isEqualTo("hello world\n");
    String ls = dockerShell(tag, "ls /");
    assertThat(ls.split("\n")).contains("bin", "etc", "usr");
    String motd = dockerShell(tag, "if [ -e /etc/motd ]; then echo present; else echo gone; fi; cat /etc/hostname.base");
    assertThat(motd).isEqualTo("gone\nbusybox\n");
  }

  @Test
  void multiPlatformIndexListsBothPlatforms() throws Exception {
    Commands.require("skopeo");
    Image amd64 = Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello").platform(Platform.LINUX_AMD64);
    Image arm64 = Image.fromScratch()
        .add(Entry.file("/hello", Source.of("an arm64 build".getBytes(StandardCharsets.UTF_8))).withMode(0755))
        .add(Nonce.entry()).entrypoint("/hello").platform(Platform.LINUX_ARM64);
    Path layout = Files.createDirectory(dir.resolve("multi"));
    ImageIndex.of(amd64, arm64).tag("hello:multi").writeTo(layout);
    JsonNode raw = JSON.readTree(Commands.run(MINUTE, "skopeo", "inspect", "--raw", "oci:" + layout + ":docker.io/library/hello:multi")
        .assertSuccess().stdout());
    assertThat(raw.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(raw.get("manifests")).extracting(m -> m.get("platform").get("architecture").asText())
        .containsExactly("amd64", "arm64");
    assertThat(raw.get("manifests").get(1).get("platform").get("variant").asText()).isEqualTo("v8");

    // docker load reads manifest.json, which holds the index's first image.
    Commands.requireDocker();
    String tag = tag("hello-multi");
    Path archive = dir.resolve("multi.tar");
    ImageIndex.of(amd64, arm64).tag(tag).writeTo(archive);
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    assertThat(dockerRun(tag)).isEqualTo("hello world\n");
  }

  @Test
  void readsWhatDockerSaveWritesAndWritesItBackLoadable() throws Exception {
    Commands.requireDocker();
    Path rootfs = BusyboxRootfs.tarball(dir.resolve("busybox-saved"));
    String tag = tag("saved");
    Path archive = dir.resolve("to-save.tar");
    Image.from(rootfs).add(hello, "/hello").add(Nonce.entry()).entrypoint("/hello").env("SAVED", "yes").tag(tag)
        .writeTo(archive);
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    Path saved = dir.resolve("saved.tar");
    Commands.run(Duration.ofMinutes(2), "docker", "save", "-o", saved.toString(), tag).assertSuccess();

    Archive read = Archive.read(saved);
    assertThat(read.images()).hasSize(1);
    Image image = read.images().get(0);
    assertThat(image.tags()).extracting(t -> t.familiarName()).containsExactly(tag);
    assertThat(image.config().env()).contains("SAVED=yes");
    assertThat(image.fileSystem()).containsKeys("/hello", "/bin/busybox");
    assertThat(image.layers().get(1).file("/hello").orElseThrow().source().readAllBytes())
        .isEqualTo(Files.readAllBytes(hello));

    String again = tag("saved-again");
    Path rewritten = dir.resolve("rewritten.tar");
    Image.from(saved).tag(again).writeTo(rewritten);
    // Docker keeps layers by diff_id: with the saved image gone, loading the rewrite must read them.
    Commands.run(MINUTE, "docker", "rmi", "-f", tag).assertSuccess();
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", rewritten.toString()).assertSuccess();
    assertThat(dockerRun(again)).isEqualTo("hello world\n");
  }
}
