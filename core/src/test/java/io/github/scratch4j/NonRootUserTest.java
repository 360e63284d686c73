package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.internal.plan.Accounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Image#nonRootUser()} writes distroless's user into an image that has no account files,
 * and appends it to the files a base has without changing a byte of theirs.
 */
class NonRootUserTest {
  private static final String NONROOT = "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
  private static final Instant BASE_TIME = Instant.parse("2001-02-03T04:05:06Z");

  @TempDir Path dir;

  private static Source bytes(byte[] b) {
    return Source.of(b);
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A base image read back from an archive holding {@code layer}, as Image.from gives it. */
  private Image base(Layer layer) throws IOException {
    Path base = dir.resolve("base-" + System.nanoTime() + ".tar");
    Image.fromScratch().add(layer).withoutDependencyCheck().writeTo(base);
    return Image.from(base).withoutDependencyCheck();
  }

  /** A base with these account files in /etc. */
  private Image baseWith(String passwd, String group) throws IOException {
    Layer.Builder b = Layer.builder().add(Entry.directory("/etc").withMtime(BASE_TIME));
    if (passwd != null) {
      b.add(Entry.file("/etc/passwd", text(passwd)).withMtime(BASE_TIME));
    }
    if (group != null) {
      b.add(Entry.file("/etc/group", text(group)).withMtime(BASE_TIME));
    }
    return base(b.build());
  }

  /** The written archive of {@code image}. */
  private Path write(Image image) throws IOException {
    Path out = dir.resolve("out-" + System.nanoTime() + ".tar");
    image.withoutDependencyCheck().writeTo(out);
    return out;
  }

  /** The entries of the image's last layer as written, by tar name. */
  private Map<String, TarFiles.Item> topLayer(Image image) throws IOException {
    Path out = write(image);
    Image read = Image.from(out);
    String blob = "blobs/sha256/" + read.layers().get(read.layers().size() - 1).blob().orElseThrow().digest().hex();
    return TarFiles.read(TarFiles.read(out).get(blob).content());
  }

  private static void assertAttributes(TarArchiveEntry e, int mode, long uid, long gid) {
    assertThat(e.getMode() & 07777).as(e.getName() + " mode").isEqualTo(mode);
    assertThat(e.getLongUserId()).as(e.getName() + " uid").isEqualTo(uid);
    assertThat(e.getLongGroupId()).as(e.getName() + " gid").isEqualTo(gid);
  }

  @Test
  void aScratchImageGetsRootAndNonrootFilesAHomeAndTheNumericUser() throws IOException {
    Image image = Image.fromScratch().nonRootUser();
    assertThat(image.config().user()).contains("65532");

    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).containsExactly("etc/", "etc/group", "etc/passwd", "home/", "home/nonroot/");
    assertThat(layer.get("etc/passwd").text()).isEqualTo("root:x:0:0:root:/root:/sbin/nologin\n" + NONROOT);
    assertThat(layer.get("etc/group").text()).isEqualTo("root:x:0:\nnonroot:x:65532:\n");
    assertAttributes(layer.get("etc/passwd").header(), 0644, 0, 0);
    assertAttributes(layer.get("etc/group").header(), 0644, 0, 0);
    assertAttributes(layer.get("etc/").header(), 0755, 0, 0);
    assertAttributes(layer.get("home/").header(), 0755, 0, 0);
    assertAttributes(layer.get("home/nonroot/").header(), 0700, 65532, 65532);
    assertThat(layer.get("home/nonroot/").header().isDirectory()).isTrue();
  }

