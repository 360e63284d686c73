package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an image adds, removes and replaces on a base with symbolic links to directories (Debian's
 * usrmerge: {@code /bin -> usr/bin}, {@code /lib -> usr/lib}) goes where the links lead, and the
 * links and the base's directories stay as they were (issue 12).
 */
class BaseImageLinksTest {
  private static final Instant BASE_TIME = Instant.parse("2001-02-03T04:05:06Z");

  @TempDir Path dir;

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A usrmerge root: /usr/bin/sh, /usr/lib/libc.so, /usr/local/bin owned by 1000 with mode 0750. */
  private static Layer usrmergeLayer() {
    return Layer.builder()
        .add(Entry.directory("/usr").withMtime(BASE_TIME))
        .add(Entry.directory("/usr/bin").withMtime(BASE_TIME))
        .add(Entry.directory("/usr/lib").withMtime(BASE_TIME))
        .add(Entry.directory("/usr/local").withMtime(BASE_TIME))
        .add(Entry.directory("/usr/local/bin").withMode(0750).withOwner(1000, 1000).withMtime(BASE_TIME))
        .add(Entry.file("/usr/bin/sh", text("shell")).withMode(0755))
        .add(Entry.file("/usr/lib/libc.so", text("libc")))
        .addSymlink("/bin", "usr/bin")
        .addSymlink("/lib", "usr/lib")
        .addSymlink("/sbin", "/usr/bin")
        .build();
  }

  /** The usrmerge root as a base read from an archive, as Image.from gives it. */
  private Image usrmergeBase() throws IOException {
    Path base = dir.resolve("base.tar");
    Image.fromScratch().add(usrmergeLayer()).writeTo(base);
    return Image.from(base);
  }

  /** The entries of the image's last layer as written, by tar name. */
  private Map<String, TarFiles.Item> topLayer(Image image) throws IOException {
    Path out = dir.resolve("out-" + System.nanoTime() + ".tar");
    Manifest m = image.writeTo(out);
    String blob = "blobs/sha256/" + m.layers().get(m.layers().size() - 1).digest().hex();
    return TarFiles.read(TarFiles.read(out).get(blob).content());
  }

