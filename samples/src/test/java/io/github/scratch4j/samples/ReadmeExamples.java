package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DockerDaemon;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Layer;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.RuntimeConfig;
import io.github.scratch4j.Source;
import io.github.scratch4j.UnpackOption;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.assertj.ImageAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Every Java block of the README, as it is printed there, so that the build compiles each one.
 * {@link ReadmeExamplesTest} checks that each block of README.md is found here line for line, and
 * runs those that need no registry, in a working directory of their own
 * ({@code samples/target/readme}) where it has put the files they name.
 */
final class ReadmeExamples {
  private ReadmeExamples() {}

  static void hello() throws IOException {
    Image.fromScratch()
         .add(Path.of("hello"))          // placed at /hello, executable bit kept
         .entrypoint("/hello")
         .writeTo(Path.of("hello.tar")); // docker load -i hello.tar && docker run --rm hello
  }

  static void configure() throws IOException {
    Image.fromScratch()
         .add(Path.of("app"))                    // a static binary, placed at /app
         .entrypoint("/app")
         .cmd("--port", "8080")                  // default arguments; docker run's replace them
         .env("APP_MODE", "production")
         .user("65532")                          // a number needs no /etc/passwd
         .workingDir("/data")                    // created when the image lacks it
         .expose("8080/tcp")
         .label("org.opencontainers.image.source", "https://example.com/app")
         .tag("registry.example.com/team/app:1.2")
         .writeTo(Path.of("app.tar"));
  }

  static void filesFromBytesAndStreams() throws IOException {
    try (ZipFile dist = new ZipFile("dist.zip")) {
      ZipEntry model = dist.getEntry("model.bin");
      Layer files = Layer.builder()
          .addFile("/etc/app/config.yaml", Source.of("mode: production\n".getBytes(StandardCharsets.UTF_8)))
          .addFile("/opt/model.bin", Source.of(model.getSize(), () -> dist.getInputStream(model)))
          .addDirectory("/var/lib/app")
          .addSymlink("/usr/local/bin/app", "/app")
          .build();
      Image.fromScratch()
           .add(files)
           .add(Entry.file("/app", Source.of(Path.of("app"))).withMode(0755))
           .entrypoint("/usr/local/bin/app")
           .writeTo(Path.of("files.tar"));
    }
  }

  static void layers() throws IOException {
    Image.fromScratch()
         .add(Path.of("third-party"), "/opt/lib")   // layer 1: consecutive add calls share one layer
         .add(Path.of("NOTICE"), "/opt/NOTICE")
         .add(Layer.builder()                       // layer 2: a Layer is a layer of its own
                   .addPath(Path.of("app"), "/app")
                   .build())
         .entrypoint("/app")
         .writeTo(Path.of("layers.tar"));
  }

  static void multiPlatform() throws IOException {
    Image amd64 = Image.fromScratch().add(Path.of("amd64/app"), "/app").entrypoint("/app");   // linux/amd64, from its ELF header
    Image arm64 = Image.fromScratch().add(Path.of("arm64/app"), "/app").entrypoint("/app");   // linux/arm64/v8
    ImageIndex.of(amd64, arm64).tag("app:1.2").writeTo(Path.of("app-multi.tar"));   // or .pushTo("registry.example.com/team/app:1.2")
  }

  /** Runs the image with Testcontainers, after loading it into the Docker daemon; returns its tag. */
  static String containerForATest(Path binary) throws IOException {
    String tag = "hello-test:" + UUID.randomUUID();                        // a new name for each run
    DockerDaemon.fromEnvironment().load(Image.fromScratch().add(binary, "/hello").entrypoint("/hello").tag(tag));
    try (GenericContainer<?> hello = new GenericContainer<>(DockerImageName.parse(tag))
             .withStartupCheckStrategy(new OneShotStartupCheckStrategy())) {   // runs once, to its exit
      hello.start();
      assertThat(hello.getLogs()).isEqualTo("hello world\n");
    }
    return tag;
  }

