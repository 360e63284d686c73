package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same inputs give byte-identical archives, whatever the sources' metadata. */
class ReproducibilityTest {
  @TempDir Path dir;

  /** Writes the same tree with different timestamps, permissions (as umasks leave them) and owners. */
  private Path tree(String name, Instant time, String filePermissions, int owner) throws Exception {
    Path root = Files.createDirectories(dir.resolve(name));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path app = Files.writeString(bin.resolve("app"), "#!/bin/app\n");
    Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-x---"));
    Path conf = Files.createDirectories(root.resolve("etc/app"));
    Path yaml = Files.writeString(conf.resolve("app.yaml"), "port: 80\n");
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString(filePermissions));
    Files.createSymbolicLink(root.resolve("app"), Path.of("bin/app"));
    Files.createDirectories(root.resolve("var/empty"));
    chown(root, owner);
    try (var files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.from(time));
        }
      }
    }
    return root;
  }

  private static void chown(Path root, int owner) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("chown", "-hR", owner + ":" + owner, root.toString()).start();
    assertThat(p.waitFor()).isZero();
  }

  private byte[] build(Path root, String name) throws IOException {
    Path out = dir.resolve(name);
    Image.fromScratch().add(root, "/").entrypoint("/app").tag("app:1").writeTo(out);
    return Files.readAllBytes(out);
  }

  @Test
  void sameInputsGiveTheSameBytes() throws Exception {
    Path a = tree("a", Instant.parse("2001-02-03T04:05:06.789Z"), "rw-r--r--", 0);
    Path b = tree("b", Instant.parse("2024-12-31T23:59:59Z"), "rw-rw-r--", 4242);
    byte[] first = build(a, "a.tar");
    byte[] second = build(b, "b.tar");
    assertThat(second).isEqualTo(first);
    assertThat(build(a, "a-again.tar")).isEqualTo(first);
  }

  @Test
  void differentContentGivesDifferentBytes() throws Exception {
    Path a = tree("a", Instant.parse("2001-02-03T04:05:06Z"), "rw-r--r--", 0);
    byte[] first = build(a, "a.tar");
    Files.writeString(a.resolve("etc/app/app.yaml"), "port: 81\n");
    assertThat(build(a, "a2.tar")).isNotEqualTo(first);
  }

  @Test
  void everyEntryGetsTheFixedTimestampAndRootOwnership() throws Exception {
    Path a = tree("a", Instant.parse("2001-02-03T04:05:06Z"), "rw-r--r--", 4242);
    Path out = dir.resolve("a.tar");
    Manifest m = Image.fromScratch().add(a, "/").writeTo(out);
    var tar = TarFiles.read(out);
    var layer = TarFiles.read(tar.get("blobs/sha256/" + m.layers().get(0).digest().hex()).content());
    assertThat(layer.keySet()).containsExactly(
        "app", "bin/", "bin/app", "etc/", "etc/app/", "etc/app/app.yaml", "var/", "var/empty/");
    for (TarFiles.Item item : layer.values()) {
      assertThat(item.header().getLastModifiedTime().toInstant()).isEqualTo(Instant.ofEpochSecond(1));
      assertThat(item.header().getLongUserId()).isZero();
      assertThat(item.header().getLongGroupId()).isZero();
      assertThat(item.header().getUserName()).isEmpty();
    }
    for (TarFiles.Item item : tar.values()) {
      assertThat(item.header().getLastModifiedTime().toInstant()).isEqualTo(Instant.ofEpochSecond(1));
    }
  }
}
