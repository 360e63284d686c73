package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.testing.ElfBuilder;
import io.github.scratch4j.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build refuses an image in which a program could not start, before writing anything. */
class DependencyCheckTest {
  @TempDir static Path bins;
  @TempDir Path dir;
  static Path dynamic;
  static Path staticHello;
  static Path staticPie;
  static Path musl;

  @BeforeAll
  static void compile() throws Exception {
    dynamic = Tools.compileC(bins, "gcc", "dynamic", Tools.HELLO_C);
    staticHello = Tools.compileC(bins, "gcc", "static", Tools.HELLO_C, "-static");
    staticPie = Tools.compileC(bins, "gcc", "static-pie", Tools.HELLO_C, "-static-pie");
    musl = Tools.compileC(bins, "musl-gcc", "musl", Tools.HELLO_C, "-static");
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private void assertNothingWritten() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void refusesADynamicBinaryWithoutItsLoaderAndLibraries() throws Exception {
    Image image = Image.fromScratch().add(dynamic, "/hello").entrypoint("/hello");
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(MissingDependencyException.class)
        .hasMessageContaining("/hello is dynamically linked")
        .hasMessageContaining("/lib64/ld-linux-x86-64.so.2")
        .hasMessageContaining("libc.so.6")
        .hasMessageContaining("no such file or directory")
        .hasMessageContaining("gcc -static")
        .hasMessageContaining("CGO_ENABLED=0")
        .hasMessageContaining("addWithLibraries")
        .hasMessageContaining("Image.without(ImageCheck.DEPENDENCIES)")
        .hasMessageNotContaining("ENTRYPOINT");
    assertNothingWritten();
  }

  @Test
  void staticBuildsPass() throws Exception {
    for (Path binary : new Path[] {staticHello, staticPie, musl}) {
      Manifest m = Image.fromScratch().add(binary, "/hello").entrypoint("/hello").writeTo(dir.resolve("ok.tar"));
      assertThat(m.layers()).hasSize(1);
    }
  }

  @Test
  void addWithLibrariesBringsEverythingTheBinaryNeeds() throws Exception {
    Image image = Image.fromScratch().addWithLibraries(dynamic).entrypoint(dynamic.toString());
    assertThat(image.fileSystem()).containsKeys(dynamic.toString(), "/lib64");
    assertThat(image.fileSystem().keySet()).anyMatch(p -> p.endsWith("/libc.so.6"));
    image.writeTo(dir.resolve("closure.tar"));
    // A second binary that needs the same libraries shares them.
    Path other = Tools.compileC(dir.resolve("..").resolve(bins.getFileName()), "gcc", "dynamic2", Tools.HELLO_C);
    Image both = image.addWithLibraries(other);
    assertThat(both.layers()).hasSize(1);
  }

  @Test
  void librariesFromALowerLayerSatisfyTheCheck() throws Exception {
    Image libs = Image.fromScratch().addWithLibraries(dynamic);
    Image app = libs.add(Layer.builder().addPath(dynamic, "/app/hello").build()).entrypoint("/app/hello");
    app.writeTo(dir.resolve("ok.tar"));
  }

  @Test
  void refusesAScriptWithoutItsInterpreter() throws Exception {
    Image image = Image.fromScratch().add(Entry.file("/run.sh", text("#!/bin/sh\necho hi\n")).withMode(0755))
        .entrypoint("/run.sh");
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(MissingDependencyException.class)
        .hasMessageContaining("/run.sh")
        .hasMessageContaining("#!/bin/sh")
        .hasMessageContaining("no /bin/sh");
    Image withShell = image.add(Entry.symlink("/bin/sh", "busybox")).add(Entry.file("/bin/busybox", Source.of(Files.readAllBytes(staticHello))).withMode(0755));
    withShell.writeTo(dir.resolve("ok.tar"));
  }

  @Test
  void refusesAnEnvScriptWhoseProgramIsMissing() {
    Image image = Image.fromScratch()
        .add(Entry.file("/usr/bin/env", Source.of(new byte[] {1})).withMode(0755))
        .add(Entry.file("/app.py", text("#!/usr/bin/env python3\nprint(1)\n")).withMode(0755));
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(MissingDependencyException.class)
        .hasMessageContaining("python3");
  }

  @Test
  void refusesAMissingEntrypoint() throws Exception {
    Image image = Image.fromScratch().add(staticHello, "/hello").entrypoint("/helo");
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isExactlyInstanceOf(ImageCheckException.class)
        .hasMessageContaining("/helo is not in the image")
        .hasMessageContaining("did you mean /hello?")
        .hasMessageNotContaining("gcc -static");
    assertNothingWritten();
  }

  @Test
  void theCheckCanBeTurnedOff() throws Exception {
    Image.fromScratch().add(dynamic, "/hello").entrypoint("/hello").withoutDependencyCheck()
        .writeTo(dir.resolve("out.tar"));
    assertThat(dir.resolve("out.tar")).exists();
  }

  @Test
  void theEntrypointsElfHeaderSetsThePlatform() throws Exception {
    byte[] arm64 = ElfBuilder.elf64().machine(183).build().bytes();
    Path out = dir.resolve("arm.tar");
    Image.fromScratch().add(Entry.file("/hello", Source.of(arm64)).withMode(0755)).entrypoint("/hello").writeTo(out);
    Image read = Archive.read(out).images().get(0);
    assertThat(read.config().platform()).contains(Platform.LINUX_ARM64);
    byte[] armv7 = ElfBuilder.elf32().armCpuArch(10).build().bytes();
    Image.fromScratch().add(Entry.file("/hello", Source.of(armv7)).withMode(0755)).entrypoint("/hello").writeTo(out);
    assertThat(Archive.read(out).images().get(0).config().platform())
        .contains(new Platform("linux", "arm", Optional.of("v7")));
  }

  @Test
  void executablesOfDifferentArchitecturesConflict() throws Exception {
    byte[] arm64 = ElfBuilder.elf64().machine(183).build().bytes();
    Image image = Image.fromScratch()
        .add(staticHello, "/hello")
        .add(Entry.file("/hello-arm", Source.of(arm64)).withMode(0755));
    assertThatThrownBy(() -> image.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(PlatformConflictException.class)
        .hasMessageContaining("/hello=amd64")
        .hasMessageContaining("/hello-arm=arm64");
    assertNothingWritten();
    // An explicit platform does not silence it: /hello-arm would fail with "exec format error".
    assertThatThrownBy(() -> image.platform(Platform.LINUX_AMD64).writeTo(dir.resolve("explicit.tar")))
        .isInstanceOf(PlatformConflictException.class)
        .hasMessageContaining("/hello-arm is built for arm64 but the image's platform is linux/amd64");
    assertNothingWritten();
    // For an image whose other executables run through binfmt_misc and QEMU, the check is turned off.
    image.platform(Platform.LINUX_AMD64).without(ImageCheck.PLATFORM).writeTo(dir.resolve("explicit.tar"));
    assertThat(Archive.read(dir.resolve("explicit.tar")).images().get(0).config().platform())
        .contains(Platform.LINUX_AMD64);
  }

  @Test
  void aBinaryForAnotherArchitectureThanTheBaseConflicts() throws Exception {
    Path base = dir.resolve("base.tar");
    Image.fromScratch().add(staticHello, "/hello").entrypoint("/hello").writeTo(base);
    byte[] arm64 = ElfBuilder.elf64().machine(183).build().bytes();
    Image derived = Image.from(base).add(Entry.file("/arm", Source.of(arm64)).withMode(0755));
    assertThatThrownBy(() -> derived.writeTo(dir.resolve("out.tar")))
        .isInstanceOf(PlatformConflictException.class)
        .hasMessageContaining("/arm is built for arm64 but the base image is linux/amd64");
  }
}