  @Test
  void aFileAddedUnderALinkedDirectoryGoesWhereTheLinkLeads() throws IOException {
    Path y = Files.writeString(dir.resolve("y"), "y");
    Image image = usrmergeBase()
        .add(Entry.file("/bin/x", text("x")).withMode(0755))
        .add(y, "/lib/y")
        .add(Entry.file("/sbin/z", text("z")));
    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.get("/bin")).isEqualTo(Entry.symlink("/bin", "usr/bin"));
    assertThat(fs.get("/lib")).isEqualTo(Entry.symlink("/lib", "usr/lib"));
    assertThat(fs).containsKeys("/usr/bin/x", "/usr/lib/y", "/usr/bin/z", "/usr/bin/sh", "/usr/lib/libc.so")
        .doesNotContainKeys("/bin/x", "/lib/y", "/sbin/z");
    assertThat(image.layers().get(1).entries()).extracting(Entry::path)
        .contains("/usr/bin/x", "/usr/lib/y", "/usr/bin/z").noneMatch(p -> p.startsWith("/bin") || p.startsWith("/lib"));

    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).containsExactly("usr/", "usr/bin/", "usr/bin/x", "usr/bin/z", "usr/lib/", "usr/lib/y");
  }

  @Test
  void impliedDirectoriesAreWrittenWithTheBaseDirectorysAttributes() throws IOException {
    // Docker 20.10 and podman 4.3 make a parent the tar leaves out 0755 and root-owned in the
    // layer's own directory, which then hides the base's; so the layer carries the base's.
    Image image = usrmergeBase().add(Entry.file("/usr/local/bin/tool", text("t")).withMode(0755));
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).containsExactly("usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/tool");
    TarArchiveEntry bin = layer.get("usr/local/bin/").header();
    assertThat(bin.getMode() & 07777).isEqualTo(0750);
    assertThat(bin.getLongUserId()).isEqualTo(1000);
    assertThat(bin.getLongGroupId()).isEqualTo(1000);
    assertThat(bin.getModTime().toInstant()).isEqualTo(BASE_TIME);
    assertThat(layer.get("usr/").header().getModTime().toInstant()).isEqualTo(BASE_TIME);
    assertThat(image.fileSystem().get("/usr/local/bin")).isEqualTo(
        Entry.directory("/usr/local/bin").withMode(0750).withOwner(1000, 1000).withMtime(BASE_TIME));
  }

  @Test
  void aDirectoryTheLayerWhitesOutIsWrittenNewNotWithTheBaseAttributes() throws IOException {
    Image image = usrmergeBase().remove("/usr/local").add(Entry.file("/usr/local/bin/tool", text("t")));
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).contains("usr/.wh.local", "usr/local/", "usr/local/bin/", "usr/local/bin/tool");
    assertThat(layer.get("usr/local/bin/").header().getMode() & 07777).isEqualTo(0755);
    assertThat(layer.get("usr/local/bin/").header().getLongUserId()).isZero();
    assertThat(image.fileSystem().get("/usr/local/bin")).isEqualTo(Entry.directory("/usr/local/bin"));
  }

  @Test
  void aLinkTheOpenLayerMadeIsFollowedToo() {
    Image image = Image.fromScratch()
        .add(Entry.directory("/opt/app-1.2"))
        .add(Entry.symlink("/opt/app", "app-1.2"))
        .add(Entry.file("/opt/app/config", text("c")));
    assertThat(image.layers()).hasSize(1);
    assertThat(image.fileSystem()).containsKey("/opt/app-1.2/config").doesNotContainKey("/opt/app/config");
    assertThat(image.fileSystem().get("/opt/app")).isInstanceOf(SymlinkEntry.class);
  }

  @Test
  void aTreeCopiedToTheRootMergesIntoTheLinkedDirectories() throws IOException {
    Path overlay = Files.createDirectories(dir.resolve("overlay"));
    Files.createDirectories(overlay.resolve("bin"));
    Files.writeString(overlay.resolve("bin/tool"), "tool");
    Files.createDirectories(overlay.resolve("lib/extra"));
    Files.writeString(overlay.resolve("lib/extra/libx.so"), "x");
    Image image = usrmergeBase().add(overlay, "/");
    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.get("/bin")).isInstanceOf(SymlinkEntry.class);
    assertThat(fs.get("/lib")).isInstanceOf(SymlinkEntry.class);
    assertThat(fs).containsKeys("/usr/bin/tool", "/usr/bin/sh", "/usr/lib/extra/libx.so", "/usr/lib/libc.so");
  }

  @Test
  void removeWhitesOutWhereTheLinkLeadsAndRemovingTheLinkItselfRemovesTheLink() throws IOException {
    Image base = usrmergeBase();
    Image noShell = base.remove("/bin/sh");
    assertThat(noShell.layers().get(1).entries()).filteredOn(Whiteout.class::isInstance)
        .containsExactly(Whiteout.of("/usr/bin/sh"));
    assertThat(noShell.fileSystem()).doesNotContainKey("/usr/bin/sh").containsKey("/bin");
    assertThat(topLayer(noShell).keySet()).containsExactly("usr/", "usr/bin/", "usr/bin/.wh.sh");

    Image noLink = base.remove("/lib");
    assertThat(noLink.layers().get(1).entries()).containsExactly(Whiteout.of("/lib"));
    assertThat(noLink.fileSystem()).doesNotContainKey("/lib").containsKey("/usr/lib/libc.so");

    assertThatThrownBy(() -> base.remove("/bin/nothing"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessage("cannot remove /bin/nothing (/usr/bin/nothing, where the image's links lead): no layer of the image has it");
    assertThatThrownBy(() -> noShell.remove("/bin/sh")).hasMessageContaining("no layer of the image has it");
  }

  @Test
  void aLinkRemovedThenADirectoryAddedReplacesTheLink() throws IOException {
    Image image = usrmergeBase().remove("/bin").add(Entry.directory("/bin")).add(Entry.file("/bin/x", text("x")));
    assertThat(image.fileSystem().get("/bin")).isInstanceOf(DirectoryEntry.class);
    assertThat(image.fileSystem()).containsKey("/bin/x").doesNotContainKey("/usr/bin/x");
  }

  @Test
  void replaceEmptiesTheDirectoryTheLinkLeadsTo() throws IOException {
    Path libs = Files.createDirectories(dir.resolve("libs"));
    Files.writeString(libs.resolve("libnew.so"), "new");
    Image image = usrmergeBase().replace(libs, "/lib");
    assertThat(image.layers().get(1).entries()).contains(Whiteout.opaque("/usr/lib"));
    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.get("/lib")).isInstanceOf(SymlinkEntry.class);
    assertThat(fs).containsKey("/usr/lib/libnew.so").doesNotContainKey("/usr/lib/libc.so");
  }

  @Test
  void aBuiltLayerIsPlacedAndAStoredLayerIsAppendedAsItIs() throws IOException {
    Image base = usrmergeBase();
    Layer built = Layer.builder().addFile("/bin/x", text("x")).createdBy("tools").build();
    Image withBuilt = base.add(built);
    Layer placed = withBuilt.layers().get(1);
    assertThat(placed).isNotEqualTo(built);
    assertThat(placed.entries()).extracting(Entry::path).containsExactly("/usr", "/usr/bin", "/usr/bin/x");
    assertThat(placed.createdBy()).contains("tools");
    assertThat(withBuilt.fileSystem().get("/bin")).isInstanceOf(SymlinkEntry.class);

    Layer elsewhere = Layer.builder().addFile("/opt/x", text("x")).build();
    assertThat(base.add(elsewhere).layers().get(1)).isSameAs(elsewhere);

    Layer stored = base.layers().get(0);
    assertThat(Image.fromScratch().add(elsewhere).add(stored).layers().get(1)).isSameAs(stored);
  }

  @Test
  void aHardLinkAndItsTargetArePlacedTogether() throws IOException {
    Layer layer = Layer.builder().addFile("/bin/a", text("a")).addHardlink("/bin/b", "/bin/a").build();
    Image image = usrmergeBase().add(layer);
    assertThat(image.layers().get(1).entries()).contains(Entry.hardlink("/usr/bin/b", "/usr/bin/a"));
    assertThat(topLayer(image)).containsKeys("usr/bin/a", "usr/bin/b");
  }

  @Test
  void loopingLinksAndFilesOnTheWayAreRefusedByName() throws IOException {
    Image loops = Image.fromScratch()
        .add(Layer.builder().addSymlink("/a", "b").addSymlink("/b", "/a").addFile("/etc", text("f")).build());
    assertThatThrownBy(() -> loops.add(Entry.file("/a/x", text("x"))))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("cannot place /a/x")
        .hasMessageContaining("loop");
    assertThatThrownBy(() -> loops.add(Entry.file("/etc/x", text("x"))))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessage("cannot place /etc/x: /etc is a file in the image, not a directory");
  }

  @Test
  void theSamePathReachedTwiceIsADuplicate() throws IOException {
    Image image = usrmergeBase().add(Entry.file("/bin/x", text("1")));
    assertThatThrownBy(() -> image.add(Entry.file("/usr/bin/x", text("2"))))
        .isInstanceOf(DuplicateEntryException.class).hasMessageContaining("/usr/bin/x");
  }

  @Test
  void aTreeWithHardLinksAddedThroughALinkKeepsThemLinkedWhereTheLinkLeads() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tools"));
    Path a = Files.writeString(tree.resolve("a"), "a");
    Files.createLink(tree.resolve("b"), a);
    Image image = usrmergeBase().add(tree, "/bin/tools");
    assertThat(image.fileSystem().get("/usr/bin/tools/b")).isEqualTo(
        new HardlinkEntry("/usr/bin/tools/b", "/usr/bin/tools/a", 0644, 0, 0, image.fileSystem().get("/usr/bin/tools/b").mtime()));
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.get("usr/bin/tools/b").header().isLink()).isTrue();
    assertThat(layer.get("usr/bin/tools/b").header().getLinkName()).isEqualTo("usr/bin/tools/a");
  }
}
