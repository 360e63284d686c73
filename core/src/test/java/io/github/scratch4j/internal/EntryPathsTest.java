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

  /** The order spelled out: components compared in turn, (rank, name), a path before its children. */
  private static int reference(String a, String b) {
    String[] x = a.substring(1).split("/", -1);
    String[] y = b.substring(1).split("/", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(rank(x[i]), rank(y[i]));
      if (c == 0) {
        c = x[i].compareTo(y[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int rank(String name) {
    return name.equals(".wh..wh..opq") ? 0 : name.startsWith(".wh.") ? 1 : 2;
  }

  /** Paths of one to four components drawn from {@code parts}. */
  private static List<String> randomPaths(String[] parts, int count, java.util.Random random) {
    List<String> paths = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      StringBuilder p = new StringBuilder();
      for (int depth = 1 + random.nextInt(4); depth > 0; depth--) {
        p.append('/').append(parts[random.nextInt(parts.length)]);
      }
      paths.add(p.toString());
    }
    return paths;
  }

  @Test
  void theOrderMatchesComponentByComponentComparisonOnRandomPaths() {
    String[] parts = {"a", "b", "ab", "a-b", "a.b", ".wh.a", ".wh..wh..opq", ".wh", "A", "a b", "\u00e9"};
    List<String> paths = randomPaths(parts, 3000, new java.util.Random(5));
    for (int n = 0; n < paths.size() - 1; n++) {
      String a = paths.get(n);
      String b = paths.get(n + 1);
      assertThat(Integer.signum(EntryPaths.ORDER.compare(a, b))).as(a + " vs " + b)
          .isEqualTo(Integer.signum(reference(a, b)));
      assertThat(Integer.signum(EntryPaths.ORDER.compare(a, a))).isZero();
    }
    List<String> sorted = new ArrayList<>(paths);
    sorted.sort(EntryPaths.ORDER);
    List<String> expected = new ArrayList<>(paths);
    expected.sort(EntryPathsTest::reference);
    assertThat(sorted).isEqualTo(expected);
  }

  @Test
  void sortKeysOrderAsTheComponentComparisonDoes() {
    // Names may hold the characters the keys use for ranks; only NUL is impossible in a name.
    String[] parts = {"a", "b", "ab", "a-b", "a.b", ".wh.a", ".wh..wh..opq", ".wh", "A", "\u0001", "a\u0002",
        "\u0003x", "\u00e9", "\uffff", "\ud83d\ude00", "\ud83d\ude00b", " ", "~"};
    java.util.Random random = new java.util.Random(9);
    List<String> paths = randomPaths(parts, 4000, random);
    for (int n = 0; n < paths.size() - 1; n++) {
      String a = paths.get(n);
      String b = paths.get(n + 1);
      assertThat(Integer.signum(EntryPaths.sortKey(a).compareTo(EntryPaths.sortKey(b)))).as(a + " vs " + b)
          .isEqualTo(Integer.signum(reference(a, b)));
    }
    List<io.github.scratch4j.Entry> entries = new ArrayList<>();
    for (String p : new java.util.LinkedHashSet<>(paths)) {
      if (p.contains("/.wh.")) {
        continue;
      }
      int kind = random.nextInt(3);
      entries.add(kind == 0 ? Whiteout.of(p) : kind == 1 ? Whiteout.opaque(p)
          : new io.github.scratch4j.DirectoryEntry(p, 0755, 0, 0, java.time.Instant.EPOCH));
    }
    List<String> expected = new ArrayList<>();
    entries.forEach(e -> expected.add(EntryPaths.key(e)));
    expected.sort(EntryPathsTest::reference);
    List<String> actual = new ArrayList<>();
    EntryPaths.sorted(entries).forEach(e -> actual.add(EntryPaths.key(e)));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void whiteoutsOccupyTheirMarkerPath() {
    assertThat(EntryPaths.key(Whiteout.of("/etc/motd"))).isEqualTo("/etc/.wh.motd");
    assertThat(EntryPaths.key(Whiteout.opaque("/var/cache"))).isEqualTo("/var/cache/.wh..wh..opq");
  }

  @Test
  void theFastPathAgreesWithTheFullNormalization() {
    java.util.Random random = new java.util.Random(11);
    String[] names = {"a", "bc", ".", "..", ".wh.", ".wh..wh..opq", "..a", ".b", "wh", "é", "日", "\ud83d\ude00",
        "\ud83d", "a\0b", "", "x".repeat(127), "ü".repeat(128), "z".repeat(255), "z".repeat(256), "日".repeat(85),
        "日".repeat(86)};
    int unchanged = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder p = new StringBuilder();
      for (int k = random.nextInt(8); k > 0; k--) {
        // Mostly plausible names, sometimes odd ones; mostly one slash, sometimes none or two.
        p.append(random.nextInt(20) == 0 ? "" : random.nextInt(20) == 0 ? "//" : "/");
        p.append(random.nextInt(3) > 0 ? names[random.nextInt(3)] : names[random.nextInt(names.length)]);
      }
      if (random.nextInt(20) == 0) {
        p.append('/');
      }
      if (random.nextInt(50) == 0) {
        p.append(("/" + "q".repeat(200)).repeat(20));
      }
      String path = p.toString();
      String expected;
      try {
        expected = EntryPaths.normalizeFully(path);
      } catch (io.github.scratch4j.InvalidEntryException e) {
        expected = "error: " + e.getMessage();
      }
      String actual;
      try {
        actual = EntryPaths.normalize(path);
      } catch (io.github.scratch4j.InvalidEntryException e) {
        actual = "error: " + e.getMessage();
      }
      assertThat(actual).as("normalize(%s)", path).isEqualTo(expected);
      unchanged += path.equals(actual) ? 1 : 0;
    }
    assertThat(unchanged).as("paths that were already normal").isGreaterThan(1000);
  }

  @Test
  void pathsAtTheLengthLimitsAreNormalAndOneByteMoreIsNot() {
    String name = "n".repeat(EntryPaths.MAX_NAME_BYTES);
    assertThat(EntryPaths.normalize("/" + name)).isEqualTo("/" + name);
    assertThatThrownBy(() -> EntryPaths.normalize("/" + name + "n")).hasMessageContaining("longer than 255");
    String longest = ("/" + "p".repeat(254)).repeat(16) + "/" + "p".repeat(EntryPaths.MAX_PATH_BYTES - 16 * 255 - 1);
    assertThat(longest.length()).isEqualTo(EntryPaths.MAX_PATH_BYTES);
    assertThat(EntryPaths.normalize(longest)).isSameAs(longest);
    assertThatThrownBy(() -> EntryPaths.normalize(longest + "p")).hasMessageContaining("longer than 4095");
    String wide = "/" + "é".repeat(127);
    assertThat(EntryPaths.normalize(wide)).isSameAs(wide);
    assertThatThrownBy(() -> EntryPaths.normalize(wide + "é")).hasMessageContaining("longer than 255");
  }
}
