package io.github.scratch4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Entry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.Source;
import io.github.scratch4j.Whiteout;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkResolverTest {
  private final Map<String, Entry> image = new HashMap<>();
  private int lookups;

  private LinkResolver resolver() {
    return new LinkResolver(path -> {
      lookups++;
      return image.get(path);
    });
  }

  private void link(String path, String target) {
    image.put(path, Entry.symlink(path, target));
  }

  private void dir(String path) {
    image.put(path, Entry.directory(path));
  }

  private void file(String path) {
    image.put(path, Entry.file(path, Source.of(new byte[0])));
  }

  /** Debian's usrmerge layout. */
  private void usrmerge() {
    dir("/usr");
    dir("/usr/bin");
    dir("/usr/lib");
    link("/bin", "usr/bin");
    link("/lib", "usr/lib");
  }

  @Test
  void aRelativeLinkIsResolvedFromTheDirectoryThatHoldsIt() {
    usrmerge();
    assertThat(resolver().parentsOf("/bin/x")).isEqualTo("/usr/bin/x");
    assertThat(resolver().parentsOf("/lib/x86_64-linux-gnu/libc.so.6")).isEqualTo("/usr/lib/x86_64-linux-gnu/libc.so.6");
  }

  @Test
  void anAbsoluteLinkIsResolvedFromTheImageRootNotTheHost() {
    dir("/opt");
    link("/opt/app", "/srv/app");
    assertThat(resolver().parentsOf("/opt/app/config/x")).isEqualTo("/srv/app/config/x");
    link("/etc/alternatives", "/");
    assertThat(resolver().parentsOf("/etc/alternatives/x")).isEqualTo("/x");
  }

  @Test
  void chainsOfLinksAreFollowedToTheEnd() {
    link("/a", "b");
    link("/b", "/c/d");
    dir("/c");
    link("/c/d", "../e/f");
    assertThat(resolver().parentsOf("/a/x")).isEqualTo("/e/f/x");
  }

  @Test
  void dotDotNeverClimbsAboveTheRoot() {
    link("/a", "../../../../usr/bin");
    link("/b", "/../../etc/./");
    assertThat(resolver().parentsOf("/a/x")).isEqualTo("/usr/bin/x");
    assertThat(resolver().parentsOf("/b/x")).isEqualTo("/etc/x");
  }

  @Test
  void dotDotAfterALinkClimbsFromWhereTheLinkLed() {
    // As the kernel resolves it: /bin/.. is /usr, not /.
    usrmerge();
    link("/x", "bin/../local");
    assertThat(resolver().parentsOf("/x/y")).isEqualTo("/usr/local/y");
  }

  @Test
  void aLoopIsRefusedNamingTheLinks() {
    link("/a", "b");
    link("/b", "a");
    assertThatThrownBy(() -> resolver().parentsOf("/a/x"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("cannot place /a/x")
        .hasMessageContaining("more than 40 links")
        .hasMessageContaining("/a -> b, /b -> a");
    link("/self", "self");
    assertThatThrownBy(() -> resolver().parentsOf("/self/x")).hasMessageContaining("loop");
  }

  @Test
  void fortyLinksAreFollowedAndFortyOneAreNot() {
    for (int i = 0; i < 40; i++) {
      link("/l" + i, "l" + (i + 1));
    }
    dir("/l40");
    assertThat(resolver().parentsOf("/l0/x")).isEqualTo("/l40/x");
    link("/m", "l0");
    assertThatThrownBy(() -> resolver().parentsOf("/m/x")).isInstanceOf(InvalidEntryException.class);
  }

  @Test
  void aLinkToAFileIsNotADirectory() {
    dir("/etc");
    file("/etc/passwd");
    link("/p", "etc/passwd");
    assertThatThrownBy(() -> resolver().parentsOf("/p/x"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessage("cannot place /p/x: /etc/passwd is a file in the image, not a directory"
            + " (reached from /p through /p -> etc/passwd)");
    assertThatThrownBy(() -> resolver().parentsOf("/etc/passwd/x"))
        .hasMessage("cannot place /etc/passwd/x: /etc/passwd is a file in the image, not a directory");
    image.put("/dev/null", new SpecialFileEntry("/dev/null", SpecialFileEntry.Kind.CHARACTER_DEVICE, 1, 3,
        0666, 0, 0, java.time.Instant.EPOCH));
    assertThatThrownBy(() -> resolver().parentsOf("/dev/null/x")).hasMessageContaining("a character device");
  }

  @Test
  void aDanglingLinkLeadsWhereItPoints() {
    link("/bin", "usr/bin");
    assertThat(resolver().parentsOf("/bin/x")).isEqualTo("/usr/bin/x");
  }

  @Test
  void theLastComponentIsNotResolvedForAFileALinkOrAWhiteout() {
    usrmerge();
    LinkResolver r = resolver();
    Entry file = Entry.file("/bin", Source.of(new byte[0]));
    assertThat(r.place(file)).isSameAs(file);
    assertThat(r.place(Entry.symlink("/lib", "usr/lib64")).path()).isEqualTo("/lib");
    assertThat(r.place(Whiteout.of("/bin")).path()).isEqualTo("/bin");
    assertThat(r.place(Whiteout.of("/bin/sh")).path()).isEqualTo("/usr/bin/sh");
    assertThat(r.place(Entry.symlink("/bin/python", "python3"))).isEqualTo(Entry.symlink("/usr/bin/python", "python3"));
  }

  @Test
  void aDirectoryAtALinkToADirectoryGoesWhereTheLinkLeads() {
    usrmerge();
    LinkResolver r = resolver();
    assertThat(r.place(Entry.directory("/bin"))).isEqualTo(Entry.directory("/usr/bin"));
    assertThat(r.place(Whiteout.opaque("/lib"))).isEqualTo(Whiteout.opaque("/usr/lib"));
    assertThat(r.directory("/lib")).isEqualTo("/usr/lib");
    // A directory where a file is replaces the file.
    file("/etc");
    assertThat(r.place(Entry.directory("/etc"))).isEqualTo(Entry.directory("/etc"));
    link("/root-link", "/");
    assertThatThrownBy(() -> resolver().directory("/root-link")).hasMessageContaining("to the image root");
    link("/to-file", "etc");
    assertThatThrownBy(() -> resolver().directory("/to-file")).hasMessageContaining("/etc is a file");
  }

  @Test
  void aHardLinkAndItsTargetAreBothPlaced() {
    usrmerge();
    Entry placed = resolver().place(Entry.hardlink("/bin/b", "/bin/a"));
    assertThat(placed).isInstanceOf(HardlinkEntry.class);
    assertThat(((HardlinkEntry) placed).path()).isEqualTo("/usr/bin/b");
    assertThat(((HardlinkEntry) placed).target()).isEqualTo("/usr/bin/a");
  }

  @Test
  void anEntryWithNoLinkOnItsWayIsReturnedAsItIs() {
    dir("/usr");
    Entry e = Entry.file("/usr/local/bin/x", Source.of(new byte[0]));
    assertThat(resolver().place(e)).isSameAs(e);
  }

  @Test
  void aLinkTargetThatNamesAWhiteoutIsRefused() {
    link("/a", ".wh.b");
    assertThatThrownBy(() -> resolver().parentsOf("/a/x"))
        .isInstanceOf(InvalidEntryException.class).hasMessageContaining(".wh.");
  }

  @Test
  void eachDirectoryIsLookedUpOnceForAWholeTree() {
    usrmerge();
    LinkResolver r = resolver();
    for (int i = 0; i < 1000; i++) {
      assertThat(r.parentsOf("/bin/tree/d" + (i % 10) + "/f" + i)).startsWith("/usr/bin/tree/");
    }
    // /bin, /usr, /usr/bin (where /bin leads), /usr/bin/tree, then each /usr/bin/tree/dN once.
    assertThat(lookups).isEqualTo(4 + 10);
  }

  @Test
  void theResolverForAnImageWithoutLinksLooksNothingUp() {
    LinkResolver none = LinkResolver.none();
    Entry e = Entry.directory("/bin");
    assertThat(none.place(e)).isSameAs(e);
    assertThat(none.parentsOf("/bin/x")).isEqualTo("/bin/x");
    assertThat(none.directory("/bin")).isEqualTo("/bin");
  }

  @Test
  void aFileIsWrittenWhereItsOwnLinkLeadsThroughRelativeAndAbsoluteLinks() {
    usrmerge();
    dir("/etc");
    dir("/usr/share");
    dir("/usr/share/base");
    file("/usr/share/base/passwd");
    link("/etc/passwd", "../usr/share/base/passwd");
    link("/etc/group", "/lib/group-real");
    link("/etc/shadow", "shadow.d/x");
    assertThat(resolver().file("/etc/passwd")).isEqualTo("/usr/share/base/passwd");
    // A link to nothing yet leads to where its target would be, through the image's links.
    assertThat(resolver().file("/etc/group")).isEqualTo("/usr/lib/group-real");
    assertThat(resolver().file("/etc/shadow")).isEqualTo("/etc/shadow.d/x");
    // A file that is not a link stays where it is; its parents are still resolved.
    assertThat(resolver().file("/bin/sh")).isEqualTo("/usr/bin/sh");
  }

  @Test
  void aChainOfFileLinksIsFollowedAndALoopIsRefused() {
    link("/a", "b");
    link("/b", "/c");
    assertThat(resolver().file("/a")).isEqualTo("/c");
    link("/x", "y");
    link("/y", "x");
    assertThatThrownBy(() -> resolver().file("/x"))
        .isInstanceOf(InvalidEntryException.class).hasMessageContaining("loop").hasMessageContaining("/x -> y");
  }

  @Test
  void aFileLinkThatNamesADirectoryIsRefused() {
    dir("/etc");
    link("/etc/passwd", "..");
    link("/etc/group", "sub/");
    assertThatThrownBy(() -> resolver().file("/etc/passwd"))
        .isInstanceOf(InvalidEntryException.class).hasMessageContaining("/etc/passwd is a symbolic link to .., a directory");
    assertThatThrownBy(() -> resolver().file("/etc/group"))
        .isInstanceOf(InvalidEntryException.class).hasMessageContaining("a directory");
  }

  @Test
  void entryShowsWhatTheViewHasAndNoneSeesNothing() {
    link("/bin", "usr/bin");
    assertThat(resolver().entry("/bin")).isEqualTo(Entry.symlink("/bin", "usr/bin"));
    assertThat(resolver().entry("/nothing")).isNull();
    assertThat(LinkResolver.none().entry("/bin")).isNull();
    assertThat(LinkResolver.none().file("/bin/x")).isEqualTo("/bin/x");
  }
}