  static void progress() throws IOException {
    Image.fromScratch().add(Path.of("app")).entrypoint("/app")
         .writeTo(Path.of("app.tar"), WriteOptions.defaults().withProgress(e ->
             System.err.printf("blob %d: %d of %d bytes%s%n", e.blob(), e.bytes(), e.size(), e.done() ? ", done" : "")));
  }

  static void readBack(byte[] expected) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Image.fromScratch().add(Path.of("hello")).entrypoint("/hello").tag("hello:test").writeTo(out);   // no file on disk
    Archive archive = Archive.read(out.toByteArray());                                         // or an InputStream
    ImageAssertions.assertThat(archive).hasImage("hello:test")
        .hasEntrypoint("/hello").isStaticallyLinked("/hello")
        .hasFile("/hello").isExecutable().withContent(expected);
    Image image = archive.image("hello:test").orElseThrow();
    assertThat(image.file("/hello").orElseThrow().readAllBytes()).isEqualTo(expected);   // typed: no cast
  }

  static void otherShapes(Image image, Image helloScratch, Image helloAlpine, Image amd64Image, Image arm64Image)
      throws IOException {
    image.writeTo(Path.of("layout-dir"));                                   // an existing directory: an OCI image layout
    image.writeTo(Path.of("out"), WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
    image.writeTo(Path.of("hello.tar"), WriteOptions.defaults().withCompression(Compression.GZIP));
    Archive.of(helloScratch, helloAlpine).writeTo(Path.of("both.tar"));      // several images, shared blobs stored once
    ImageIndex.of(amd64Image, arm64Image).tag("hello:1.0").writeTo(Path.of("multi.tar"));
  }

  static void baseImage() throws IOException {
    Image.from(Path.of("alpine-minirootfs-3.20.0-x86_64.tar.gz"))   // or a docker save archive, an OCI layout dir or tar
         .add(Path.of("hello"), "/usr/local/bin/hello")
         .remove("/etc/motd")                                        // an OCI whiteout
         .entrypoint("/usr/local/bin/hello")
         .tag("hello:alpine")
         .writeTo(Path.of("hello-alpine.tar"));
  }

  static void registry(Image amd64, Image arm64) throws IOException {
    RegistryOptions options = RegistryOptions.defaults();                 // credentials as docker/podman have them
    Image base = Image.from("registry.example.com/base/static:1.0", options);   // or …@sha256:…
    Digest pushed = base.add(Path.of("app"), "/app").entrypoint("/app")
                        .pushTo("registry.example.com/team/app:1.2", options);
    ImageIndex.of(amd64, arm64).pushTo("registry.example.com/team/app:1.2");    // manifests first, then the index
    System.out.println(pushed);
  }

  static void runWithoutDocker() throws IOException {
    Image image = Image.fromScratch()
        .add(Path.of("hello"))
        .entrypoint("/hello");
    image.unpackTo(Path.of("rootfs"), UnpackOption.REPLACE);   // the root file system alone
    image.writeBundle(Path.of("hello-bundle"), RuntimeConfig.builder()
        .hostname("box")                      // its own uts namespace, with this name
        .memoryLimit(80L << 20)               // the memory cgroup: killed past 80 MiB, no swap
        .cpus(0.05 * Runtime.getRuntime().availableProcessors())   // 5 % of the machine
        .pidsLimit(16)                        // a fork loop stops at 16 processes
        .readOnlyRoot(true)
        .build(), UnpackOption.REPLACE);
  }

  static void systemFiles() throws IOException {
    Image.fromScratch()
         .add(Path.of("app"))
         .nonRootUser()          // runs as nonroot, uid 65532
         .caCertificates()       // this machine's CA bundle, SSL_CERT_FILE set
         .timeZones("Asia/Tokyo", "UTC")
         .tmpDirectory()         // /tmp, mode 1777
         .entrypoint("/app")
         .writeTo(Path.of("app.tar"));
  }
}
