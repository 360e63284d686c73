package io.github.scratch4j.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.CopyOption;
import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.DuplicateEntryException;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.Layer;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCopierTest {
  @TempDir Path dir;

  private static List<Entry> copy(Path source, String destination, CopyOption... options) {
    return new TreeCopier(Set.of(options), 0, 0, Instant.EPOCH).copy(source, destination);
  }

  private static Entry at(List<Entry> entries, String path) {
    return entries.stream().filter(e -> e.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(path + " not in " + entries));
  }

  private Path fifo(String name) throws Exception {
    Path fifo = dir.resolve(name);
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    return fifo;
  }

  /** Runs {@code sh -c script} in {@code in}; the script makes names from octal escapes with printf. */
  private static void sh(Path in, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(in.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  // --- Hard links: one file on disk is one file in the layer ---

  @Test
  void hardLinkedFilesBecomeOneFileAndHardLinksToTheFirstInPathOrder() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createDirectories(tree.resolve("a"));
    Files.createDirectories(tree.resolve("b/c"));
    // Made in an order that is not the path order, so that neither creation nor listing order decides.
    Path pairSecond = Files.writeString(tree.resolve("z-pair"), "pair");
    Files.createLink(tree.resolve("m-pair"), pairSecond);
    Path trio = Files.writeString(tree.resolve("b/c/trio"), "trio");
    Files.createLink(tree.resolve("b/trio"), trio);
    Files.createLink(tree.resolve("a/trio"), trio);
    Files.writeString(tree.resolve("alone"), "alone");
    Files.writeString(tree.resolve("same-content"), "pair");
    List<Entry> entries = copy(tree, "/t");
    assertThat(at(entries, "/t/m-pair")).isInstanceOf(FileEntry.class);
    assertThat(at(entries, "/t/z-pair")).isEqualTo(new HardlinkEntry("/t/z-pair", "/t/m-pair", 0644, 0, 0, Instant.EPOCH));
    assertThat(at(entries, "/t/a/trio")).isInstanceOf(FileEntry.class);
    assertThat(at(entries, "/t/b/trio")).isEqualTo(new HardlinkEntry("/t/b/trio", "/t/a/trio", 0644, 0, 0, Instant.EPOCH));
    assertThat(at(entries, "/t/b/c/trio")).isEqualTo(new HardlinkEntry("/t/b/c/trio", "/t/a/trio", 0644, 0, 0, Instant.EPOCH));
    // Equal content is not a link: only the inode counts.
    assertThat(at(entries, "/t/alone")).isInstanceOf(FileEntry.class);
    assertThat(at(entries, "/t/same-content")).isInstanceOf(FileEntry.class);
    assertThat(entries).filteredOn(HardlinkEntry.class::isInstance).hasSize(3);

    // The layer writes the file before its links, and the content once.
    Layer layer = Layer.builder().addPath(tree, "/t").build();
    assertThat(layer.entries()).filteredOn(FileEntry.class::isInstance).hasSize(4);
  }

  @Test
  void anExecutableHardLinkKeepsTheFilesMode() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path tool = Files.writeString(tree.resolve("tool"), "#!/bin/sh\n");
    tool.toFile().setExecutable(true, false);
    Files.createLink(tree.resolve("alias"), tool);
    List<Entry> entries = copy(tree, "/bin");
    // "alias" comes first in path order, so it is the file.
    assertThat(at(entries, "/bin/tool")).isEqualTo(new HardlinkEntry("/bin/tool", "/bin/alias", 0755, 0, 0, Instant.EPOCH));
    assertThat(at(entries, "/bin/alias")).isInstanceOf(FileEntry.class);
    assertThat(at(entries, "/bin/alias").mode()).isEqualTo(0755);
  }

  @Test
  void hardLinksReachedThroughFollowedLinksAreLinkedToo() throws Exception {
    // As GNU tar --dereference: what two paths reach is one inode, so one file.
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path file = Files.writeString(dir.resolve("outside"), "x");
    Files.createSymbolicLink(tree.resolve("one"), file);
    Files.createSymbolicLink(tree.resolve("two"), file);
    List<Entry> entries = copy(tree, "/t", CopyOption.FOLLOW_LINKS);
    assertThat(at(entries, "/t/one")).isInstanceOf(FileEntry.class);
    assertThat(at(entries, "/t/two")).isEqualTo(new HardlinkEntry("/t/two", "/t/one", 0644, 0, 0, Instant.EPOCH));
  }

  @Test
  void aFileWhoseOtherLinkIsOutsideTheTreeIsAPlainFile() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path file = Files.writeString(tree.resolve("inside"), "x");
    Files.createLink(dir.resolve("outside"), file);
    assertThat(at(copy(tree, "/t"), "/t/inside")).isInstanceOf(FileEntry.class);
  }

  // --- FOLLOW_LINKS: the type archived is the type of what the link points at ---

  @Test
  void aFollowedLinkToAFifoIsAFifoNotADevice() throws Exception {
    Path fifo = fifo("pipe");
    Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);
    List<Entry> entries = copy(link, "/p", CopyOption.FOLLOW_LINKS, CopyOption.INCLUDE_SPECIAL_FILES);
    assertThat(entries).singleElement().isInstanceOfSatisfying(SpecialFileEntry.class, s -> {
      assertThat(s.kind()).isEqualTo(SpecialFileEntry.Kind.FIFO);
      assertThat(List.of(s.major(), s.minor())).containsExactly(0, 0);
    });
  }

  @Test
  void aFollowedLinkToAFifoIsRefusedByNameWithoutIncludeSpecialFiles() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link"), fifo("pipe"));
    assertThatThrownBy(() -> copy(link, "/p", CopyOption.FOLLOW_LINKS))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining(link.toString())
        .hasMessageContaining("a named pipe")
        .hasMessageContaining("INCLUDE_SPECIAL_FILES");
  }

  @Test
  void aFollowedLinkToDevNullIsCharacterDevice1And3() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("null"), Path.of("/dev/null"));
    List<Entry> entries = copy(tree, "/t", CopyOption.FOLLOW_LINKS, CopyOption.INCLUDE_SPECIAL_FILES);
    assertThat(at(entries, "/t/null")).isInstanceOfSatisfying(SpecialFileEntry.class, s -> {
      assertThat(s.kind()).isEqualTo(SpecialFileEntry.Kind.CHARACTER_DEVICE);
      assertThat(List.of(s.major(), s.minor())).containsExactly(1, 3);
      assertThat(s.mode()).isEqualTo(0666);
    });
    assertThatThrownBy(() -> copy(tree, "/t", CopyOption.FOLLOW_LINKS))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining(tree.resolve("null").toString())
        .hasMessageContaining("a character device");
  }

  @Test
  void aFollowedLinkToASocketIsRefusedWithOrWithoutIncludeSpecialFiles() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Path tree = Files.createDirectories(dir.resolve("tree"));
      Path link = Files.createSymbolicLink(tree.resolve("sock"), socket);
      for (CopyOption[] options : List.of(
          new CopyOption[] {CopyOption.FOLLOW_LINKS},
          new CopyOption[] {CopyOption.FOLLOW_LINKS, CopyOption.INCLUDE_SPECIAL_FILES})) {
        assertThatThrownBy(() -> copy(tree, "/t", options))
            .isInstanceOf(InvalidEntryException.class)
            .hasMessageContaining(link.toString())
            .hasMessageContaining("a socket, which a layer cannot hold");
        assertThatThrownBy(() -> copy(link, "/s", options))
            .isInstanceOf(InvalidEntryException.class)
            .hasMessageContaining("a socket");
      }
      // Not following, the link is only a link.
      assertThat(at(copy(tree, "/t"), "/t/sock")).isEqualTo(Entry.symlink("/t/sock", socket.toString()).withOwner(0, 0)
          .withMtime(Instant.EPOCH));
    }
  }

  @Test
  void aFollowedLinkToADirectoryIsWalked() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real/sub"));
    Files.writeString(real.resolve("f"), "x");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("d"), dir.resolve("real"));
    List<Entry> entries = copy(tree, "/t", CopyOption.FOLLOW_LINKS);
    assertThat(at(entries, "/t/d")).isInstanceOf(DirectoryEntry.class);
    assertThat(at(entries, "/t/d/sub")).isInstanceOf(DirectoryEntry.class);
    assertThat(at(entries, "/t/d/sub/f")).isInstanceOf(FileEntry.class);
    assertThat(at(copy(tree, "/t"), "/t/d")).isInstanceOf(SymlinkEntry.class);
  }

  @Test
  void aFollowedLinkToAFileIsTheFilesContentAndMode() throws Exception {
    Path real = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
    assertThat(real.toFile().setExecutable(true)).isTrue();
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("run"), real);
    FileEntry file = (FileEntry) at(copy(tree, "/t", CopyOption.FOLLOW_LINKS), "/t/run");
    assertThat(file.source().readAllBytes()).isEqualTo("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    assertThat(file.mode()).isEqualTo(0755);
  }

  @Test
  void aDanglingLinkIsRefusedByNameUnderFollowLinksAndKeptAsALinkOtherwise() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path link = Files.createSymbolicLink(tree.resolve("gone"), Path.of("no-such-target"));
    for (Path source : List.of(tree, link)) {
      for (CopyOption[] options : List.of(
          new CopyOption[] {CopyOption.FOLLOW_LINKS},
          new CopyOption[] {CopyOption.FOLLOW_LINKS, CopyOption.INCLUDE_SPECIAL_FILES})) {
        assertThatThrownBy(() -> copy(source, "/t", options))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining(link.toString())
            .hasMessageContaining("no-such-target, which does not exist")
            .hasMessageContaining("FOLLOW_LINKS")
            .hasCauseInstanceOf(NoSuchFileException.class);
      }
    }
    assertThat(at(copy(tree, "/t"), "/t/gone")).isInstanceOfSatisfying(SymlinkEntry.class,
        s -> assertThat(s.target()).isEqualTo("no-such-target"));
  }

  @Test
  void specialFilesReadTheirTypeAndPermissionsFromOneStatWithoutFollowing() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path pipe = tree.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", "-m", "0640", pipe.toString()).start().waitFor()).isZero();
    Files.createSymbolicLink(tree.resolve("null"), Path.of("/dev/null"));
    List<Entry> entries = copy(tree, "/t", CopyOption.INCLUDE_SPECIAL_FILES);
    assertThat(at(entries, "/t/pipe")).isInstanceOfSatisfying(SpecialFileEntry.class, s -> {
      assertThat(s.kind()).isEqualTo(SpecialFileEntry.Kind.FIFO);
      assertThat(s.mode()).isEqualTo(0640);
    });
    assertThat(at(entries, "/t/null")).isInstanceOf(SymlinkEntry.class);
  }

  // --- names that are not UTF-8 ---

  @Test
  void aNameThatIsNotUtf8IsRefusedWithItsBytesEscapedAndItsDirectory() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    sh(tree, "touch \"$(printf 'caf\\351.txt')\" ok.txt");
    assertThatThrownBy(() -> copy(tree, "/t"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("caf\\xe9.txt")
        .hasMessageContaining("in " + tree)
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining("REPLACE_INVALID_NAMES");
    // Through the layer builder, which keeps what it had.
    Layer.Builder builder = Layer.builder().addFile("/kept", io.github.scratch4j.Source.of(new byte[0]));
    assertThatThrownBy(() -> builder.addPath(tree, "/t")).isInstanceOf(InvalidEntryException.class);
    assertThat(builder.build().entries()).extracting(Entry::path).containsExactly("/kept");
  }

  @Test
  void anInvalidNameIsStoredWithReplacementCharactersWhenAsked() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    sh(tree, "printf hello > \"$(printf 'caf\\351.txt')\"");
    List<Entry> entries = copy(tree, "/t", CopyOption.REPLACE_INVALID_NAMES);
    FileEntry file = (FileEntry) at(entries, "/t/caf\uFFFD.txt");
    // The content is read through the name's real bytes.
    assertThat(file.source().readAllBytes()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void twoInvalidNamesThatBecomeOneAreRefusedAsDuplicatesNamingBoth() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    sh(tree, "touch \"$(printf 'caf\\351.txt')\" \"$(printf 'caf\\350.txt')\"");
    assertThatThrownBy(() -> copy(tree, "/t", CopyOption.REPLACE_INVALID_NAMES))
        .isInstanceOf(DuplicateEntryException.class)
        .hasMessageContaining("/t/caf\uFFFD.txt")
        .hasMessageContaining("caf\\xe9.txt in " + tree)
        .hasMessageContaining("caf\\xe8.txt in " + tree);
  }

  @Test
  void anInvalidNameThatBecomesAnExistingNameIsRefusedAsADuplicate() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("caf\uFFFD.txt"), "real");
    sh(tree, "touch \"$(printf 'caf\\351.txt')\"");
    assertThatThrownBy(() -> copy(tree, "/t", CopyOption.REPLACE_INVALID_NAMES))
        .isInstanceOf(DuplicateEntryException.class)
        .hasMessageContaining("caf\\xe9.txt")
        .hasMessageContaining("a file whose name is caf\uFFFD.txt itself");
  }

  @Test
  void anInvalidDirectoryNameIsRefusedAndItsContentPlacedUnderTheReplacementWhenAsked() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    sh(tree, "d=\"$(printf 'd\\377')\" && mkdir \"$d\" && printf x > \"$d/f\"");
    assertThatThrownBy(() -> copy(tree, "/t"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("d\\xff");
    List<Entry> entries = copy(tree, "/t", CopyOption.REPLACE_INVALID_NAMES);
    assertThat(at(entries, "/t/d\uFFFD")).isInstanceOf(DirectoryEntry.class);
    assertThat(((FileEntry) at(entries, "/t/d\uFFFD/f")).source().readAllBytes()).containsExactly('x');
  }

  @Test
  void aLinkTargetThatIsNotUtf8IsRefusedOrReplaced() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    sh(tree, "ln -s \"$(printf '../caf\\351')\" rel && ln -s \"$(printf '/opt/caf\\351')\" abs");
    assertThatThrownBy(() -> copy(tree.resolve("rel"), "/rel"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining(tree.resolve("rel").toString())
        .hasMessageContaining("../caf\\xe9");
    assertThat(copy(tree.resolve("rel"), "/rel", CopyOption.REPLACE_INVALID_NAMES)).singleElement()
        .isInstanceOfSatisfying(SymlinkEntry.class, s -> assertThat(s.target()).isEqualTo("../caf\uFFFD"));
    assertThat(copy(tree.resolve("abs"), "/abs", CopyOption.REPLACE_INVALID_NAMES)).singleElement()
        .isInstanceOfSatisfying(SymlinkEntry.class, s -> assertThat(s.target()).isEqualTo("/opt/caf\uFFFD"));
  }

  @Test
  void validUtf8NamesAndTargetsAreKeptAsTheyAre() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree/ünï"));
    Files.writeString(tree.resolve("café.txt"), "c");
    Files.writeString(tree.resolve("日本 \uD83D\uDE00.txt"), "j");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("café.txt"));
    List<Entry> entries = copy(dir.resolve("tree"), "/t");
    assertThat(entries).extracting(Entry::path).containsExactlyInAnyOrder(
        "/t", "/t/ünï", "/t/ünï/café.txt", "/t/ünï/日本 \uD83D\uDE00.txt", "/t/ünï/link");
    assertThat(((SymlinkEntry) at(entries, "/t/ünï/link")).target()).isEqualTo("café.txt");
  }

  @Test
  void escapingShowsValidUtf8AsItReadsAndEveryOtherByteAsHex() {
    byte[] raw = {'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xe9, '\\', 0x01, (byte) 0xf0, (byte) 0x9f, (byte) 0x98};
    assertThat(FileNames.escape(raw)).isEqualTo("aé\\xe9\\\\\\x01\\xf0\\x9f\\x98");
  }

  /**
   * Under the POSIX locale (LANG and LC_ALL unset, or C) the JDK reads {@code café.txt} as
   * {@code caf\uFFFD\uFFFD.txt}; the copier reads the name's bytes instead. The locale is fixed
   * when a JVM starts, so this runs the copier in a child JVM with {@code LC_ALL=C}.
   */
  @Test
  void validUtf8NamesAreReadCorrectlyUnderThePosixLocale() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree/ünï"));
    Files.writeString(tree.resolve("café.txt"), "content of café");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("café.txt"));
    sh(tree, "touch \"$(printf 'bad\\351')\"");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        PosixLocaleChild.class.getName(), dir.resolve("tree").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
    builder.environment().put("LC_ALL", "C");
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    List<String> lines = output.lines().map(TreeCopierTest::unhex).toList();
    assertThat(lines.get(0)).as("the child's file name encoding").isNotEqualTo("UTF-8");
    assertThat(lines.subList(1, lines.size())).contains(
        "/t/ünï", "/t/ünï/café.txt = content of café", "/t/ünï/link -> café.txt",
        "refused: cannot add the file named bad\\xe9 in " + tree);
  }

  private static String unhex(String line) {
    return new String(HexFormat.of().parseHex(line), StandardCharsets.UTF_8);
  }

  /** The child of {@link #validUtf8NamesAreReadCorrectlyUnderThePosixLocale}: prints hex, which no locale mangles. */
  static final class PosixLocaleChild {
    public static void main(String[] args) throws IOException {
      Path tree = Path.of(args[0]);
      print(System.getProperty("sun.jnu.encoding"));
      for (Entry e : copy(tree, "/t", CopyOption.REPLACE_INVALID_NAMES)) {
        if (e instanceof FileEntry f && !e.path().contains("bad")) {
          print(e.path() + " = " + new String(f.source().readAllBytes(), StandardCharsets.UTF_8));
        } else if (e instanceof SymlinkEntry s) {
          print(e.path() + " -> " + s.target());
        } else {
          print(e.path());
        }
      }
      try {
        copy(tree, "/t");
        print("not refused");
      } catch (InvalidEntryException e) {
        print("refused: " + e.getMessage().substring(0, e.getMessage().indexOf(':')));
      }
    }

    private static void print(String s) {
      System.out.println(HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
