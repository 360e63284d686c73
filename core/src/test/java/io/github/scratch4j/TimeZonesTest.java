package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Image#timeZones}: which files go where, links, and the names refused. */
class TimeZonesTest {
  private static final String ZI = "/usr/share/zoneinfo";

  @TempDir Path dir;
  Path zoneinfo;

  /** A file that starts as a TZif file does, with content of its own. */
  private static byte[] tzif(String zone) {
    return ("TZif2\0\0\0" + zone).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A zoneinfo tree shaped like Debian's: zones in region directories, links between them (one
   * absolute, into the tree), a posix/ directory of links to directories, text tables, and links
   * that must not be followed: out of the tree, up out of it, dangling, and a loop.
   */
  private static void makeTree(Path zi) throws IOException {
    Files.createDirectories(zi.resolve("Asia"));
    Files.createDirectories(zi.resolve("Etc"));
    Files.createDirectories(zi.resolve("America/Argentina"));
    Files.createDirectories(zi.resolve("posix"));
    Files.write(zi.resolve("Asia/Tokyo"), tzif("Asia/Tokyo"));
    Files.write(zi.resolve("Asia/Seoul"), tzif("Asia/Seoul"));
    Files.write(zi.resolve("Etc/UTC"), tzif("Etc/UTC"));
    Files.write(zi.resolve("America/Argentina/Cordoba"), tzif("America/Argentina/Cordoba"));
    Files.write(zi.resolve("America/New_York"), tzif("America/New_York"));
    Files.writeString(zi.resolve("zone.tab"), "# tz zone descriptions\nJP\t+353916+1394441\tAsia/Tokyo\n");
    Files.writeString(zi.resolve("tzdata.zi"), "# version 2025b\n");
    Files.createSymbolicLink(zi.resolve("UTC"), Path.of("Etc/UTC"));
    Files.createSymbolicLink(zi.resolve("Japan"), zi.resolve("Asia/Tokyo").toAbsolutePath());
    Files.createSymbolicLink(zi.resolve("America/Cordoba"), Path.of("Argentina/Cordoba"));
    Files.createSymbolicLink(zi.resolve("posix/Asia"), Path.of("../Asia"));
    Files.createSymbolicLink(zi.resolve("posix/Etc"), Path.of("../Etc"));
    Files.createSymbolicLink(zi.resolve("posixrules"), Path.of("America/New_York"));
    Files.createSymbolicLink(zi.resolve("localtime"), Path.of("/etc/scratch4j-test/localtime"));
    Files.createSymbolicLink(zi.resolve("Escape"), Path.of("../outside"));
    Files.writeString(zi.getParent().resolve("outside"), "TZif outside the tree");
    Files.createSymbolicLink(zi.resolve("Dangling"), Path.of("Asia/Atlantis"));
    Files.createSymbolicLink(zi.resolve("LoopA"), Path.of("LoopB"));
    Files.createSymbolicLink(zi.resolve("LoopB"), Path.of("LoopA"));
  }

  @BeforeEach
  void tree() throws IOException {
    zoneinfo = dir.resolve("zoneinfo");
    makeTree(zoneinfo);
  }

  private static byte[] content(Image image, String path) throws IOException {
    Entry e = image.fileSystem().get(path);
    assertThat(e).as(path).isInstanceOf(FileEntry.class);
    return ((FileEntry) e).source().readAllBytes();
  }

  private byte[] archive(Image image) throws IOException {
    Path out = dir.resolve("image-" + System.nanoTime() + ".tar");
    image.withoutDependencyCheck().writeTo(out);
    return Files.readAllBytes(out);
  }

  /** The entries of the image's last layer as written, by tar name. */
  private Map<String, TarFiles.Item> topLayer(Image image) throws IOException {
    Path out = dir.resolve("layers-" + System.nanoTime() + ".tar");
    Manifest m = image.withoutDependencyCheck().writeTo(out);
    String blob = "blobs/sha256/" + m.layers().get(m.layers().size() - 1).digest().hex();
    return TarFiles.read(TarFiles.read(out).get(blob).content());
  }

  /** Where a link in the image leads, lexically from its directory, or null when above the root. */
  private static String leadsTo(SymlinkEntry link) {
    Path resolved = Path.of(link.path()).getParent().resolve(link.target()).normalize();
    return resolved.toString();
  }

