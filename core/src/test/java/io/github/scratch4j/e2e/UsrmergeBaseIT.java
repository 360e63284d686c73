package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Source;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import io.github.scratch4j.e2e.RootView.Kind;
import io.github.scratch4j.e2e.RootView.Node;
import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files added under a usrmerge base's linked directories ({@code /bin -> usr/bin},
 * {@code /lib -> usr/lib}) land where the links lead, in every tool that applies the layers: the
 * links stay, the base's {@code /bin/sh} stays, {@code /bin/readlink} removed is gone from
 * {@code /usr/bin}, and the base's {@code /usr/local/bin} keeps its mode and owner. A layer holding {@code bin/x} made {@code /bin} a directory holding only
 * {@code x} in each of them (issue 12).
 */
class UsrmergeBaseIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration LOAD = Duration.ofMinutes(2);

  @TempDir Path dir;
  private String x;
  private String y;
  private String z;
  private String tag;
  private Path archive;

  /** A new base and new content for each test: no engine has seen its layers. */
  @BeforeEach
  void build() throws IOException {
    x = "#!/bin/sh\necho x " + Nonce.text();
    y = "y " + Nonce.text();
    z = "z " + Nonce.text();
    tag = "scratch4j-it/usrmerge-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
    Image image = Image.from(BusyboxRootfs.usrmergeTarball(dir))
        .add(Entry.file("/bin/x", text(x)).withMode(0755))
        .add(Files.writeString(dir.resolve("y"), y), "/lib/y")
        .add(Entry.file("/usr/local/bin/z", text(z)).withMode(0755))
        .remove("/bin/readlink")
        .add(Nonce.entry())
        .tag(tag);
    assertThat(image.fileSystem().get("/bin")).isInstanceOfSatisfying(io.github.scratch4j.SymlinkEntry.class,
        link -> assertThat(link.target()).isEqualTo("usr/bin"));
    assertThat(image.fileSystem()).containsKeys("/usr/bin/x", "/usr/lib/y", "/usr/bin/sh").doesNotContainKey("/bin/x");
    archive = dir.resolve("usrmerge.tar");
    image.writeTo(archive);
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** What every tool must show after applying the image's layers. */
  private void assertBaseKept(RootView root, String tool) throws IOException {
    assertThat(root.node("/bin")).as(tool + ": /bin").get()
        .satisfies(n -> assertThat(n.kind()).isEqualTo(Kind.SYMLINK))
        .satisfies(n -> assertThat(n.linkTarget()).isEqualTo("usr/bin"));
    assertThat(root.node("/lib")).as(tool + ": /lib").get()
        .satisfies(n -> assertThat(n.linkTarget()).isEqualTo("usr/lib"));
    assertThat(root.node("/usr/bin/x").map(RootView::text)).as(tool + ": /usr/bin/x").contains(x);
    assertThat(root.node("/usr/lib/y").map(RootView::text)).as(tool + ": /usr/lib/y").contains(y);
    assertThat(root.node("/usr/lib/libbase.txt").map(RootView::text)).as(tool + ": the base's library")
        .contains("base library\n");
    assertThat(root.node("/usr/bin/sh")).as(tool + ": the base's /bin/sh").get()
        .satisfies(n -> assertThat(n.linkTarget()).isEqualTo("busybox"));
    assertThat(root.node("/usr/bin/readlink")).as(tool + ": /bin/readlink, removed").isEmpty();
    Node local = root.node("/usr/local/bin").orElseThrow();
    assertThat(List.of(local.kind(), local.mode(), local.uid(), local.gid())).as(tool + ": the base's /usr/local/bin")
        .containsExactly(Kind.DIRECTORY, 0750, 1000L, 1000L);
    assertThat(root.node("/usr/local/bin/z").map(RootView::text)).as(tool + ": /usr/local/bin/z").contains(z);
  }

  @Test
  void dockerKeepsTheLinksAndRunsTheShell() throws Exception {
    Commands.requireDocker();
    try {
      assertBaseKept(RootView.exportedBy("docker", archive, tag, dir), "docker");

      String out = Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/sh"), tag, "-c",
          "ls -ld /bin /lib; ls -l /usr/bin/x; /bin/x; cat /lib/y; stat -c '%a %u %g' /usr/local/bin;"
              + " test -x /bin/sh && echo sh; test -e /bin/readlink || echo no-readlink")
          .assertSuccess().stdout();
      assertThat(out).contains("/bin -> usr/bin", "/lib -> usr/lib", "/usr/bin/x", x.substring(x.indexOf("echo ") + 5),
          y, "750 1000 1000\nsh\nno-readlink\n");
    } finally {
      Commands.run(MINUTE, "docker", "rmi", "-f", tag);
    }
  }

  @Test
  void podmanKeepsTheLinks() throws Exception {
    Commands.require("podman");
    try {
      assertBaseKept(RootView.exportedBy("podman", archive, tag, dir), "podman");
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", tag);
    }
  }

  @Test
  void umociUnpacksTheLinksIntact() throws Exception {
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    Path bundle = RunBundles.unpack(layout, tag, dir.resolve("bundle"));
    assertBaseKept(RootView.of(bundle.resolve("rootfs")), "umoci");
  }

  @Test
  void containerdKeepsTheLinks() throws Exception {
    Commands.require("ctr");
    String socket = Containerd.socket();
    String namespace = "scratch4j-it-" + UUID.randomUUID().toString().substring(0, 8);
    String image = ImageReference.parse(tag).fullName();
    Path mount = Files.createDirectories(dir.resolve("ctr-mount"));
    try {
      Commands.run(LOAD, "ctr", "-a", socket, "-n", namespace, "images", "import", archive.toString()).assertSuccess();
      Commands.run(MINUTE, "ctr", "-a", socket, "-n", namespace, "images", "mount", image, mount.toString())
          .assertSuccess();
      try {
        assertBaseKept(RootView.of(mount), "containerd");
      } finally {
        Commands.run(MINUTE, "ctr", "-a", socket, "-n", namespace, "images", "unmount", "--rm", mount.toString());
      }
    } finally {
      Containerd.removeNamespace(socket, namespace, image);
    }
  }

  @Test
  void buildahKeepsTheLinks() throws Exception {
    Commands.require("buildah");
    String container = "scratch4j-it-" + UUID.randomUUID().toString().substring(0, 8);
    Commands.run(LOAD, "buildah", "from", "--name", container, "oci-archive:" + archive).assertSuccess();
    try {
      String mounted = Commands.run(MINUTE, "buildah", "mount", container).assertSuccess().stdout().strip();
      assertBaseKept(RootView.of(Path.of(mounted)), "buildah");
    } finally {
      Commands.run(MINUTE, "buildah", "umount", container);
      Commands.run(MINUTE, "buildah", "rm", container);
      Commands.run(MINUTE, "buildah", "rmi", "-f", ImageReference.parse(tag).fullName());
    }
  }

  /** containerd through {@code ctr}: the engine's own socket, and a namespace of the test's. */
  static final class Containerd {
    private static final List<String> SOCKETS = List.of(
        "/run/containerd/containerd.sock", "/var/run/docker/containerd/containerd.sock");

    private Containerd() {}

    /**
     * A containerd that answers: the system's, or the one dockerd starts for itself when there is
     * no system containerd (as under .ci/run). Missing: a skip, or a failure in CI.
     */
    static String socket() {
      String env = System.getenv("CONTAINERD_ADDRESS");
      List<String> candidates = env == null ? SOCKETS : List.of(env);
      StringBuilder tried = new StringBuilder();
      for (String s : candidates) {
        if (Files.exists(Path.of(s))) {
          Commands.Result version = Commands.run(MINUTE, "ctr", "-a", s, "version");
          if (version.exitCode() == 0) {
            return s;
          }
          tried.append("\n").append(s).append(": ").append(version.stderr().strip());
        } else {
          tried.append("\n").append(s).append(": no such socket");
        }
      }
      Tools.unavailable("no containerd answers (set CONTAINERD_ADDRESS, or start dockerd, which starts one):" + tried);
      throw new AssertionError("unreachable");
    }

    /** Removes the image and, once its content is collected, the namespace. */
    static void removeNamespace(String socket, String namespace, String image) {
      Commands.run(MINUTE, "ctr", "-a", socket, "-n", namespace, "images", "rm", "--sync", image);
      Commands.run(MINUTE, "ctr", "-a", socket, "namespaces", "rm", namespace);
    }
  }
}
