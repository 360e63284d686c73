package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.scratch4j.ImageCheckException.Problem;
import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each mistake that builds an image which only fails at {@code docker run} is refused before
 * anything is written, naming the path, why the runtime would fail there, and the fix for that
 * mistake (issue 13's table, and the relatives of each row).
 */
class ImageCheckTest {
  @TempDir static Path bins;
  @TempDir Path dir;
  static Path hello;
  /** The same program without any execute bit, as a freshly downloaded or copied file has. */
  static Path notExecutable;

  @BeforeAll
  static void compile() throws Exception {
    hello = Tools.compileC(bins, "gcc", "hello", Tools.HELLO_C, "-static");
    notExecutable = bins.resolve("hello-0644");
    Files.copy(hello, notExecutable);
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Source helloBytes() throws IOException {
    return Source.of(Files.readAllBytes(hello));
  }

  /** The refusal of writing {@code image} to a file, after checking that nothing was written. */
  private ImageCheckException refused(Image image) throws IOException {
    Path target = Files.createDirectories(dir.resolve("refused"));
    ImageCheckException e = catchThrowableOfType(() -> image.writeTo(target.resolve("out.tar")), ImageCheckException.class);
    assertThat(e).as("the image is refused").isNotNull();
    try (Stream<Path> files = Files.list(target)) {
      assertThat(files).as("nothing is written").isEmpty();
    }
    return e;
  }

  /** The only problem of a refusal. */
  private Problem onlyProblem(Image image) throws IOException {
    ImageCheckException e = refused(image);
    assertThat(e.problems()).hasSize(1);
    Problem p = e.problems().get(0);
    assertThat(e.getMessage()).contains(p.path()).contains(p.reason()).contains(p.fix())
        .contains("Image.without(ImageCheck." + p.check() + ")");
    assertThat(p.fix()).as("static linking is advice for linkage problems only").doesNotContain("gcc -static");
    return p;
  }

  private void written(Image image) throws IOException {
    Path out = dir.resolve("ok-" + System.nanoTime() + ".tar");
    image.writeTo(out);
    assertThat(out).exists();
  }

  // The table of issue 13, one test per row.

  @Test
  void aSourceWithoutTheExecuteBitAsEntrypoint() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(notExecutable, "/hello").entrypoint("/hello"));
    assertThat(p.check()).isEqualTo(ImageCheck.ENTRYPOINT);
    assertThat(p.path()).isEqualTo("/hello");
    assertThat(p.reason()).contains("no execute permission (mode 0644)").contains("permission denied");
    assertThat(p.fix()).contains("chmod 755").contains("withMode(0755)");
    // The fix works.
    written(Image.fromScratch().add(Entry.file("/hello", Source.of(notExecutable)).withMode(0755)).entrypoint("/hello"));
  }

  @Test
  void aBareNameThatNoDirectoryOfThePathHas() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/hello").entrypoint("hello"));
    assertThat(p.path()).isEqualTo("hello");
    assertThat(p.reason())
        .contains("PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)")
        .contains("executable file not found in $PATH");
    assertThat(p.fix()).contains("did you mean /hello?").contains("entrypoint(\"/hello\")");
    // Found through Docker's default PATH, or through the image's own.
    written(Image.fromScratch().add(hello, "/usr/bin/hello").entrypoint("hello"));
    written(Image.fromScratch().add(hello, "/app/hello").env("PATH", "/app").entrypoint("hello"));
    // The image's PATH replaces the default one.
    Problem other = onlyProblem(Image.fromScratch().add(hello, "/usr/bin/hello").env("PATH", "/opt").entrypoint("hello"));
    assertThat(other.reason()).contains("PATH (/opt)");
  }

  @Test
  void aNamedUserInAnImageWithoutPasswd() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/hello").entrypoint("/hello").user("nobody"));
    assertThat(p.check()).isEqualTo(ImageCheck.USER);
    assertThat(p.path()).isEqualTo("/etc/passwd");
    assertThat(p.reason()).contains("is not in the image, so the user nobody cannot be found")
        .contains("unable to find user nobody");
    assertThat(p.fix()).contains("Image.nonRootUser()").contains("user(\"65532\")");
    // A numeric id needs no entry, as runc allows.
    written(Image.fromScratch().add(hello, "/hello").entrypoint("/hello").user("65532"));
    written(Image.fromScratch().add(hello, "/hello").entrypoint("/hello").user("65532:65532"));
  }

  @Test
  void anExplicitPlatformTheEntrypointContradicts() throws Exception {
    Image image = Image.fromScratch().add(hello, "/hello").entrypoint("/hello").platform(Platform.LINUX_ARM64);
    ImageCheckException e = refused(image);
    assertThat(e).isInstanceOf(PlatformConflictException.class);
    Problem p = onlyProblem(image);
    assertThat(p.check()).isEqualTo(ImageCheck.PLATFORM);
    assertThat(p.path()).isEqualTo("/hello");
    assertThat(p.reason()).contains("built for amd64").contains("linux/arm64/v8").contains("exec format error");
    assertThat(p.fix()).contains("build it for arm64").contains("leave platform(...) unset");
    // Opted out, as for a binary run through binfmt_misc and QEMU.
    written(image.without(ImageCheck.PLATFORM));
  }

  @Test
  void aCommandLineInOneString() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/hello").entrypoint("/hello --port 8080"));
    assertThat(p.path()).isEqualTo("/hello --port 8080");
    assertThat(p.reason()).contains("a whole command line in one string").contains("no such file or directory");
    assertThat(p.fix()).contains("entrypoint(\"/hello\", \"--port\", \"8080\")").doesNotContain("/bin/sh");
    // With a shell in the image, the fix offers it too; the same for a command.
    Image withShell = Image.fromScratch().add(hello, "/hello").add(hello, "/bin/sh");
    Problem shell = onlyProblem(withShell.cmd("/hello --port 8080"));
    assertThat(shell.fix()).contains("cmd(\"/hello\", \"--port\", \"8080\")")
        .contains("cmd(\"/bin/sh\", \"-c\", \"/hello --port 8080\")");
    // A file whose name has a space is a program like any other.
    written(Image.fromScratch().add(hello, "/my app").entrypoint("/my app"));
  }

  @Test
  void anEntrypointThatIsADirectory() throws Exception {
    Path app = dir.resolve("../app-" + System.nanoTime()).normalize();
    Files.createDirectories(app);
    Files.copy(hello, app.resolve("server"));
    try {
      Problem p = onlyProblem(Image.fromScratch().add(app, "/app").entrypoint("/app"));
      assertThat(p.path()).isEqualTo("/app");
      assertThat(p.reason()).contains("is a directory").contains("permission denied");
      assertThat(p.fix()).contains("entrypoint(\"/app/server\")");
    } finally {
      Files.delete(app.resolve("server"));
      Files.delete(app);
    }
  }

  @Test
  void anEntrypointTheImagesUserMayNotExecute() throws Exception {
    Image image = Image.fromScratch().add(Entry.file("/hello", helloBytes()).withMode(0700)).entrypoint("/hello")
        .user("65532");
    Problem p = onlyProblem(image);
    assertThat(p.path()).isEqualTo("/hello");
    assertThat(p.reason()).contains("may not be executed by the image's user (uid 65532, gid 0)")
        .contains("mode 0700, owner 0:0").contains("permission denied");
    assertThat(p.fix()).contains("mode 0755").contains("withOwner(65532, 0)");
    // Root may run it (any execute bit), and so may its owner.
    written(image.user("0"));
    written(Image.fromScratch().add(Entry.file("/hello", helloBytes()).withMode(0700).withOwner(65532, 0))
        .entrypoint("/hello").user("65532"));
  }

  @Test
  void returnValuesIgnoredWriteNothing() throws Exception {
    Image image = Image.fromScratch();
    image.add(hello);
    image.entrypoint("/hello");
    Problem p = onlyProblem(image);
    assertThat(p.check()).isEqualTo(ImageCheck.EMPTY);
    assertThat(p.reason()).contains("no layers, no entrypoint and no command").contains("ignored");
    assertThat(p.fix()).contains("image = image.add(path)");
    // An empty image on purpose.
    written(image.without(ImageCheck.EMPTY));
  }

  // Relatives of the rows.

  @Test
  void aTypoGetsTheNearestProgramsNotStaticLinkingAdvice() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/hello").add(hello, "/usr/bin/other").entrypoint("/hallo"));
    assertThat(p.reason()).startsWith("is not in the image");
    assertThat(p.fix()).startsWith("did you mean /hello?");
  }

  @Test
  void aScriptWithoutItsInterpreterGetsItsOwnFix() throws Exception {
    Image image = Image.fromScratch().add(Entry.file("/run.sh", text("#!/bin/bash\necho hi\n")).withMode(0755))
        .entrypoint("/run.sh");
    ImageCheckException e = refused(image);
    assertThat(e).isInstanceOf(MissingDependencyException.class);
    Problem p = onlyProblem(image);
    assertThat(p.reason()).contains("#!/bin/bash").contains("no /bin/bash");
    assertThat(p.fix()).contains("add /bin/bash").contains("base image that has it");
  }

  @Test
  void everyProblemIsListedAndIOExceptionCatchesThem() throws Exception {
    Image image = Image.fromScratch().add(notExecutable, "/hello").entrypoint("/hello").user("nobody")
        .add(Entry.file("/etc/resolv.conf", text("nameserver 1.1.1.1\n")));
    ImageCheckException e = refused(image);
    assertThat(e.problems()).extracting(Problem::check)
        .containsExactly(ImageCheck.USER, ImageCheck.ENTRYPOINT, ImageCheck.RUNTIME_PATHS);
    assertThat(e).isInstanceOf(IOException.class);
    assertThat(e.getMessage()).contains("(3 problems)")
        .contains("Image.without(ImageCheck.ENTRYPOINT, ImageCheck.USER, ImageCheck.RUNTIME_PATHS)");
  }

  @Test
  void pathsTheRuntimeMountsOverAreRefused() throws Exception {
    for (String path : new String[] {"/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/dev/null", "/proc/cpuinfo",
        "/sys/kernel/x"}) {
      Image image = Image.fromScratch().add(hello, "/hello").entrypoint("/hello").add(Entry.file(path, text("x")));
      Problem p = onlyProblem(image);
      assertThat(p.check()).isEqualTo(ImageCheck.RUNTIME_PATHS);
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.reason()).contains("never seen");
      assertThat(p.fix()).contains("the runtime provides it");
      written(image.without(ImageCheck.RUNTIME_PATHS));
    }
    // Mount points themselves are fine, as bases have them, and so are names that only begin like them.
    written(Image.fromScratch().add(hello, "/hello").entrypoint("/hello").add(Entry.directory("/proc"))
        .add(Entry.directory("/dev")).add(Entry.directory("/sys")).add(Entry.file("/sysroot/lib/a", text("x")))
        .add(Entry.file("/devices", text("x"))).add(Entry.file("/etc/hosts.allow", text("x"))));
  }

  @Test
  void theEntrypointIsFoundThroughLinksInsideTheImage() throws Exception {
    written(Image.fromScratch().add(hello, "/opt/app/hello").add(Entry.symlink("/usr/bin/hello", "../../opt/app/hello"))
        .entrypoint("hello"));
    written(Image.fromScratch().add(hello, "/opt/app/hello").add(Entry.symlink("/app", "/opt/app"))
        .entrypoint("/app/hello"));
    Problem dangling = onlyProblem(Image.fromScratch().add(hello, "/hello").add(Entry.symlink("/app", "/opt/gone"))
        .entrypoint("/app"));
    assertThat(dangling.reason()).contains("/opt is not in the image (the way leads through the symbolic link /app -> /opt/gone)");
    Problem loop = onlyProblem(Image.fromScratch().add(hello, "/hello").add(Entry.symlink("/a", "b"))
        .add(Entry.symlink("/b", "a")).entrypoint("/a"));
    assertThat(loop.reason()).contains("a loop");
    Problem throughFile = onlyProblem(Image.fromScratch().add(hello, "/hello").entrypoint("/hello/x"));
    assertThat(throughFile.reason()).contains("/hello is a regular file, not a directory");
  }

  @Test
  void aRelativePathStartsFromTheWorkingDirectory() throws Exception {
    written(Image.fromScratch().add(hello, "/srv/bin/hello").workingDir("/srv").entrypoint("./bin/hello"));
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/srv/bin/hello").entrypoint("./bin/hello"));
    assertThat(p.reason()).contains("cannot be reached: /bin is not in the image");
  }

  @Test
  void aMissingWorkingDirectoryIsCreated() throws Exception {
    Path out = dir.resolve("wd.tar");
    Image.fromScratch().add(hello, "/hello").entrypoint("/hello").workingDir("/data/work").writeTo(out);
    Image read = Image.from(out);
    assertThat(read.fileSystem().get("/data/work")).isInstanceOf(DirectoryEntry.class);
    assertThat(read.fileSystem().get("/data/work").mode()).isEqualTo(0755);
    // Through the image's links, and not again where it exists.
    Path linked = dir.resolve("linked.tar");
    Image.fromScratch().add(hello, "/hello").add(Entry.directory("/srv")).add(Entry.symlink("/app", "srv"))
        .entrypoint("/hello").workingDir("/app/data").writeTo(linked);
    Image l = Image.from(linked);
    assertThat(l.fileSystem()).containsKey("/srv/data").doesNotContainKey("/app/data");
    assertThat(l.fileSystem().get("/app")).isInstanceOf(SymlinkEntry.class);
    Path existing = dir.resolve("existing.tar");
    Image.fromScratch().add(hello, "/hello").add(Entry.directory("/srv")).entrypoint("/hello").workingDir("/srv")
        .writeTo(existing);
    assertThat(Image.from(existing).layers().get(0).entries()).extracting(Entry::path)
        .containsExactly("/hello", "/srv");
  }

  @Test
  void usersAndGroupsAreResolvedAsRuncDoes() throws Exception {
    Image base = Image.fromScratch()
        .add(Entry.file("/etc/passwd", text("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/sbin/nologin\n")))
        .add(Entry.file("/etc/group", text("root:x:0:\napp:x:1000:\nstaff:x:50:app\n")))
        .add(Entry.file("/hello", helloBytes()).withMode(0750).withOwner(0, 50))
        .entrypoint("/hello");
    // app is in staff (a supplementary group), which may execute it.
    written(base.user("app"));
    // With an explicit group, runc sets no supplementary groups.
    Problem explicit = onlyProblem(base.user("app:app"));
    assertThat(explicit.reason()).contains("uid 1000 (app), gid 1000");
    Problem group = onlyProblem(base.user("app:wheel"));
    assertThat(group.path()).isEqualTo("/etc/group");
    assertThat(group.reason()).contains("has no group wheel");
    assertThat(group.fix()).contains("user(\"65532:65532\")");
    Problem unknown = onlyProblem(base.user("nobody"));
    assertThat(unknown.reason()).contains("has no user nobody");
    Problem range = onlyProblem(base.user("4294967296"));
    assertThat(range.reason()).contains("out of range");
    written(base.user("nobody").without(ImageCheck.USER));
  }

  @Test
  void aDirectoryOnTheWayTheUserMayNotSearch() throws Exception {
    Image image = Image.fromScratch().add(Entry.directory("/app").withMode(0700)).add(Entry.file("/app/hello", helloBytes())
        .withMode(0755)).entrypoint("/app/hello").user("65532");
    Problem p = onlyProblem(image);
    assertThat(p.path()).isEqualTo("/app");
    assertThat(p.reason()).contains("may not search it (mode 0700, owner 0:0)");
    written(image.user("0"));
  }

  @Test
  void theChecksCoverTheCommandWhenThereIsNoEntrypoint() throws Exception {
    Problem p = onlyProblem(Image.fromScratch().add(hello, "/hello").cmd("/helo"));
    assertThat(p.fix()).contains("point the cmd at a program");
    written(Image.fromScratch().add(hello, "/hello").cmd("/hello"));
  }

  @Test
  void anImageWithLayersAndNothingToRunIsData() throws Exception {
    written(Image.fromScratch().add(Entry.file("/data.txt", text("data"))));
  }

  @Test
  void aBaseImagesPasswdInACompressedLayerIsRead() throws Exception {
    Path base = dir.resolve("../base-" + System.nanoTime() + ".tar").normalize();
    try {
      Image.fromScratch().add(Entry.file("/etc/passwd", text("svc:x:200:200::/:/sbin/nologin\n")))
          .add(hello, "/hello").entrypoint("/hello")
          .writeTo(base, WriteOptions.defaults().withCompression(Compression.GZIP));
      written(Image.from(base).user("svc"));
      assertThat(onlyProblem(Image.from(base).user("other")).reason()).contains("has no user other");
    } finally {
      Files.deleteIfExists(base);
    }
  }

  @Test
  void withoutDependencyCheckStillTurnsOffWhatItDid() throws Exception {
    Image image = Image.fromScratch().add(hello, "/hello").entrypoint("/helo");
    assertThatThrownBy(() -> image.writeTo(dir.resolve("x.tar"))).isInstanceOf(ImageCheckException.class);
    written(image.withoutDependencyCheck());
  }
}