  @Test
  void theWrittenConfigRunsAsTheUidWhichTheWrittenFilesNameAsRuncResolvesIt() throws Exception {
    Path out = write(Image.fromScratch().nonRootUser("app", 10001));
    Image read = Image.from(out);
    assertThat(read.config().user()).contains("10001");
    Map<String, Entry> fs = read.fileSystem();
    String passwd = new String(((FileEntry) fs.get("/etc/passwd")).source().readAllBytes(), StandardCharsets.UTF_8);
    String group = new String(((FileEntry) fs.get("/etc/group")).source().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(passwd).endsWith("app:x:10001:10001:app:/home/app:/sbin/nologin\n");
    assertThat(Accounts.resolve(read.config().user().orElseThrow(), Optional.of(passwd), Optional.of(group)))
        .isEqualTo(new Accounts.Ids(10001, 10001, List.of(), Optional.of("app")));
    assertThat(Accounts.resolve("root", Optional.of(passwd), Optional.of(group)).uid()).isZero();
    assertThat(fs.get("/home/app")).isEqualTo(new DirectoryEntry("/home/app", 0700, 10001, 10001,
        Entry.directory("/x").mtime()));
  }

  @Test
  void aBasesFilesAreKeptByteForByteAndOnlyTheMissingLinesAppended() throws IOException {
    // Comments, a blank line, a byte that is not UTF-8 and no newline at the end: all kept.
    ByteArrayOutputStream passwd = new ByteArrayOutputStream();
    passwd.writeBytes("# base users\nroot:x:0:0:root:/root:/bin/sh\n\ndaemon:x:1:1::/:/bin/false\n"
        .getBytes(StandardCharsets.UTF_8));
    passwd.writeBytes(new byte[] {'j', (byte) 0xe9, 'r', 'o', 'm', 'e'});
    passwd.writeBytes(":x:1000:1000:J\u00e9r\u00f4me:/home/j:/bin/sh".getBytes(StandardCharsets.UTF_8));
    byte[] passwdBytes = passwd.toByteArray();
    String group = "root:x:0:\nstaff:x:50:jerome\n";
    Image base = base(Layer.builder()
        .add(Entry.directory("/etc").withMtime(BASE_TIME))
        .add(Entry.file("/etc/passwd", bytes(passwdBytes)).withMtime(BASE_TIME))
        .add(Entry.file("/etc/group", text(group)).withMode(0664).withOwner(0, 42).withMtime(BASE_TIME))
        .build());

    Image image = base.nonRootUser();
    assertThat(image.layers()).hasSize(2);
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).containsExactly("etc/", "etc/group", "etc/passwd", "home/", "home/nonroot/");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(passwdBytes);
    expected.writeBytes(("\n" + NONROOT).getBytes(StandardCharsets.UTF_8));
    assertThat(layer.get("etc/passwd").content()).isEqualTo(expected.toByteArray());
    assertThat(layer.get("etc/group").text()).isEqualTo(group + "nonroot:x:65532:\n");
    // The files keep their mode and owner; /etc keeps the base's time.
    assertAttributes(layer.get("etc/group").header(), 0664, 0, 42);
    assertAttributes(layer.get("etc/passwd").header(), 0644, 0, 0);
    assertThat(layer.get("etc/").header().getModTime().toInstant()).isEqualTo(BASE_TIME);
  }

  @Test
  void aBaseWithPasswdButNoGroupGetsANewGroupFileWithRoot() throws IOException {
    String passwd = "root:x:0:0:root:/root:/bin/sh\n";
    Map<String, TarFiles.Item> layer = topLayer(baseWith(passwd, null).nonRootUser());
    assertThat(layer.get("etc/passwd").text()).isEqualTo(passwd + NONROOT);
    assertThat(layer.get("etc/group").text()).isEqualTo("root:x:0:\nnonroot:x:65532:\n");
  }

