package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push and a pull over plain HTTP never initialise the JDK's HTTP client: its builder, its
 * internals and its body publishers spin some 20 lambda classes and load a hundred more, which a
 * short-lived push pays for in start-up and in JIT work. Checked in a JVM of its own, with the
 * JVM's class-loading log.
 */
class PlainHttpOnlyTest {
  @TempDir Path dir;

  @Test
  void aPlainHttpPushAndPullLoadNoneOfTheJdkClientsInternals() throws Exception {
    List<String> path = new ArrayList<>();
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!entry.isEmpty() && !path.contains(entry)) {
          path.add(entry);
        }
      }
    }
    Path log = dir.resolve("classes.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xlog:class+load:file=" + log, "-cp",
        String.join(File.pathSeparator, path), PlainHttpOnlyMain.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("sha256:").contains("1 layer pulled");

    List<String> loaded = Files.readAllLines(log);
    assertThat(loaded).as("the child's class-loading log").anyMatch(l -> l.contains(" " + PlainHttp.class.getName() + " "));
    assertThat(loaded).as("classes of the JDK's HTTP client loaded by a plain HTTP push and pull")
        .noneMatch(l -> l.contains(" jdk.internal.net.http.HttpClientBuilderImpl ")
            || l.contains(" jdk.internal.net.http.common.Utils ")
            || l.contains(" jdk.internal.net.http.RequestPublishers$ByteArrayPublisher "));
  }
}
