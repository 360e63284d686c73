package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.internal.source.PathSource;
import io.github.scratch4j.testing.Tools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library prints nothing on a current JDK: a child JVM of the JDK that the build names
 * (system property {@code scratch4j.test.newJdk}, or this JVM's, which must then be Java 24 or
 * later, where the JDK warns on stderr about sun.misc.Unsafe's memory methods and more) builds
 * images of a file large enough to be copied in bulk, and writes nothing to stderr and only its
 * own line to stdout. Without such a JDK the test is skipped with the reason, and fails in CI
 * ({@code CI=true}). {@link NewJdkQuietIT} runs the same test on the packaged jar.
 */
class NewJdkQuietTest {
  private static final Pattern WRITTEN = Pattern.compile("written on Java (\\d+)\n");

  @TempDir Path dir;

  @Test
  void buildingWithALargeFilePrintsNothingOnTheNewJdk() throws Exception {
    Path java = newJava();
    // The file takes the bulk path, where the library once mapped files and unmapped them.
    assertThat(4L << 20).isGreaterThanOrEqualTo(PathSource.BULK_THRESHOLD);

    List<String> command = List.of(java.toString(), "-cp", childClassPath(), NewJdkQuietMain.class.getName(), dir.toString());
    Tools.Result r = Tools.run(command);

    assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isZero();
    assertThat(r.stderr()).as("stderr of %s", java).isEmpty();
    Matcher written = WRITTEN.matcher(r.stdout());
    assertThat(written.matches()).as("stdout is the child's own line only: %s", r.stdout()).isTrue();
    assertThat(Integer.parseInt(written.group(1))).as("the JDK's version: the warning came with Java 24")
        .isGreaterThanOrEqualTo(24);
    assertThat(dir.resolve("out.tar")).isRegularFile().satisfies(p -> assertThat(Files.size(p)).isGreaterThan(4L << 20));
  }

  /** The named JDK's java, else this JVM's if it is new enough, else a skip (a failure in CI). */
  private static Path newJava() {
    String home = System.getProperty("scratch4j.test.newJdk", "");
    Path named = Path.of(home.isEmpty() ? "/nonexistent" : home, "bin", "java");
    if (Files.isExecutable(named)) {
      return named;
    }
    if (Runtime.version().feature() >= 24) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    Tools.unavailable("no JDK at " + named + " (system property scratch4j.test.newJdk, set by core/pom.xml from new.jdk),"
        + " and this JVM is older than Java 24");
    throw new AssertionError("unreachable");
  }

  /** This JVM's class path. */
  static String childClassPath() {
    Set<String> path = new LinkedHashSet<>();
    // Under Surefire the classes may be on the module path, the class path, or both.
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (entry.isEmpty()) {
          continue;
        }
        path.add(entry);
      }
    }
    List<String> list = new ArrayList<>(path);
    assertThat(list).as("the child's class path").anyMatch(e -> e.contains("jackson-databind"));
    return String.join(File.pathSeparator, list);
  }
}