  @Test
  void accountFilesThatAreLinksAreWrittenWhereTheLinksLeadAndTheLinksStay() throws IOException {
    String passwd = "root:x:0:0:root:/root:/bin/sh\n";
    String group = "root:x:0:\n";
    Image base = base(Layer.builder()
        .add(Entry.directory("/etc"))
        .add(Entry.directory("/usr"))
        .add(Entry.directory("/usr/share"))
        .add(Entry.directory("/usr/share/base"))
        .add(Entry.file("/usr/share/base/passwd", text(passwd)))
        .add(Entry.file("/usr/share/base/group", text(group)))
        .add(Entry.symlink("/etc/passwd", "../usr/share/base/passwd"))
        .add(Entry.symlink("/etc/group", "/usr/share/base/group"))
        .build());

    Image image = base.nonRootUser();
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.keySet()).containsExactly("home/", "home/nonroot/", "usr/", "usr/share/", "usr/share/base/",
        "usr/share/base/group", "usr/share/base/passwd");
    assertThat(layer.get("usr/share/base/passwd").text()).isEqualTo(passwd + NONROOT);
    assertThat(layer.get("usr/share/base/group").text()).isEqualTo(group + "nonroot:x:65532:\n");
    assertThat(image.fileSystem().get("/etc/passwd")).isEqualTo(Entry.symlink("/etc/passwd", "../usr/share/base/passwd"));
  }

  @Test
  void aBaseThatHasTheUserGetsNoSecondLineAndNoNewLayer() throws IOException {
    Image base = baseWith("root:x:0:0::/:/bin/sh\n" + NONROOT, "root:x:0:\nnonroot:x:65532:\n");
    Image image = base.nonRootUser();
    assertThat(image.layers()).isEqualTo(base.layers());
    assertThat(image.config().user()).contains("65532");
  }

  @Test
  void aBaseThatHasTheUserButNotItsGroupGetsOnlyTheGroupAndNoHome() throws IOException {
    // The base made the user; its home is the base's business.
    Image base = baseWith("root:x:0:0::/:/bin/sh\n" + NONROOT, "root:x:0:\n");
    Map<String, TarFiles.Item> layer = topLayer(base.nonRootUser());
    assertThat(layer.keySet()).containsExactly("etc/", "etc/group");
    assertThat(layer.get("etc/group").text()).isEqualTo("root:x:0:\nnonroot:x:65532:\n");
  }

  @Test
  void aNameTakenByAnotherUidIsRefusedNamingTheFileAndTheLine() throws IOException {
    Image base = baseWith("root:x:0:0::/:/bin/sh\nnonroot:x:1000:1000::/home/nonroot:/bin/sh\n", null);
    assertThatThrownBy(base::nonRootUser)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the name nonroot is already uid 1000 with gid 1000")
        .hasMessageContaining("/etc/passwd, line 2: 'nonroot:x:1000:1000::/home/nonroot:/bin/sh'")
        .hasMessageContaining("nothing was added");
  }

  @Test
  void theUidTakenByAnotherNameIsRefused() throws IOException {
    Image base = baseWith("root:x:0:0::/:/bin/sh\n# apps\napp:x:65532:65532::/:/bin/sh\n", null);
    assertThatThrownBy(base::nonRootUser)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the uid 65532 is already app's")
        .hasMessageContaining("/etc/passwd, line 3: 'app:x:65532:65532::/:/bin/sh'");
  }

  @Test
  void theUserWithAnotherPrimaryGroupIsRefused() throws IOException {
    Image base = baseWith("nonroot:x:65532:100::/:/bin/sh\n", null);
    assertThatThrownBy(base::nonRootUser)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the name nonroot is already uid 65532 with gid 100")
        .hasMessageContaining("line 1");
  }

  @Test
  void aGroupNameOrGidTakenIsRefusedNamingTheGroupFile() throws IOException {
    assertThatThrownBy(() -> baseWith(null, "root:x:0:\nnonroot:x:999:\n").nonRootUser())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the group nonroot already has the gid 999")
        .hasMessageContaining("/etc/group, line 2: 'nonroot:x:999:'");
    assertThatThrownBy(() -> baseWith(null, "root:x:0:\nnogroup:x:65532:\n").nonRootUser())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the gid 65532 is already the group nogroup's")
        .hasMessageContaining("/etc/group, line 2: 'nogroup:x:65532:'");
  }

  @Test
  void aConflictInALinkedFileNamesWhereTheLinkLeads() throws IOException {
    Image base = base(Layer.builder()
        .add(Entry.directory("/etc"))
        .add(Entry.file("/etc/passwd.real", text("x:x:65532:1::/:/bin/sh\n")))
        .add(Entry.symlink("/etc/passwd", "passwd.real"))
        .build());
    assertThatThrownBy(base::nonRootUser)
        .hasMessageContaining("/etc/passwd (at /etc/passwd.real, where its links lead), line 1");
  }

  @Test
  void aDirectoryAtEtcPasswdIsRefused() throws IOException {
    Image base = base(Layer.builder().add(Entry.directory("/etc/passwd")).build());
    assertThatThrownBy(base::nonRootUser)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/etc/passwd is a directory");
  }

  @Test
  void callingItTwiceChangesNothingMore() throws IOException {
    Image once = Image.fromScratch().nonRootUser();
    assertThat(once.nonRootUser()).isEqualTo(once);
    assertThat(once.nonRootUser().layers()).hasSize(1);

    Image base = baseWith("root:x:0:0::/:/bin/sh\n", "root:x:0:\n");
    Image onBase = base.nonRootUser();
    assertThat(onBase.nonRootUser()).isEqualTo(onBase);
    assertThat(topLayer(onBase.nonRootUser()).get("etc/passwd").text())
        .isEqualTo("root:x:0:0::/:/bin/sh\n" + NONROOT);
  }

  @Test
  void aPasswdAddedEarlierToTheSameLayerIsMergedInPlace() throws IOException {
    Image image = Image.fromScratch()
        .add(Entry.file("/etc/passwd", text("root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n")))
        .nonRootUser();
    assertThat(image.layers()).hasSize(1);
    assertThat(topLayer(image).get("etc/passwd").text())
        .isEqualTo("root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n" + NONROOT);
  }

  @Test
  void anotherNameAndUidGetTheirOwnLinesAndTheLargestUidIsWritten() throws IOException {
    Image image = Image.fromScratch().nonRootUser("_svc-1", Integer.MAX_VALUE);
    assertThat(image.config().user()).contains("2147483647");
    Map<String, TarFiles.Item> layer = topLayer(image);
    assertThat(layer.get("etc/passwd").text()).isEqualTo("root:x:0:0:root:/root:/sbin/nologin\n"
        + "_svc-1:x:2147483647:2147483647:_svc-1:/home/_svc-1:/sbin/nologin\n");
    assertThat(layer.get("etc/group").text()).isEqualTo("root:x:0:\n_svc-1:x:2147483647:\n");
    assertAttributes(layer.get("home/_svc-1/").header(), 0700, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  @Test
  void twoUsersCanLiveInOneImage() throws IOException {
    Image image = Image.fromScratch().nonRootUser().nonRootUser("app", 10001);
    assertThat(image.config().user()).contains("10001");
    assertThat(topLayer(image).get("etc/passwd").text()).isEqualTo("root:x:0:0:root:/root:/sbin/nologin\n"
        + NONROOT + "app:x:10001:10001:app:/home/app:/sbin/nologin\n");
  }

  @Test
  void invalidNamesAndUidsAreRefused() {
    for (String name : new String[] {"", "Nonroot", "1app", "-app", "a b", "a:b", "app$", "a".repeat(33)}) {
      assertThatThrownBy(() -> Image.fromScratch().nonRootUser(name, 1000))
          .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid user name");
    }
    assertThatThrownBy(() -> Image.fromScratch().nonRootUser(null, 1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Image.fromScratch().nonRootUser("app", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 2147483647, not 0");
    assertThatThrownBy(() -> Image.fromScratch().nonRootUser("app", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Image.fromScratch().nonRootUser("a".repeat(32), 1).config().user()).contains("1");
  }

  @Test
  void theOutputIsTheSameBytesEveryTime() throws IOException {
    byte[] first = Files.readAllBytes(write(Image.fromScratch().nonRootUser().tmpDirectory()));
    byte[] second = Files.readAllBytes(write(Image.fromScratch().nonRootUser().tmpDirectory()));
    assertThat(second).isEqualTo(first);
  }
}