  @Test
  void aNamedZoneIsARegularFileAtItsPath() throws Exception {
    Image image = Image.fromScratch().timeZones(zoneinfo, "Asia/Tokyo");

    assertThat(content(image, ZI + "/Asia/Tokyo")).isEqualTo(tzif("Asia/Tokyo"));
    assertThat(image.fileSystem().keySet()).containsExactly("/usr", "/usr/share", ZI, ZI + "/Asia", ZI + "/Asia/Tokyo");
    Map<String, TarFiles.Item> layer = topLayer(image);
    TarFiles.Item tokyo = layer.get("usr/share/zoneinfo/Asia/Tokyo");
    assertThat(tokyo.header().getMode() & 07777).isEqualTo(0644);
    assertThat(tokyo.header().getLongUserId()).isZero();
    assertThat(layer.get("usr/share/zoneinfo/Asia/").header().getMode() & 07777).isEqualTo(0755);
  }

  @Test
  void aNamedZoneThatIsALinkOnTheHostGoesInAsAFileWithTheZonesContent() throws Exception {
    Image image = Image.fromScratch().timeZones(zoneinfo, "UTC", "Japan", "America/Cordoba", "posix/Asia/Seoul");

    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.values()).noneMatch(e -> e instanceof SymlinkEntry);
    assertThat(content(image, ZI + "/UTC")).isEqualTo(tzif("Etc/UTC"));
    assertThat(content(image, ZI + "/Japan")).isEqualTo(tzif("Asia/Tokyo"));
    assertThat(content(image, ZI + "/America/Cordoba")).isEqualTo(tzif("America/Argentina/Cordoba"));
    assertThat(content(image, ZI + "/posix/Asia/Seoul")).isEqualTo(tzif("Asia/Seoul"));
    assertThat(fs).doesNotContainKeys(ZI + "/Etc/UTC", ZI + "/Asia/Tokyo");
  }

  @Test
  void theWholeDirectoryKeepsLinksInsideItAsRelativeLinksAndLeavesOutTheOthers() throws Exception {
    Image image = Image.fromScratch().timeZones(zoneinfo);

    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.get(ZI + "/UTC")).isEqualTo(Entry.symlink(ZI + "/UTC", "Etc/UTC"));
    // The absolute link into the tree is made relative, so it leads to the image's own zone.
    assertThat(fs.get(ZI + "/Japan")).isEqualTo(Entry.symlink(ZI + "/Japan", "Asia/Tokyo"));
    assertThat(fs.get(ZI + "/posix/Asia")).isEqualTo(Entry.symlink(ZI + "/posix/Asia", "../Asia"));
    assertThat(fs.get(ZI + "/America/Cordoba")).isEqualTo(Entry.symlink(ZI + "/America/Cordoba", "Argentina/Cordoba"));
    assertThat(fs.get(ZI + "/posixrules")).isEqualTo(Entry.symlink(ZI + "/posixrules", "America/New_York"));
    assertThat(fs).doesNotContainKeys(ZI + "/localtime", ZI + "/Escape", ZI + "/Dangling", ZI + "/LoopA", ZI + "/LoopB");
    assertThat(content(image, ZI + "/Asia/Tokyo")).isEqualTo(tzif("Asia/Tokyo"));
    assertThat(content(image, ZI + "/zone.tab")).isEqualTo(Files.readAllBytes(zoneinfo.resolve("zone.tab")));
    assertThat(content(image, ZI + "/tzdata.zi")).startsWith("# version".getBytes(StandardCharsets.UTF_8));
    for (Entry e : fs.values()) {
      if (e instanceof SymlinkEntry link) {
        assertThat(leadsTo(link)).as(link.toString()).startsWith(ZI + "/");
        assertThat(fs).as(link.toString()).containsKey(leadsTo(link));
      }
    }
  }

  @Test
  void theWholeDirectoryOfThisHostGoesInWithoutALinkLeadingOut() throws Exception {
    Path host = Path.of(ZI);
    assertThat(host).as("tzdata is installed (.ci/run installs it)").isDirectory();

    Image image = Image.fromScratch().timeZones();

    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(content(image, ZI + "/Asia/Tokyo")).isEqualTo(Files.readAllBytes(host.resolve("Asia/Tokyo")));
    assertThat(fs).doesNotContainKey(ZI + "/localtime");
    long links = 0;
    for (Entry e : fs.values()) {
      if (e instanceof SymlinkEntry link) {
        links++;
        assertThat(link.target()).as(link.toString()).doesNotStartWith("/");
        assertThat(leadsTo(link)).as(link.toString()).startsWith(ZI + "/");
        assertThat(fs).as(link.toString()).containsKey(leadsTo(link));
      } else if (e instanceof FileEntry f && !e.path().endsWith(".tab") && !e.path().contains(".")
          && !e.path().endsWith("/leapseconds")) {
        assertThat(new String(f.source().readAllBytes(), 0, 4, StandardCharsets.ISO_8859_1)).as(e.path()).isEqualTo("TZif");
      }
    }
    try (Stream<Path> hostLinks = Files.walk(host).filter(Files::isSymbolicLink)) {
      // Every host link but those leading out of the tree (Debian: localtime) is kept.
      long kept = hostLinks.filter(p -> !p.getFileName().toString().equals("localtime")).count();
      assertThat(links).isEqualTo(kept);
    }
  }

  @Test
  void theSameTreeWithOtherTimestampsGivesAByteIdenticalArchive() throws Exception {
    Path other = dir.resolve("other/zoneinfo");
    makeTree(other);
    try (Stream<Path> files = Files.walk(other)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
      }
    }

    assertThat(archive(Image.fromScratch().timeZones(other))).isEqualTo(archive(Image.fromScratch().timeZones(zoneinfo)));
    assertThat(archive(Image.fromScratch().timeZones(other, "Japan", "UTC")))
        .isEqualTo(archive(Image.fromScratch().timeZones(zoneinfo, "UTC", "Japan", "UTC")));
  }

  @Test
  void theWholeDirectoryReplacesWhatAnEarlierCallPutInTheSameLayer() throws Exception {
    // posix/Asia is a file's directory after the first call and a link in the second.
    Image image = Image.fromScratch().timeZones(zoneinfo, "posix/Asia/Tokyo", "UTC").timeZones(zoneinfo);

    assertThat(image.layers()).hasSize(1);
    SortedMap<String, Entry> fs = image.fileSystem();
    assertThat(fs.get(ZI + "/posix/Asia")).isInstanceOf(SymlinkEntry.class);
    assertThat(fs.get(ZI + "/UTC")).isInstanceOf(SymlinkEntry.class);
    assertThat(fs).doesNotContainKey(ZI + "/posix/Asia/Tokyo");
    assertThat(archive(image)).isEqualTo(archive(Image.fromScratch().timeZones(zoneinfo)));
  }

  @Test
  void anUnknownZoneNamesTheDirectoryAndCloseNames() throws IOException {
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "Asia/Tokio"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("time zone Asia/Tokio in " + zoneinfo.toRealPath() + " is not there")
        .hasMessageContaining("did you mean Asia/Tokyo?");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "tokyo"))
        .hasMessageContaining("did you mean Asia/Tokyo?");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "America/New York"))
        .hasMessageContaining("did you mean America/New_York?");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "Mars/Olympus_Mons"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Mars/Olympus_Mons")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "Asia/Tokyo/Shinjuku"))
        .hasMessageContaining("Asia/Tokyo is a file, not a directory");
  }

  @Test
  void namesThatAreAbsoluteOrClimbOutAreRefused() {
    for (String bad : new String[] {"../outside", "Asia/../../outside", "/etc/passwd", "Asia/./Tokyo", "Asia//Tokyo",
        "", "Asia/"}) {
      assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, bad))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void aNamedLinkThatLeadsOutOfTheDirectoryOrLoopsIsRefused() throws IOException {
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "Escape"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("time zone Escape in " + zoneinfo.toRealPath() + " leads out of the directory")
        .hasMessageContaining("Escape -> ../outside");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "localtime"))
        .hasMessageContaining("leads out of the directory").hasMessageContaining("localtime -> /etc/scratch4j-test/localtime");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "LoopA"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("more than 40 links, so they loop: LoopA -> LoopB, LoopB -> LoopA");
  }

  @Test
  void aZoneFileThatIsNotTzifIsNamed() throws Exception {
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "zone.tab"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("time zone zone.tab (" + zoneinfo.toRealPath().resolve("zone.tab") + ") is not TZif")
        .hasMessageContaining("starts with \"# tz\"");
    Files.writeString(zoneinfo.resolve("Asia/Bogus"), "");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("time zone Asia/Bogus")
        .hasMessageContaining("is not TZif time zone data: it starts with nothing (it is empty)");
  }

  @Test
  void aDirectoryOfZonesIsNotAZone() {
    assertThatThrownBy(() -> Image.fromScratch().timeZones(zoneinfo, "Asia"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Asia' is a directory of zones")
        .hasMessageContaining("such as Asia/Seoul");
  }

  @Test
  void aMissingDirectoryIsAnUncheckedIoException() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> Image.fromScratch().timeZones(missing, "UTC"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing + " does not exist");
  }

  @Test
  void onABaseWhoseZoneinfoIsALinkTheZonesGoWhereItLeads() throws Exception {
    Image base = Image.fromScratch().add(Layer.builder()
        .addDirectory("/usr/share/tz")
        .addSymlink(ZI, "tz")
        .build());

    Image image = base.timeZones(zoneinfo, "Asia/Tokyo");

    assertThat(content(image, "/usr/share/tz/Asia/Tokyo")).isEqualTo(tzif("Asia/Tokyo"));
    assertThat(image.fileSystem().get(ZI)).isInstanceOf(SymlinkEntry.class);
  }
}
