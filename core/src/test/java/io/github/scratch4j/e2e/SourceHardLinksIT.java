package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Image;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import io.github.scratch4j.e2e.RootView.Kind;
import io.github.scratch4j.e2e.RootView.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard links in a source tree stay hard links in the image, as {@code docker build}'s COPY keeps
 * them: a pair and a trio across directories are one file each, with link counts 2 and 3, after
 * the real tools apply the layer.
 */
class SourceHardLinksIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;
  private String tag;
  private Path archive;

  @BeforeEach
  void build() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path pair = Files.writeString(tree.resolve("pair-b"), "pair " + Nonce.text());
    Files.createLink(tree.resolve("pair-a"), pair);
    Path trio = Files.writeString(Files.createDirectories(tree.resolve("z")).resolve("trio"), "trio " + Nonce.text());
    Files.createLink(Files.createDirectories(tree.resolve("x")).resolve("trio"), trio);
    Files.createLink(Files.createDirectories(tree.resolve("y")).resolve("trio"), trio);
    tag = "scratch4j-it/hardlinks-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
    Image image = Image.from(BusyboxRootfs.tarball(dir)).add(tree, "/data").add(Nonce.entry()).tag(tag);
    // The first path in path order is the file; the others link to it.
    assertThat(image.fileSystem().get("/data/pair-b")).isInstanceOfSatisfying(HardlinkEntry.class,
        h -> assertThat(h.target()).isEqualTo("/data/pair-a"));
    assertThat(image.fileSystem().get("/data/z/trio")).isInstanceOfSatisfying(HardlinkEntry.class,
        h -> assertThat(h.target()).isEqualTo("/data/x/trio"));
    archive = dir.resolve("hardlinks.tar");
    image.writeTo(archive);
  }

  /** The links as an engine's export tar holds them: later paths link to the first of each set. */
  private static void assertLinkedInExport(RootView root, String tool) throws IOException {
    assertThat(root.node("/data/pair-a").map(Node::kind)).as(tool).contains(Kind.FILE);
    assertThat(root.node("/data/x/trio").map(Node::kind)).as(tool).contains(Kind.FILE);
    for (String[] link : new String[][] {{"/data/pair-b", "/data/pair-a"}, {"/data/y/trio", "/data/x/trio"},
        {"/data/z/trio", "/data/x/trio"}}) {
      Node n = root.node(link[0]).orElseThrow();
      assertThat(List.of(n.kind(), n.linkTarget())).as(tool + ": " + link[0]).containsExactly(Kind.HARDLINK, link[1]);
    }
  }

  @Test
  void dockerShowsOneInodeWithTheLinkCounts() throws Exception {
    Commands.requireDocker();
    try {
      assertLinkedInExport(RootView.exportedBy("docker", archive, tag, dir), "docker export");

      String out = Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/sh"), tag, "-c",
          "cd /data && stat -c '%h %i' pair-a pair-b && stat -c '%h %i' x/trio y/trio z/trio").assertSuccess().stdout();
      String[] lines = out.split("\n");
      assertThat(lines).hasSize(5);
      assertThat(lines[0]).startsWith("2 ").isEqualTo(lines[1]);
      assertThat(lines[2]).startsWith("3 ").isEqualTo(lines[3]).isEqualTo(lines[4]);
    } finally {
      Commands.run(MINUTE, "docker", "rmi", "-f", tag);
    }
  }

  @Test
  void podmanExportsThemAsHardLinks() throws Exception {
    Commands.require("podman");
    try {
      assertLinkedInExport(RootView.exportedBy("podman", archive, tag, dir), "podman export");
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", tag);
    }
  }

  @Test
  void umociUnpacksOneInodeWithTheLinkCounts() throws Exception {
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    RootView root = RootView.of(RunBundles.unpack(layout, tag, dir.resolve("bundle")).resolve("rootfs"));
    Node a = root.node("/data/pair-a").orElseThrow();
    Node b = root.node("/data/pair-b").orElseThrow();
    assertThat(List.of(a.links(), b.links(), b.inode())).containsExactly(2, 2, a.inode());
    Node x = root.node("/data/x/trio").orElseThrow();
    for (String p : List.of("/data/y/trio", "/data/z/trio")) {
      Node n = root.node(p).orElseThrow();
      assertThat(List.of(n.links(), n.inode())).as(p).containsExactly(3, x.inode());
    }
    assertThat(x.links()).isEqualTo(3);
  }
}
