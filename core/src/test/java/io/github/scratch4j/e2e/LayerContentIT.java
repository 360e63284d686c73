package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.CopyOption;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tar details that bite: long and non-ASCII names, links, empty directories, special permission
 * bits and many files, checked after {@code umoci unpack} of the archive's OCI layout.
 */
class LayerContentIT {
  static final String LONG_101 = "/long/" + "d".repeat(60) + "/" + "f".repeat(40) + ".txt";
  static final String LONG_300 = "/long/" + ("segment-" + "x".repeat(40) + "/").repeat(6) + "deep-file.txt";
  static final int MANY = 10_000;

  @TempDir static Path dir;
  static Path rootfs;

  @BeforeAll
  static void unpack() throws Exception {
    Commands.require("umoci", "tar");
    assertThat(LONG_101.length()).isGreaterThan(100);
    assertThat(LONG_300.length()).isGreaterThan(255);

    Path many = Files.createDirectories(dir.resolve("many"));
    for (int i = 0; i < MANY; i++) {
      Path sub = Files.createDirectories(many.resolve("d" + (i % 100)));
      Files.writeString(sub.resolve("file-" + i + ".txt"), "content of " + i + "\n");
    }
    Path setuid = Files.writeString(dir.resolve("su"), "setuid, not a script\n");
    Commands.run(java.time.Duration.ofSeconds(10), "chmod", "4755", setuid.toString()).assertSuccess();

    Layer layer = Layer.builder()
        .addFile(LONG_101, text("101"))
        .addFile(LONG_300, text("300"))
        .addFile("/unicode/café.txt", text("café"))
        .addFile("/unicode/日本語/ファイル.txt", text("nihongo"))
        .addSymlink("/links/relative", "../unicode/café.txt")
        .addSymlink("/links/absolute", "/unicode/café.txt")
        .addSymlink("/links/long-target", LONG_300)
        .addSymlink("/links/dangling", "/nowhere")
        .addHardlink("/links/hard", LONG_101)
        .addDirectory("/empty/dir")
        .add(Entry.directory("/private").withMode(0700).withOwner(1000, 1000))
        .addPath(setuid, "/bin/su", CopyOption.KEEP_PERMISSIONS)
        .addPath(many, "/many")
        .build();
    Path archive = dir.resolve("content.tar");
    Image.fromScratch().add(layer).add(Nonce.entry()).tag("content:it").writeTo(archive);
    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    rootfs = RunBundles.unpack(layout, "content:it", dir.resolve("bundle")).resolve("rootfs");
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Path at(String imagePath) {
    return rootfs.resolve(imagePath.substring(1));
  }

  @Test
  void longNamesSurvive() throws Exception {
    assertThat(Files.readString(at(LONG_101))).isEqualTo("101");
    assertThat(Files.readString(at(LONG_300))).isEqualTo("300");
  }

  @Test
  void nonAsciiNamesSurvive() throws Exception {
    assertThat(Files.readString(at("/unicode/café.txt"))).isEqualTo("café");
    assertThat(Files.readString(at("/unicode/日本語/ファイル.txt"))).isEqualTo("nihongo");
  }

  @Test
  void linksKeepTheirTargets() throws Exception {
    assertThat(Files.readSymbolicLink(at("/links/relative"))).isEqualTo(Path.of("../unicode/café.txt"));
    assertThat(Files.readSymbolicLink(at("/links/absolute"))).isEqualTo(Path.of("/unicode/café.txt"));
    assertThat(Files.readSymbolicLink(at("/links/long-target")).toString()).isEqualTo(LONG_300);
    assertThat(Files.readSymbolicLink(at("/links/dangling"))).isEqualTo(Path.of("/nowhere"));
    assertThat(Files.isSameFile(at("/links/hard"), at(LONG_101))).isTrue();
  }

  @Test
  void directoriesAndModesSurvive() throws Exception {
    assertThat(at("/empty/dir")).isEmptyDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(at("/private"), LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rwx------");
    assertThat(Files.getAttribute(at("/private"), "unix:uid")).isEqualTo(1000);
    assertThat((Integer) Files.getAttribute(at("/bin/su"), "unix:mode") & 07777).isEqualTo(04755);
    assertThat((Integer) Files.getAttribute(at("/unicode/café.txt"), "unix:mode") & 07777).isEqualTo(0644);
  }

  @Test
  void tenThousandFilesSurvive() throws Exception {
    try (Stream<Path> files = Files.walk(at("/many"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(MANY);
    }
    assertThat(Files.readString(at("/many/d42/file-9942.txt"))).isEqualTo("content of 9942\n");
  }
}
