package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Source;
import io.github.scratch4j.TarFiles;
import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarNames;
import io.github.scratch4j.internal.tar.TarReader;
import io.github.scratch4j.internal.tar.TarType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base images as other tools make them, made by those tools in the test: {@code docker build} and
 * {@code docker save} of an image that repeats a layer (Docker 20.10 stores the repeat as a
 * symbolic link), a root file system with sparse files written by GNU tar, and one with a name
 * that is not UTF-8; images built on them are loaded into Docker and exported again, and Docker's
 * view of their files is compared with scratch4j's.
 */
class ForeignBasesIT {
  private static final Duration MINUTES = Duration.ofMinutes(3);
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  private static final List<String> images = new ArrayList<>();
  private static final List<String> containers = new ArrayList<>();

  @TempDir Path dir;

  @AfterAll
  static void removeWhatWasLoaded() {
    for (String c : containers) {
      Commands.run(Duration.ofMinutes(1), "docker", "rm", "-f", c);
    }
    for (String t : images) {
      Commands.run(Duration.ofMinutes(1), "docker", "rmi", "-f", t);
    }
  }

  private static String tag(String name) {
    String t = "scratch4j-it/foreign-" + name + "-" + ID + ":latest";
    images.add(t);
    return t;
  }

  /** The files of the image as Docker extracts them: name (as bytes, in Latin-1 text) to content. */
  private Map<String, byte[]> dockerExport(String image) throws IOException {
    String container = Commands.run(MINUTES, "docker", "create", image, "/none").assertSuccess().stdout().strip();
    containers.add(container);
    Path exported = dir.resolve("export-" + container + ".tar");
    Commands.run(MINUTES, "docker", "export", "-o", exported.toString(), container).assertSuccess();
    Map<String, byte[]> files = new HashMap<>();
    try (TarReader r = new TarReader(Files.newInputStream(exported), exported.toString())) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        if (e.get().type() == TarType.FILE) {
          String raw = new String(TarNames.encode(e.get().name()), StandardCharsets.ISO_8859_1);
          files.put(raw, r.content().readAllBytes());
        }
      }
    }
    return files;
  }

  private static boolean hasSymlinkedLayer(Path saved) throws IOException {
    try (TarReader r = new TarReader(Files.newInputStream(saved), saved.toString())) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        if (e.get().type() == TarType.SYMLINK && e.get().name().endsWith("/layer.tar")) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void readsDockersOwnSaveOfAnImageThatRepeatsALayer() throws IOException {
    Commands.requireDocker();
    Path context = Files.createDirectories(dir.resolve("context"));
    // Random content, so that no layer another test loaded is reused; COPY of the same file twice
    // makes two identical layers (same content, same mode and time), which docker save stores once.
    byte[] content = new byte[64];
    new Random().nextBytes(content);
    Files.write(context.resolve("a"), content);
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY a /a\nCOPY a /a\n");
    String built = tag("repeat");
    // The classic builder, which Docker 20.10 uses by default and which needs no BuildKit or network.
    Commands.run(MINUTES, context, "env", "DOCKER_BUILDKIT=0", "docker", "build", "-q", "-t", built, ".").assertSuccess();
    Path saved = dir.resolve("saved.tar");
    Commands.run(MINUTES, "docker", "save", "-o", saved.toString(), built).assertSuccess();
    String version = Commands.run(MINUTES, "docker", "version", "--format", "{{.Server.Version}}").assertSuccess()
        .stdout().strip();
    if (version.startsWith("20.10.")) {
      assertThat(hasSymlinkedLayer(saved)).as("Docker " + version + " saves the repeated layer as a link").isTrue();
    }

    Image image = Image.from(saved);
    assertThat(image.layers()).hasSize(2);
    assertThat(image.layers().get(1).blob()).isEqualTo(image.layers().get(0).blob());
    assertThat(image.layers().get(1).file("/a").orElseThrow().source().readAllBytes()).isEqualTo(content);
    assertThat(Archive.read(saved).image(built)).isPresent();

    // Built on and loaded back, Docker sees the same file.
    Path out = dir.resolve("derived.tar");
    String derived = tag("repeat-derived");
    image.add(Entry.file("/b", Source.of("b\n".getBytes(StandardCharsets.UTF_8)))).add(Nonce.entry()).tag(derived)
        .writeTo(out);
    Commands.run(MINUTES, "docker", "load", "-i", out.toString()).assertSuccess();
    Map<String, byte[]> files = dockerExport(derived);
    assertThat(files.get("a")).isEqualTo(content);
    assertThat(files.get("b")).isEqualTo("b\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void dockerExtractsASparseBaseFileAsScratch4jReadsIt() throws IOException {
    Commands.requireDocker();
    Commands.require("tar");
    Path root = Files.createDirectories(dir.resolve("rootfs/data"));
    byte[] expected = new byte[3 << 20];
    Random random = new Random();
    try (RandomAccessFile f = new RandomAccessFile(root.resolve("holes").toFile(), "rw")) {
      f.setLength(expected.length);
      for (int at : new int[] {8192, 2 << 20}) {
        byte[] data = new byte[4096];
        random.nextBytes(data);
        f.seek(at);
        f.write(data);
        System.arraycopy(data, 0, expected, at, data.length);
      }
    }
    for (String format : List.of("posix-0.1", "posix-1.0")) {
      Path rootfs = dir.resolve(format + ".tar");
      List<String> argv = new ArrayList<>(List.of("tar", "-S", "--owner=0", "--group=0"));
      argv.addAll(List.of("--format=posix", "--sparse-version=" + format.substring("posix-".length())));
      argv.addAll(List.of("-C", dir.resolve("rootfs").toString(), "-cf", rootfs.toString(), "data"));
      Commands.run(MINUTES, argv.toArray(String[]::new)).assertSuccess();
      Image base = Image.from(rootfs);
      assertThat(base.layers().get(0).file("/data/holes").orElseThrow().source().readAllBytes()).isEqualTo(expected);
      String t = tag("sparse-" + format.replace('.', '-'));
      Path out = dir.resolve("sparse-" + format + "-image.tar");
      base.add(Entry.file("/marker", Source.of(new byte[] {1}))).add(Nonce.entry()).tag(t).writeTo(out);
      Commands.run(MINUTES, "docker", "load", "-i", out.toString()).assertSuccess();
      assertThat(dockerExport(t).get("data/holes")).as(format).isEqualTo(expected);
    }
  }

  @Test
  void aBaseNameThatIsNotUtf8IsRemovedForDockerToo() throws IOException {
    Commands.requireDocker();
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9, '.', 't', 'x', 't'};
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(TarFiles.rawFile(latin1, "latin-1\n".getBytes(StandardCharsets.US_ASCII)));
    tar.writeBytes(TarFiles.rawFile("café.txt".getBytes(StandardCharsets.UTF_8), "utf-8\n".getBytes(StandardCharsets.US_ASCII)));
    tar.writeBytes(TarFiles.rawFile("keep".getBytes(StandardCharsets.US_ASCII), "k\n".getBytes(StandardCharsets.US_ASCII)));
    // So that the base layer is new to the daemon, and Docker really extracts these names.
    tar.writeBytes(TarFiles.rawFile("nonce".getBytes(StandardCharsets.US_ASCII), Nonce.text().getBytes(StandardCharsets.US_ASCII)));
    tar.writeBytes(new byte[1024]);
    Path rootfs = Files.write(dir.resolve("names.tar"), tar.toByteArray());

    String kept = tag("names-kept");
    Path keptOut = dir.resolve("kept.tar");
    Image.from(rootfs).add(Entry.file("/marker", Source.of(new byte[] {1}))).add(Nonce.entry()).tag(kept)
        .writeTo(keptOut);
    Commands.run(MINUTES, "docker", "load", "-i", keptOut.toString()).assertSuccess();
    String latin1Name = new String(latin1, StandardCharsets.ISO_8859_1);
    String utf8Name = new String("café.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(dockerExport(kept)).containsKeys(latin1Name, utf8Name, "keep");

    String removed = tag("names-removed");
    Path removedOut = dir.resolve("removed.tar");
    Image.from(rootfs).remove("/caf\uDCE9.txt").add(Nonce.entry()).tag(removed).writeTo(removedOut);
    Commands.run(MINUTES, "docker", "load", "-i", removedOut.toString()).assertSuccess();
    Map<String, byte[]> files = dockerExport(removed);
    assertThat(files).doesNotContainKey(latin1Name).containsKeys(utf8Name, "keep");
  }
}
