package io.github.scratch4j.elf;

import io.github.scratch4j.testing.ElfBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyResolverTest {
  @TempDir Path dir;

  private static final DependencyResolver HOST = DependencyResolver.of(RootFileSystem.of(Path.of("/")));

  /** Recreates a closure's files and links under {@code root}, as an image would hold them. */
  private static void copy(DependencyClosure closure, Path root) throws IOException {
    for (DependencyClosure.Symlink l : closure.symlinks()) {
      Path at = root.resolve(l.path().substring(1));
      Files.createDirectories(at.getParent());
      if (!Files.exists(at, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(at, Path.of(l.target()));
      }
    }
    for (DependencyClosure.File f : closure.files()) {
      Path at = root.resolve(f.path().substring(1));
      Files.createDirectories(at.getParent());
      Files.copy(f.hostPath().orElseThrow(), at, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  /**
   * Runs a binary chrooted into {@code root}, with /proc mounted there in a private mount
   * namespace (the loader reads /proc/self/exe to expand $ORIGIN): proof that the closure is
   * complete.
   */
  private static String runChrooted(Path root, String binary) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      Tools.unavailable("running a binary chrooted needs root");
    }
    Tools.require("chroot");
    Path unshare = Tools.require("unshare");
    Files.createDirectories(root.resolve("proc"));
    Tools.Result r = Tools.run(List.of(unshare.toString(), "--mount", "--fork", "sh", "-c",
        "mount -t proc proc \"$1/proc\" && exec chroot \"$1\" \"$2\"", "sh", root.toString(), binary));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  @Test
  void glibcHelloNeedsItsLoaderAndLibcAndRunsWithThemAlone() throws Exception {
    Path hello = Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C);
    DependencyClosure closure = HOST.resolve(hello.toString());
    assertThat(closure.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
    // libc.so.6 itself needs the loader, which the search finds as the same file as the interpreter.
    assertThat(closure.libraries()).extracting(DependencyClosure.Library::name)
        .containsExactly("libc.so.6", "ld-linux-x86-64.so.2");
    assertThat(closure.files()).extracting(DependencyClosure.File::path)
        .contains(hello.toString())
        .anyMatch(p -> p.endsWith("/libc.so.6"))
        .anyMatch(p -> p.endsWith("/ld-linux-x86-64.so.2"));
    // Debian's usrmerge: /lib64 is a link, kept as one so the interpreter path works in the copy.
    assertThat(closure.symlinks()).extracting(DependencyClosure.Symlink::path).contains("/lib64");

    Path root = Files.createDirectories(dir.resolve("root"));
    copy(closure, root);
    assertThat(DependencyResolver.of(RootFileSystem.of(root)).check(hello.toString()).satisfied()).isTrue();
    assertThat(runChrooted(root, hello.toString())).isEqualTo("hello world\n");
  }

  @Test
  void muslHelloUsesMuslsSearchPath() throws Exception {
    Path hello = Tools.compileC(dir, "musl-gcc", "hello", Tools.HELLO_C);
    DependencyClosure closure = HOST.resolve(hello.toString());
    assertThat(closure.interpreter()).hasValueSatisfying(i -> assertThat(i).contains("ld-musl-"));
    Path root = Files.createDirectories(dir.resolve("root"));
    copy(closure, root);
    assertThat(runChrooted(root, hello.toString())).isEqualTo("hello world\n");
  }

  @Test
  void originRunpathAndSonameLinks() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app/bin"));
    Path lib = Files.createDirectories(dir.resolve("app/lib"));
    Path real = Tools.compileC(lib, "gcc", "libgreet.so.1.2.3",
        "#include <stdio.h>\nvoid greet(void) { puts(\"hello world\"); }\n",
        "-shared", "-fPIC", "-Wl,-soname,libgreet.so.1");
    Files.createSymbolicLink(lib.resolve("libgreet.so.1"), Path.of("libgreet.so.1.2.3"));
    Files.createSymbolicLink(lib.resolve("libgreet.so"), Path.of("libgreet.so.1"));
    Path binary = Tools.compileC(app, "gcc", "greeter", "void greet(void); int main(void) { greet(); return 0; }\n",
        "-L" + lib, "-lgreet", "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags");
    DependencyClosure closure = HOST.resolve(binary.toString());
    assertThat(closure.libraries()).extracting(DependencyClosure.Library::name).startsWith("libgreet.so.1", "libc.so.6");
    assertThat(closure.libraries().get(0).path()).isEqualTo(lib + "/libgreet.so.1");
    assertThat(closure.symlinks()).contains(new DependencyClosure.Symlink(lib + "/libgreet.so.1", "libgreet.so.1.2.3"));
    assertThat(closure.files()).extracting(DependencyClosure.File::path).contains(real.toString());

    Path root = Files.createDirectories(dir.resolve("root"));
    copy(closure, root);
    assertThat(runChrooted(root, binary.toString())).isEqualTo("hello world\n");
  }

  @Test
  void ldSoConfIncludesAreFollowed() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
    Files.writeString(root.resolve("etc/ld.so.conf"), "# comment\ninclude /etc/ld.so.conf.d/*.conf\n");
    Files.writeString(root.resolve("etc/ld.so.conf.d/mine.conf"), "/opt/mylib\n");
    Path opt = Files.createDirectories(root.resolve("opt/mylib"));
    Tools.compileC(opt, "gcc", "libgreet.so", "int greet(void) { return 0; }\n", "-shared", "-fPIC");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Tools.compileC(bin, "gcc", "app", "int greet(void); int main(void) { return greet(); }\n",
        "-L" + opt, "-lgreet");
    DependencyReport report = DependencyResolver.of(RootFileSystem.of(root)).check("/bin/app");
    assertThat(report.missingLibraries()).containsExactly("libc.so.6");
    assertThat(report.missingInterpreter()).contains("/lib64/ld-linux-x86-64.so.2");
    assertThat(report.searched()).startsWith("/opt/mylib");
  }

  @Test
  void missingLibrariesAreAllReportedWithWhereTheSearchLooked() throws Exception {
    Path root = Files.createDirectories(dir.resolve("empty-root"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C), bin.resolve("hello"));
    DependencyResolver resolver = DependencyResolver.of(RootFileSystem.of(root));
    assertThatThrownBy(() -> resolver.resolve("/bin/hello"))
        .isInstanceOf(UnresolvedDependencyException.class)
        .hasMessageContaining("/bin/hello")
        .hasMessageContaining("/lib64/ld-linux-x86-64.so.2")
        .hasMessageContaining("libc.so.6")
        .hasMessageContaining("/usr/lib/x86_64-linux-gnu");
  }

  @Test
  void aLibraryOfTheWrongClassIsSkipped() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path wrong = Files.createDirectories(root.resolve("lib"));
    Files.write(wrong.resolve("libgreet.so"), ElfBuilder.elf32().type(3).soname("libgreet.so").entry(0).build().bytes());
    Path right = Files.createDirectories(root.resolve("usr/lib"));
    Files.write(right.resolve("libgreet.so"), ElfBuilder.elf64().type(3).soname("libgreet.so").entry(0).build().bytes());
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.write(bin.resolve("app"), ElfBuilder.elf64().type(3).interp("/lib/ld.so").needed("libgreet.so")
        .flags1(ElfFile.DF_1_PIE).build().bytes());
    Files.write(wrong.resolve("ld.so"), ElfBuilder.elf64().type(3).build().bytes());
    DependencyClosure closure = DependencyResolver.of(RootFileSystem.of(root)).resolve("/bin/app");
    assertThat(closure.libraries()).extracting(DependencyClosure.Library::path).containsExactly("/usr/lib/libgreet.so");
  }

  @Test
  void symlinksStayInsideTheRoot() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/up"), Path.of("../../../../../etc"));
    Files.createSymbolicLink(root.resolve("a/abs"), Path.of("/etc"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/inside"), "x");
    DependencyResolver r = DependencyResolver.of(RootFileSystem.of(root));
    assertThat(r.follow("/a/up/inside")).contains("/etc/inside");
    assertThat(r.follow("/a/abs/inside")).contains("/etc/inside");
    assertThat(r.follow("/a/up/passwd")).isEmpty();
    Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(root.resolve("loop2"), Path.of("loop1"));
    assertThatThrownBy(() -> r.follow("/loop1")).hasMessageContaining("too many levels of symbolic links");
  }
}
