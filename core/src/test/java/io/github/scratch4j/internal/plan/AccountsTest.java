package io.github.scratch4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.internal.plan.Accounts.Ids;
import io.github.scratch4j.internal.plan.Accounts.UnknownUserException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A configured user gives the process the ids runc's libcontainer/user gives it. */
class AccountsTest {
  private static final Optional<String> PASSWD = Optional.of(String.join("\n",
      "# users of a test image",
      "root:x:0:0:root:/root:/bin/sh",
      "",
      "   ",
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
      "alice:x:1000:1000:Alice:/home/alice:/bin/sh",
      "bob:x:1001:100::/home/bob:/bin/sh",
      "twin:x:1001:7::/:/bin/sh",
      "broken:x:notanumber:0::/:/bin/sh",
      ""));
  private static final Optional<String> GROUP = Optional.of(String.join("\n",
      "root:x:0:",
      "# groups",
      "users:x:100:alice",
      "wheel:x:10:bob, alice ",
      "audio:x:29:bob",
      "alice:x:1000:",
      ""));

  private static Ids resolve(String spec) throws UnknownUserException {
    return Accounts.resolve(spec, PASSWD, GROUP);
  }

  @Test
  void aNumericUserWithoutPasswdGetsThatUidAndGidZero() throws Exception {
    assertThat(Accounts.resolve("65532", Optional.empty(), Optional.empty()))
        .isEqualTo(new Ids(65532, 0, List.of(), Optional.empty()));
    // A uid the file does not list is taken as it is too, with gid 0 and no name.
    assertThat(resolve("4242")).isEqualTo(new Ids(4242, 0, List.of(), Optional.empty()));
  }

  @Test
  void noUserIsRootAsThePasswdFileHasIt() throws Exception {
    assertThat(resolve("")).isEqualTo(new Ids(0, 0, List.of(), Optional.of("root")));
    assertThat(Accounts.resolve("", Optional.empty(), Optional.empty()))
        .isEqualTo(new Ids(0, 0, List.of(), Optional.empty()));
  }

  @Test
  void aNameFoundGetsItsGidAndTheGroupsThatListItAsSupplementary() throws Exception {
    assertThat(resolve("alice")).isEqualTo(new Ids(1000, 1000, List.of(100L, 10L), Optional.of("alice")));
    assertThat(resolve("daemon")).isEqualTo(new Ids(1, 1, List.of(), Optional.of("daemon")));
  }

  @Test
  void aNumericUserInPasswdIsThatUsersLineAndTheFirstLineWins() throws Exception {
    assertThat(resolve("1000")).isEqualTo(new Ids(1000, 1000, List.of(100L, 10L), Optional.of("alice")));
    assertThat(resolve("1001")).isEqualTo(new Ids(1001, 100, List.of(10L, 29L), Optional.of("bob")));
  }

  @Test
  void anExplicitGroupReplacesThePrimaryGidAndDropsSupplementaryGroups() throws Exception {
    assertThat(resolve("alice:wheel")).isEqualTo(new Ids(1000, 10, List.of(), Optional.of("alice")));
    assertThat(resolve("alice:29")).isEqualTo(new Ids(1000, 29, List.of(), Optional.of("alice")));
  }

  @Test
  void uidAndGidNeedNoFiles() throws Exception {
    assertThat(Accounts.resolve("65532:65532", Optional.empty(), Optional.empty()))
        .isEqualTo(new Ids(65532, 65532, List.of(), Optional.empty()));
    assertThat(resolve("5000:6000")).isEqualTo(new Ids(5000, 6000, List.of(), Optional.empty()));
  }

  @Test
  void anUnknownNameIsRefusedNamingTheUserAndTheFile() {
    assertThatThrownBy(() -> resolve("mallory"))
        .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.isGroup()).isFalse())
        .hasMessage("the user mallory is not in the image's /etc/passwd");
    assertThatThrownBy(() -> Accounts.resolve("nonroot", Optional.empty(), Optional.empty()))
        .hasMessage("the user nonroot is not in the image, which has no /etc/passwd");
    // A line whose uid is not a number names no user.
    assertThatThrownBy(() -> resolve("broken")).isInstanceOf(UnknownUserException.class);
  }

  @Test
  void anUnknownGroupIsRefusedAsAGroup() {
    assertThatThrownBy(() -> resolve("alice:staff"))
        .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.isGroup()).isTrue())
        .hasMessage("the group staff is not in the image's /etc/group");
    assertThatThrownBy(() -> Accounts.resolve("1000:staff", PASSWD, Optional.empty()))
        .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.isGroup()).isTrue())
        .hasMessage("the group staff is not in the image, which has no /etc/group");
  }

  @Test
  void idsAboveTwoToTheThirtyOneMinusOneAreOutOfRange() throws Exception {
    assertThat(Accounts.resolve("2147483647:2147483647", Optional.empty(), Optional.empty()))
        .isEqualTo(new Ids(Integer.MAX_VALUE, Integer.MAX_VALUE, List.of(), Optional.empty()));
    assertThatThrownBy(() -> Accounts.resolve("2147483648", Optional.empty(), Optional.empty()))
        .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.isGroup()).isFalse())
        .hasMessageContaining("the uid 2147483648 is out of range");
    assertThatThrownBy(() -> Accounts.resolve("0:4294967295", Optional.empty(), Optional.empty()))
        .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.isGroup()).isTrue())
        .hasMessageContaining("the gid 4294967295 is out of range");
  }

  @Test
  void commentsBlankLinesAndLinesWithoutNumericIdsAreSkipped() {
    assertThat(Accounts.users(PASSWD.get())).extracting(Accounts.User::name)
        .containsExactly("root", "daemon", "alice", "bob", "twin");
    assertThat(Accounts.groups(GROUP.get())).extracting(Accounts.Group::name)
        .containsExactly("root", "users", "wheel", "audio", "alice");
    assertThat(Accounts.groups(GROUP.get()).get(2).members()).containsExactly("bob", "alice");
    assertThat(Accounts.users("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin"))
        .containsExactly(new Accounts.User("nonroot", 65532, 65532, "/home/nonroot", "/sbin/nologin"));
  }
}
