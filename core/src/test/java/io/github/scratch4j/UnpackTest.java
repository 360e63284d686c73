package io.github.scratch4j;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.internal.unpack.Unpacker;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackTest {
  private static final Instant T = Instant.parse("2024-03-01T12:00:00Z");
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path tmp;
  /** What the tests must never touch: a directory outside every unpack target, with one file. */
  private Path outside;
  private Path sentinel;

  @BeforeEach
  void sentinel() throws IOException {
    outside = Files.createDirectories(tmp.resolve("outside"));
    sentinel = Files.writeString(outside.resolve("sentinel"), "untouched");
  }

  private static FileEntry file(String path, String content) {
    return new FileEntry(path, Source.of(content.getBytes(UTF_8)), 0644, 0, 0, T);
  }

  private static DirectoryEntry dir(String path) {
    return new DirectoryEntry(path, 0755, 0, 0, T);
  }

  private static SymlinkEntry link(String path, String target) {
    return new SymlinkEntry(path, target, 0777, 0, 0, T);
  }

  private static Layer layer(Entry... entries) {
    Layer.Builder b = Layer.builder();
    for (Entry e : entries) {
      b.add(e);
    }
    return b.build();
  }

  private static Image image(Layer... layers) {
    Image image = Image.fromScratch();
    for (Layer l : layers) {
      image = image.add(l);
    }
    return image;
  }

  /**
   * Unpacks layers as they are, past the checks {@link Image#add(Layer)} makes when it places
   * entries: as layers read from an archive or a registry come.
   */
  private static void unpackRaw(Path dir, Layer... layers) throws IOException {
    Unpacker.unpack(List.of(layers), dir, java.util.Set.of());
  }

  private void assertOutsideUntouched() throws IOException {
    try (Stream<Path> s = Files.walk(outside)) {
      assertThat(s.map(p -> outside.relativize(p).toString())).containsExactlyInAnyOrder("", "sentinel");
    }
    assertThat(Files.readString(sentinel)).isEqualTo("untouched");
  }

  /** Nothing is left beside the target: no temporary sibling, and no target when there was none. */
  private void assertNothingLeftIn(Path parent, String... expected) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(expected);
    }
  }

  private static String mode(Path p) throws IOException {
    return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777);
  }

  @Test
  void filesDirectoriesLinksModesAndTimesAreMadeAsTheEntriesSay() throws Exception {
    Image image = image(layer(
        dir("/etc"),
        new FileEntry("/etc/motd", Source.of("hi\n".getBytes(UTF_8)), 0444, 0, 0, T),
        new FileEntry("/bin/tool", Source.of(new byte[] {1, 2, 3}), 04755, 0, 0, T),
        new DirectoryEntry("/ro", 0555, 0, 0, T),
        file("/ro/inside", "x"),
        new DirectoryEntry("/tmp", 01777, 0, 0, T),
        link("/etc/link", "motd"),
        link("/abs", "/etc/motd"),
        new HardlinkEntry("/bin/same", "/bin/tool", 04755, 0, 0, T)));
    Path root = tmp.resolve("root");
    image.unpackTo(root);

    assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("hi\n");
    assertThat(mode(root.resolve("etc/motd"))).isEqualTo("444");
    assertThat(mode(root.resolve("bin/tool"))).isEqualTo("4755");
    assertThat(mode(root.resolve("ro"))).isEqualTo("555");
    assertThat(mode(root.resolve("tmp"))).isEqualTo("1777");
    assertThat(Files.readString(root.resolve("ro/inside"))).isEqualTo("x");
    assertThat(Files.readSymbolicLink(root.resolve("etc/link")).toString()).isEqualTo("motd");
    // An absolute link is kept as it is: it names a path of the container, not of the host.
    assertThat(Files.readSymbolicLink(root.resolve("abs")).toString()).isEqualTo("/etc/motd");
    assertThat(Files.isSameFile(root.resolve("bin/same"), root.resolve("bin/tool"))).isTrue();
    assertThat(Files.getLastModifiedTime(root.resolve("etc/motd")).toInstant()).isEqualTo(T);
    assertThat(Files.getLastModifiedTime(root.resolve("ro")).toInstant()).isEqualTo(T);
    assertThat(Files.getLastModifiedTime(root.resolve("abs"), NOFOLLOW).toInstant()).isEqualTo(T);
    assertNothingLeftIn(tmp, "outside", "root");
  }

  @Test
  void whiteoutsAndOpaqueWhiteoutsDeleteWhatLowerLayersMade() throws Exception {
    Image image = image(
        layer(dir("/a"), file("/a/keep", "1"), file("/a/gone", "2"), dir("/b"), file("/b/old", "3"), dir("/b/sub"),
            file("/b/sub/deep", "4"), file("/c", "5")),
        layer(Whiteout.of("/a/gone"), Whiteout.opaque("/b"), file("/b/new", "6"), Whiteout.of("/c")));
    Path root = tmp.resolve("root");
    image.unpackTo(root);
    assertThat(listing(root)).containsExactly("a/", "a/keep", "b/", "b/new");
    assertThat(listing(root)).isEqualTo(new ArrayList<>(image.fileSystem().keySet().stream()
        .map(p -> p.substring(1) + (image.fileSystem().get(p) instanceof DirectoryEntry ? "/" : "")).toList()));
  }

  @Test
  void anEntryReplacesWhatIsAtItsPathWhateverItIs() throws Exception {
    Image image = image(
        layer(dir("/d"), file("/d/f", "1"), file("/f", "2"), link("/l", "/d")),
        layer(file("/d", "now a file"), dir("/f"), file("/f/g", "3"), file("/l", "now a file too")));
    Path root = tmp.resolve("root");
    image.unpackTo(root);
    assertThat(Files.readString(root.resolve("d"))).isEqualTo("now a file");
    assertThat(Files.isDirectory(root.resolve("f"), NOFOLLOW)).isTrue();
    assertThat(Files.readString(root.resolve("f/g"))).isEqualTo("3");
    // The link is replaced, not written through.
    assertThat(Files.isSymbolicLink(root.resolve("l"))).isFalse();
    assertThat(Files.readString(root.resolve("l"))).isEqualTo("now a file too");
  }

  @Test
  void aLinkToADirectoryInALowerLayerIsFollowedInsideTheRootAsUsrMergeNeeds() throws Exception {
    // Debian's merged /usr: /bin is a link to usr/bin; a later layer adds /bin/tool, its /bin implied.
    Image image = image(
        layer(dir("/usr"), dir("/usr/bin"), file("/usr/bin/sh", "shell"), link("/bin", "usr/bin")),
        layer(file("/bin/tool", "tool")));
    Path root = tmp.resolve("root");
    image.unpackTo(root);
    assertThat(Files.isSymbolicLink(root.resolve("bin"))).isTrue();
    assertThat(Files.readString(root.resolve("usr/bin/tool"))).isEqualTo("tool");
    assertThat(Files.readString(root.resolve("usr/bin/sh"))).isEqualTo("shell");
  }

  @Test
  void aLinkToTheHostRootThenAWriteThroughItStaysInsideTheTarget() throws Exception {
    Path root = tmp.resolve("root");
    unpackRaw(root, layer(link("/a", "/")), layer(file("/a" + outside + "/sentinel", "overwritten?")));
    assertOutsideUntouched();
    // The write went where a chrooted process would have put it: inside the root.
    assertThat(Files.readString(root.resolve(outside.toString().substring(1)).resolve("sentinel")))
        .isEqualTo("overwritten?");
  }

  @Test
  void aRelativeLinkClimbingOutOfTheRootStopsAtIt() throws Exception {
    String up = "../".repeat(40);
    Path root = tmp.resolve("root");
    unpackRaw(root, layer(link("/up", up + outside.toString().substring(1))), layer(file("/up/planted", "x")));
    assertOutsideUntouched();
    assertThat(Files.readString(root.resolve(outside.toString().substring(1)).resolve("planted"))).isEqualTo("x");
  }

  @Test
  void aDirectorySwappedForALinkInALaterLayerDoesNotRedirectTheNextLayerOut() throws Exception {
    Layer[] layers = {
        layer(dir("/d"), file("/d/f", "1")),
        layer(link("/d", outside.toString())),
        layer(file("/d/planted", "x"), file("/d/sentinel", "overwritten?"))};
    Path root = tmp.resolve("root");
    unpackRaw(root, layers);
    assertOutsideUntouched();
    assertThat(Files.isSymbolicLink(root.resolve("d"))).isTrue();
    assertThat(Files.readString(root.resolve(outside.toString().substring(1)).resolve("planted"))).isEqualTo("x");
    // Built into an image, the same layers are placed through its links when added; still inside.
    image(layers).unpackTo(tmp.resolve("built"));
    assertOutsideUntouched();
  }

  @Test
  void aWhiteoutThroughALinkDeletesNothingOutside() throws Exception {
    Layer[] layers = {
        layer(link("/a", outside.toString()), link("/b", "../../../.." + outside)),
        layer(Whiteout.of("/a/sentinel"), Whiteout.opaque("/b"))};
    unpackRaw(tmp.resolve("root"), layers);
    assertOutsideUntouched();
    image(layers).unpackTo(tmp.resolve("built"));
    assertOutsideUntouched();
  }

  @Test
  void aHardLinkThroughALinkToTheHostIsRefusedAndLeavesNothing() throws Exception {
    Image image = image(layer(link("/a", outside.toString())),
        layer(file("/f", "x"), new HardlinkEntry("/stolen", "/a/sentinel", 0644, 0, 0, T)));
    Path root = tmp.resolve("root");
    assertThatThrownBy(() -> image.unpackTo(root)).isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("hard link /stolen").hasMessageContaining("sentinel")
        .hasMessageContaining("layer 2 of 2");
    assertOutsideUntouched();
    assertNothingLeftIn(tmp, "outside");
    // The same layers as read from an archive, the link's target as written.
    assertThatThrownBy(() -> unpackRaw(root, layer(link("/a", outside.toString())),
        layer(file("/f", "x"), new HardlinkEntry("/stolen", "/a/sentinel", 0644, 0, 0, T))))
        .isInstanceOf(UnsafePathException.class).hasMessageContaining("hard link /stolen -> /a/sentinel");
    assertOutsideUntouched();
    assertNothingLeftIn(tmp, "outside");
  }

  @Test
  void anEntryUnderAFileOfALowerLayerIsRefusedAndLeavesNothing() throws Exception {
    Path root = tmp.resolve("root");
    assertThatThrownBy(() -> unpackRaw(root, layer(file("/f", "x")), layer(file("/f/g", "y"))))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("file /f/g").hasMessageContaining("/f is not a directory");
    assertNothingLeftIn(tmp, "outside");
  }

  @Test
  void linksThatGoRoundForeverAreRefused() throws Exception {
    assertThatThrownBy(() -> unpackRaw(tmp.resolve("root"), layer(link("/l1", "l2"), link("/l2", "/l1")),
        layer(file("/l1/x", "y")))).isInstanceOf(UnsafePathException.class)
        .hasMessageContaining("more than 40 symbolic links");
    assertNothingLeftIn(tmp, "outside");
  }

  @Test
  void pathsThatClimbOutAreRefusedWhenTheEntryIsMade() {
    assertThatThrownBy(() -> Whiteout.of("/a/../..")).isInstanceOf(InvalidEntryException.class);
    assertThatThrownBy(() -> Whiteout.of("..")).isInstanceOf(InvalidEntryException.class);
    assertThatThrownBy(() -> new HardlinkEntry("/x", "../../etc/passwd", 0644, 0, 0, T))
        .isInstanceOf(InvalidEntryException.class);
    assertThatThrownBy(() -> file("/../../x", "y")).isInstanceOf(InvalidEntryException.class);
  }

  @Test
  void aTargetThatIsNotEmptyIsRefusedUnlessReplacingAndIsReplacedWhole() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("old"), "old");
    Image image = image(layer(file("/new", "new")));
    assertThatThrownBy(() -> image.unpackTo(root)).isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("not empty").hasMessageContaining("REPLACE");
    assertThat(listing(root)).containsExactly("old");

    image.unpackTo(root, UnpackOption.REPLACE);
    assertThat(listing(root)).containsExactly("new");
    assertNothingLeftIn(tmp, "outside", "root");

    Path aFile = Files.writeString(tmp.resolve("a-file"), "x");
    assertThatThrownBy(() -> image.unpackTo(aFile, UnpackOption.REPLACE))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("not a directory");
    assertThat(Files.readString(aFile)).isEqualTo("x");

    // An empty directory is taken as it is.
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    image.unpackTo(empty);
    assertThat(listing(empty)).containsExactly("new");
  }

  @Test
  void aFailedReplaceLeavesTheOldTreeAsItWas() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("old"), "old");
    assertThatThrownBy(() -> Unpacker.unpack(List.of(layer(file("/f", "x")), layer(file("/f/g", "y"))), root,
        java.util.Set.of(UnpackOption.REPLACE))).isInstanceOf(UnsafePathException.class);
    assertThat(listing(root)).containsExactly("old");
    assertNothingLeftIn(tmp, "outside", "root");
  }

  @Test
  void ownersNeedRootAndAreOtherwiseLeftToTheUnpackingUser() throws Exception {
    Image image = image(layer(new FileEntry("/owned", Source.of(new byte[1]), 0644, 1234, 5678, T)));
    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    Path plain = tmp.resolve("plain");
    image.unpackTo(plain);
    assertThat(Files.getAttribute(plain.resolve("owned"), "unix:uid"))
        .isEqualTo(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    Path owned = tmp.resolve("owned");
    if (root) {
      image.unpackTo(owned, UnpackOption.OWNERS);
      assertThat(Files.getAttribute(owned.resolve("owned"), "unix:uid")).isEqualTo(1234);
      assertThat(Files.getAttribute(owned.resolve("owned"), "unix:gid")).isEqualTo(5678);
    } else {
      assertThatThrownBy(() -> image.unpackTo(owned, UnpackOption.OWNERS)).hasMessageContaining("needs root");
      assertThat(owned).doesNotExist();
    }
  }

  @Test
  void theSameImageUnpacksToTheSameTree() throws Exception {
    Image image = image(layer(dir("/a"), file("/a/b", "1"), link("/c", "a/b")), layer(Whiteout.of("/a/b"), file("/d", "2")));
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    image.unpackTo(one);
    image.unpackTo(two);
    assertThat(describeTree(one)).isEqualTo(describeTree(two)).isNotEmpty();
  }

  /** Paths under {@code root}, directories with a trailing slash, in order. */
  static List<String> listing(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root))
          .map(p -> root.relativize(p).toString() + (Files.isDirectory(p, NOFOLLOW) ? "/" : ""))
          .sorted().toList();
    }
  }

  /** Each path with its type, mode, size or link target and mtime. */
  static List<String> describeTree(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    for (String p : listing(root)) {
      Path at = root.resolve(p);
      String what = Files.isSymbolicLink(at) ? "-> " + Files.readSymbolicLink(at)
          : Files.isDirectory(at, NOFOLLOW) ? "dir" : Files.size(at) + " " + Files.readString(at);
      out.add(p + " " + mode(at) + " " + what + " " + Files.getLastModifiedTime(at, NOFOLLOW));
    }
    return out;
  }
}
