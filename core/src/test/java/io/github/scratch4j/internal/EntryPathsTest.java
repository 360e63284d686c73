package io.github.scratch4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.Whiteout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryPathsTest {
  @Test
  void normalizesSlashesAndDots() {
    assertThat(EntryPaths.normalize("hello")).isEqualTo("/hello");
    assertThat(EntryPaths.normalize("//usr/./bin//hello/")).isEqualTo("/usr/bin/hello");
  }

  @Test
  void rejectsEmptyPath() {
    assertThatThrownBy(() -> EntryPaths.normalize(""))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsPathThatEscapesRoot() {
    assertThatThrownBy(() -> EntryPaths.normalize("/../etc/passwd"))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining("'/../etc/passwd'")
        .hasMessageContaining("..");
    assertThatThrownBy(() -> EntryPaths.normalize("a/../../b")).isInstanceOf(InvalidEntryException.class);
  }

  @Test
  void rejectsTheRootItself() {
    assertThatThrownBy(() -> EntryPaths.normalize("/./")).hasMessageContaining("root");
  }

  @Test
  void rejectsNulAndOverlongNames() {
    assertThatThrownBy(() -> EntryPaths.normalize("a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> EntryPaths.normalize("/" + "x".repeat(256))).hasMessageContaining("255 bytes");
    assertThatThrownBy(() -> EntryPaths.normalize(("/" + "x".repeat(200)).repeat(21)))
        .hasMessageContaining("4095");
  }

  @Test
  void rejectsNamesReservedForWhiteouts() {
    assertThatThrownBy(() -> EntryPaths.normalize("/etc/.wh.motd")).hasMessageContaining(".wh.");
  }

  @Test
  void ordersDirectoriesBeforeTheirContentAndSiblings() {
    List<String> paths = new ArrayList<>(List.of("/a-b", "/a/b", "/a", "/a/.wh..wh..opq", "/a/.wh.c", "/A", "/a/a"));
    paths.sort(EntryPaths.ORDER);
    assertThat(paths).containsExactly("/A", "/a", "/a/.wh..wh..opq", "/a/.wh.c", "/a/a", "/a/b", "/a-b");
  }

  @Test
  void whiteoutsOccupyTheirMarkerPath() {
    assertThat(EntryPaths.key(Whiteout.of("/etc/motd"))).isEqualTo("/etc/.wh.motd");
    assertThat(EntryPaths.key(Whiteout.opaque("/var/cache"))).isEqualTo("/var/cache/.wh..wh..opq");
  }
}
