package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's code honest: every Java block in it must be in {@link ReadmeExamples}, which
 * the build compiles, and the blocks that need no registry or downloaded base are run here.
 *
 * <p>The examples name files relative to the working directory, as a user's program would, so
 * Maven runs this class in an execution of its own whose working directory is
 * {@code samples/target/readme}; run elsewhere (say with {@code -Dtest=} from {@code samples}),
 * the running tests are skipped rather than writing into the source tree.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of(System.getProperty("scratch4j.readme", "../README.md"));
  private static final Path EXAMPLES = Path.of(System.getProperty("scratch4j.readme.examples",
      "src/test/java/io/github/scratch4j/samples/ReadmeExamples.java"));
  private static final Path HERE = Path.of("").toAbsolutePath();

  private static byte[] hello;

  @BeforeAll
  static void filesTheExamplesName() throws IOException {
    if (!inOwnDirectory()) {
      return;
    }
    hello = MinimalElf.forHost();
    executable(HERE.resolve("hello"), hello);
    executable(HERE.resolve("app"), hello);
    executable(HERE.resolve("amd64/app"), MinimalElf.x86_64());
    executable(HERE.resolve("arm64/app"), MinimalElf.aarch64());
    Files.createDirectories(HERE.resolve("third-party"));
    Files.writeString(HERE.resolve("third-party/README"), "vendored\n");
    Files.writeString(HERE.resolve("NOTICE"), "notice\n");
    try (OutputStream out = Files.newOutputStream(HERE.resolve("dist.zip"));
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("model.bin"));
      zip.write(new byte[] {1, 2, 3, 4, 5});
      zip.closeEntry();
    }
    Files.createDirectories(HERE.resolve("layout-dir"));
  }

  private static boolean inOwnDirectory() {
    return HERE.getFileName().toString().equals("readme") && HERE.getParent().getFileName().toString().equals("target");
  }

  private static void executable(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void assumeOwnDirectory() {
    assumeTrue(inOwnDirectory(), "the README examples write relative paths; Maven runs them in samples/target/readme, "
        + "and this run's working directory is " + HERE);
  }

  @Test
  void everyJavaBlockOfTheReadmeIsCompiledInReadmeExamples() throws IOException {
    List<String> source = trimmed(Files.readAllLines(EXAMPLES));
    List<String> readme = Files.readAllLines(README);
    List<String> missing = new ArrayList<>();
    int blocks = 0;
    for (int i = 0; i < readme.size(); i++) {
      if (!readme.get(i).strip().equals("```java")) {
        continue;
      }
      int start = i + 1;
      int end = start;
      while (end < readme.size() && !readme.get(end).strip().equals("```")) {
        end++;
      }
      blocks++;
      List<String> block = trimmed(readme.subList(start, end));
      if (block.isEmpty() || java.util.Collections.indexOfSubList(source, block) < 0) {
        missing.add("README.md line " + start + ": " + (block.isEmpty() ? "(empty)" : block.get(0)));
      }
      i = end;
    }
    assertThat(blocks).as("java blocks in %s", README).isGreaterThanOrEqualTo(8);
    assertThat(missing).as("README blocks not found line for line in %s", EXAMPLES).isEmpty();
  }

  private static List<String> trimmed(List<String> lines) {
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
  }

  @Test
  void theFirstExampleWritesARunnableHelloImage() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.hello();
    Image image = Archive.read(HERE.resolve("hello.tar")).image("hello:latest").orElseThrow();
    assertThat(image.config().entrypoint()).containsExactly("/hello");
    FileEntry file = image.layers().get(0).file("/hello").orElseThrow();
    assertThat(file.mode() & 0111).isNotZero();
    ReadmeExamples.readBack(hello);
  }

  @Test
  void theConfigurationExampleSetsEachField() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.configure();
    Image image = Archive.read(HERE.resolve("app.tar")).image("registry.example.com/team/app:1.2").orElseThrow();
    ImageConfig config = image.config();
    assertThat(config.entrypoint()).containsExactly("/app");
    assertThat(config.cmd()).containsExactly("--port", "8080");
    assertThat(config.env("APP_MODE")).contains("production");
    assertThat(config.user()).contains("65532");
    assertThat(config.workingDir()).contains("/data");
    assertThat(config.exposedPorts()).containsExactly("8080/tcp");
    assertThat(config.labels()).containsEntry("org.opencontainers.image.source", "https://example.com/app");
    assertThat(image.fileSystem()).containsKeys("/app", "/data");
  }

  @Test
  void theFilesExampleTakesBytesAStreamAndEntries() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.filesFromBytesAndStreams();
    Image image = Archive.read(HERE.resolve("files.tar")).images().get(0);
    assertThat(content(image, "/etc/app/config.yaml")).isEqualTo("mode: production\n".getBytes(StandardCharsets.UTF_8));
    assertThat(content(image, "/opt/model.bin")).containsExactly(1, 2, 3, 4, 5);
    assertThat(image.fileSystem()).containsKeys("/var/lib/app", "/usr/local/bin/app", "/app");
    assertThat(image.layers()).hasSize(2);
  }

  @Test
  void theRunWithoutDockerExampleWritesARootAndABundle() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.runWithoutDocker();
    ReadmeExamples.runWithoutDocker(); // again: the targets are replaced
    assertThat(HERE.resolve("rootfs/hello")).isExecutable();
    assertThat(Files.readAllBytes(HERE.resolve("hello-bundle/rootfs/hello"))).isEqualTo(hello);
    String config = Files.readString(HERE.resolve("hello-bundle/config.json"));
    assertThat(config).contains("\"hostname\":\"box\"", "\"limit\":83886080", "\"readonly\":true",
        "\"quota\":" + Math.round(0.05 * Runtime.getRuntime().availableProcessors() * 100_000), "\"args\":[\"/hello\"]");
  }

  @Test
  void theLayersExampleMakesTwoLayers() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.layers();
    Image image = Archive.read(HERE.resolve("layers.tar")).images().get(0);
    assertThat(image.layers()).hasSize(2);
    assertThat(image.layers().get(0).entry("/opt/lib/README")).isPresent();
    assertThat(image.layers().get(0).entry("/opt/NOTICE")).isPresent();
    assertThat(image.layers().get(1).entry("/app")).isPresent();
  }

  @Test
  void theMultiPlatformExampleWritesAnIndexOfTwoPlatforms() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.multiPlatform();
    Archive archive = Archive.read(HERE.resolve("app-multi.tar"));
    assertThat(archive.indexes()).hasSize(1);
    ImageIndex index = archive.indexes().get(0);
    assertThat(index.images()).extracting(i -> i.config().platform().orElseThrow())
        .containsExactly(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
  }

  @Test
  void theProgressExampleWritesTheImage() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.progress();
    assertThat(Archive.read(HERE.resolve("app.tar")).images().get(0).file("/app")).isPresent();
  }

  @Test
  void theSystemFilesExampleAddsUserCertificatesZonesAndTmp() throws IOException {
    assumeOwnDirectory();
    ReadmeExamples.systemFiles();
    Image image = Archive.read(HERE.resolve("app.tar")).images().get(0);
    assertThat(image.config().user()).contains("65532");
    assertThat(image.fileSystem()).containsKeys("/etc/passwd", "/etc/group", "/etc/ssl/certs/ca-certificates.crt",
        "/usr/share/zoneinfo/Asia/Tokyo", "/usr/share/zoneinfo/UTC", "/tmp");
  }

  @Test
  void theOtherShapesExampleWritesEachShape() throws IOException {
    assumeOwnDirectory();
    Image scratch = Image.fromScratch().add(Entry.file("/hello", Source.of(hello)).withMode(0755)).entrypoint("/hello");
    Image amd64 = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.x86_64())).withMode(0755))
        .entrypoint("/hello");
    Image arm64 = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.aarch64())).withMode(0755))
        .entrypoint("/hello");
    ReadmeExamples.otherShapes(scratch.tag("hello:latest"), scratch.tag("hello:scratch"),
        scratch.add(Entry.file("/etc/motd", Source.of(new byte[] {'h', 'i'}))).tag("hello:alpine"),
        amd64, arm64);
    assertThat(HERE.resolve("layout-dir/index.json")).isRegularFile();
    assertThat(HERE.resolve("out/oci-layout")).isRegularFile();
    assertThat(Archive.read(HERE.resolve("both.tar")).images()).hasSize(2);
    assertThat(Archive.read(HERE.resolve("multi.tar")).indexes()).hasSize(1);
  }

  private static byte[] content(Image image, String path) throws IOException {
    Entry entry = image.fileSystem().get(path);
    assertThat(entry).as(path).isInstanceOf(FileEntry.class);
    return ((FileEntry) entry).source().readAllBytes();
  }
}
