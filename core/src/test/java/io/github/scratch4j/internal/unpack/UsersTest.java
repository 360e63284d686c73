package io.github.scratch4j.internal.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class UsersTest {
  private static final Map<String, String> FILES = Map.of(
      "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# a comment\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"
          + "app:x:1000:1001::/app:/bin/sh\nbroken line\n",
      "/etc/group", "root:x:0:\nnonroot:x:65532:\nstaff:x:50:app,other\nwheel:x:10:app\nappgroup:x:1001:\n");
  private static final Function<String, Optional<String>> IMAGE = p -> Optional.ofNullable(FILES.get(p));
  private static final Function<String, Optional<String>> EMPTY = p -> Optional.empty();

  @Test
  void namesAndNumbersResolveAsDockerResolvesThem() {
    assertThat(Users.resolve("", IMAGE)).isEqualTo(new Users.Ids(0, 0, List.of()));
    assertThat(Users.resolve("nonroot", IMAGE)).isEqualTo(new Users.Ids(65532, 65532, List.of()));
    // The primary group from /etc/passwd, the groups that list the user as additional ones.
    assertThat(Users.resolve("app", IMAGE)).isEqualTo(new Users.Ids(1000, 1001, List.of(50L, 10L)));
    assertThat(Users.resolve("1000", IMAGE)).isEqualTo(new Users.Ids(1000, 1001, List.of(50L, 10L)));
    assertThat(Users.resolve("app:staff", IMAGE)).isEqualTo(new Users.Ids(1000, 50, List.of(10L)));
    assertThat(Users.resolve("app:7", IMAGE)).isEqualTo(new Users.Ids(1000, 7, List.of(50L, 10L)));
    // A number the image does not list is taken as it is, in group 0.
    assertThat(Users.resolve("4242", IMAGE)).isEqualTo(new Users.Ids(4242, 0, List.of()));
    assertThat(Users.resolve("4242:4343", EMPTY)).isEqualTo(new Users.Ids(4242, 4343, List.of()));
  }

  @Test
  void aNameTheImageDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> Users.resolve("ghost", IMAGE)).isInstanceOf(IllegalStateException.class)
        .hasMessage("user 'ghost' is not in the image's /etc/passwd");
    assertThatThrownBy(() -> Users.resolve("app:ghosts", IMAGE)).hasMessage("group 'ghosts' is not in the image's /etc/group");
    assertThatThrownBy(() -> Users.resolve("nonroot", EMPTY))
        .hasMessage("user 'nonroot' is not in the image's /etc/passwd (the image has none)");
  }
}
