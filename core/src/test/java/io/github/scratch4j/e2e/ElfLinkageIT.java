package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Image;
import io.github.scratch4j.MissingDependencyException;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Docker only says at run time ("exec /hello: no such file or directory"), scratch4j says
 * at build time; the static builds run; a dynamic build added with its libraries runs.
 */
class ElfLinkageIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final List<String> loaded = new ArrayList<>();
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path dir;

  @AfterAll
  static void removeImages() {
    loaded.forEach(t -> Commands.run(MINUTE, "docker", "rmi", "-f", t));
  }

  private static String load(Path archive, String name) {
    String tag = "scratch4j-it/" + name + "-" + ID + ":latest";
    loaded.add(tag);
    Commands.requireDocker();
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    return tag;
  }

  @Test
  void aDynamicHelloIsRefusedWithTheReasonAndTheFixes() throws Exception {
    Path hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C);
    Path out = dir.resolve("dynamic.tar");
    assertThatThrownBy(() -> Image.fromScratch().add(hello).entrypoint("/hello").writeTo(out))
        .isInstanceOf(MissingDependencyException.class)
        .hasMessageContaining("/hello is dynamically linked")
        .hasMessageContaining("/lib64/ld-linux-x86-64.so.2")
        .hasMessageContaining("libc.so.6")
        .hasMessageContaining("gcc -static");
    assertThat(out).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource({"gcc,-static", "gcc,-static-pie", "musl-gcc,-static"})
  void staticBuildsRunUnderDockerAndRunc(String compiler, String flag) throws Exception {
    Path hello = Commands.compileC(dir, compiler, "hello", Commands.HELLO_C, flag);
    String name = (compiler + flag).replace("-", "").replace("gcc", "gcc-");
    String tag = "scratch4j-it/" + name + "-" + ID + ":latest";
    Path archive = dir.resolve("static.tar");
    Image.fromScratch().add(hello).add(Nonce.entry()).entrypoint("/hello").tag(tag).writeTo(archive);
    load(archive, name);
    assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    Path bundle = RunBundles.unpack(layout, tag, dir.resolve("bundle"));
    assertThat(RunBundles.run(bundle).assertSuccess().stdout()).isEqualTo("hello world\n");
  }

  @Test
  void aDynamicHelloWithItsLibrariesRunsUnderDockerAndRunc() throws Exception {
    Path hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C);
    String tag = "scratch4j-it/closure-" + ID + ":latest";
    Path archive = dir.resolve("closure.tar");
    Image.fromScratch().addWithLibraries(hello).add(Nonce.entry()).entrypoint(hello.toString()).tag(tag).writeTo(archive);
    load(archive, "closure");
    assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    Path bundle = RunBundles.unpack(layout, tag, dir.resolve("bundle"));
    assertThat(Files.isSymbolicLink(bundle.resolve("rootfs/lib64"))).isTrue();
    assertThat(RunBundles.run(bundle).assertSuccess().stdout()).isEqualTo("hello world\n");
  }

  @Test
  void aMuslDynamicHelloWithItsLibrariesRuns() throws Exception {
    Path hello = Commands.compileC(dir, "musl-gcc", "hello", Commands.HELLO_C);
    String tag = "scratch4j-it/musl-closure-" + ID + ":latest";
    Path archive = dir.resolve("musl.tar");
    Image.fromScratch().addWithLibraries(hello).add(Nonce.entry()).entrypoint(hello.toString()).tag(tag).writeTo(archive);
    load(archive, "musl-closure");
    assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout()).isEqualTo("hello world\n");
  }
}
