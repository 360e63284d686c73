package io.github.scratch4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Source;
import io.github.scratch4j.samples.MinimalElf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar as a user runs it, {@code java -jar scratch4j-samples.jar COMMAND ...}: exit
 * codes of a separate process, an image it builds run by Docker, and push, inspect and verify
 * against Debian's registry.
 */
class Scratch4jIT {
  private static final Path JAR = Path.of("target/scratch4j-samples.jar");

  @TempDir Path dir;
  private Path hello;

  /** What a process printed and how it ended. */
  record Ran(int code, String out, String err) {}

  @BeforeEach
  void writeHelloBinary() throws IOException {
    assertThat(JAR).as("the shaded jar, built in the package phase").isRegularFile();
    hello = dir.resolve("hello");
    Files.write(hello, MinimalElf.forHost());
    Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Ran jar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return exec(command);
  }

  private Ran exec(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
    return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static boolean works(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void require(String tool, String... probe) {
    boolean ok = works(probe);
    if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + tool + " does not answer");
    }
    Assumptions.assumeTrue(ok, tool + " does not answer; skipping");
  }

  @Test
  void exitCodesOfTheProcess() throws Exception {
    Ran help = jar("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("build", "push", "inspect", "verify");

    Ran badFlag = jar("build", "--bogus");
    assertThat(badFlag.code()).isEqualTo(2);
    assertThat(badFlag.err()).isEqualTo("scratch4j build: unknown option --bogus for build (try 'scratch4j build --help')\n");

    Ran missing = jar("build", "--add", dir.resolve("missing").toString(), "-o", dir.resolve("x.tar").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("scratch4j build: source does not exist: " + dir.resolve("missing") + "\n");
  }

  @Test
  void builtImageRunsUnderDockerWithItsConfiguration() throws Exception {
    require("docker", "docker", "info");
    String tag = "scratch4j-cli-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
    Path out = dir.resolve("image.tar");
    Ran built = jar("build", "--add", hello.toString(), "--entrypoint", "/hello", "--env", "MODE=test", "--user", "1000",
        "--workdir", "/work", "--expose", "8080", "--label", "made.by=scratch4j", "--tag", tag, "-o", out.toString());
    assertThat(built.code()).as(built.err()).isZero();
    try {
      Ran load = exec(List.of("docker", "load", "-i", out.toString()));
      assertThat(load.out()).contains(tag);
      Ran config = exec(List.of("docker", "image", "inspect", "--format",
          "{{json .Config.Env}} {{.Config.User}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Labels}}",
          tag));
      assertThat(config.out()).contains("\"MODE=test\"", " 1000 ", " /work ", "\"8080/tcp\"", "\"made.by\":\"scratch4j\"");
      Ran run = exec(List.of("docker", "run", "--rm", tag));
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("hello world\n");
    } finally {
      exec(List.of("docker", "rmi", "-f", tag));
    }
  }

  /**
   * The launcher {@code target/scratch4j}: the first run makes a class-data archive (an AOT cache
   * on JDK 25 and later) for that jar and JDK, later runs load scratch4j's classes from it, and no
   * run prints or writes anything the plain {@code java -jar} would not.
   */
  @Test
  void theLauncherKeepsAClassArchivePerJdkAndChangesNoOutput() throws Exception {
    Path launcher = Path.of("target/scratch4j");
    assertThat(launcher).as("the launcher, copied in the package phase").isExecutable();
    List<Path> jdks = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
    Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    if (Files.isExecutable(jdk25.resolve("bin/java")) && !jdks.contains(jdk25)) {
      jdks.add(jdk25);
    }
    Path cache = dir.resolve("cache");
    Path plainOut = dir.resolve("plain.tar");
    Ran plain = jar("build", "--add", hello.toString(), "--entrypoint", "/hello", "-o", plainOut.toString());
    assertThat(plain.code()).as(plain.err()).isZero();
    for (Path jdk : jdks) {
      for (int run = 1; run <= 2; run++) {
        Path out = dir.resolve("launched.tar");
        Path classes = dir.resolve("classes-" + run + ".log");
        Ran launched = exec(List.of("env", "JAVA_HOME=" + jdk, "XDG_CACHE_HOME=" + cache,
            "JAVA_TOOL_OPTIONS=-Xlog:class+load:file=" + classes,
            launcher.toString(), "build", "--add", hello.toString(), "--entrypoint", "/hello", "-o", out.toString()));
        String what = jdk + ", run " + run;
        assertThat(launched.code()).as(what + ": " + launched.err()).isZero();
        assertThat(launched.out()).as(what).isEqualTo(plain.out().replace(plainOut.toString(), out.toString()));
        // The JVM itself says it picked up JAVA_TOOL_OPTIONS; nothing else differs.
        assertThat(launched.err()).as(what)
            .isEqualTo("Picked up JAVA_TOOL_OPTIONS: -Xlog:class+load:file=" + classes + "\n" + plain.err());
        assertThat(Files.readAllBytes(out)).as(what).isEqualTo(Files.readAllBytes(plainOut));
        if (run == 2) {
          String imageClass = Files.readAllLines(classes).stream()
              .filter(l -> l.contains(" io.github.scratch4j.Image source: ")).findFirst().orElseThrow();
          assertThat(imageClass).as(what + ": a later run maps the archive").contains("shared objects file");
        }
      }
      try (var made = Files.list(cache.resolve("scratch4j"))) {
        String suffix = jdk.equals(jdk25) ? "java25.aot" : ".jsa";
        assertThat(made.map(p -> p.getFileName().toString())).as("the cache after " + jdk)
            .anyMatch(n -> n.endsWith(suffix)).noneMatch(n -> n.startsWith(".making"));
      }
    }
  }

  /**
   * The command line's jar stores its entries rather than deflating them (a short command reads
   * some 200 classes from it), its manifest first, where a reader of the jar as a stream looks.
   */
  @Test
  void theJarStoresItsEntriesWithTheManifestFirst() throws Exception {
    try (var zip = new java.util.zip.ZipFile(JAR.toFile())) {
      List<? extends java.util.zip.ZipEntry> entries = java.util.Collections.list(zip.entries());
      assertThat(entries).extracting(java.util.zip.ZipEntry::getMethod).containsOnly(java.util.zip.ZipEntry.STORED);
      assertThat(entries).extracting(java.util.zip.ZipEntry::getName)
          .contains("io/github/scratch4j/Image.class").doesNotHaveDuplicates();
    }
    try (var jar = new java.util.jar.JarInputStream(Files.newInputStream(JAR))) {
      assertThat(jar.getManifest()).as("the manifest, read as a stream").isNotNull();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(Scratch4j.class.getName());
    }
  }

  /**
   * An archive holds only what the run that made it loaded, and is not made again: a first run of
   * {@code --help}, which loads a dozen of scratch4j's classes, must not leave {@code build} with
   * it. Each command gets its own.
   */
  @Test
  void theLauncherKeepsAnArchivePerCommand() throws Exception {
    Path cache = dir.resolve("command-cache");
    Path out = dir.resolve("per-command.tar");
    List<List<String>> runs = List.of(List.of("--help"), List.of("--help"),
        List.of("build", "--add", hello.toString(), "--entrypoint", "/hello", "-o", out.toString()),
        List.of("build", "--add", hello.toString(), "--entrypoint", "/hello", "-o", out.toString()));
    List<String> last = List.of();
    for (int i = 0; i < runs.size(); i++) {
      Path classes = dir.resolve("command-classes-" + i + ".log");
      List<String> command = new ArrayList<>(List.of("env", "XDG_CACHE_HOME=" + cache,
          "JAVA_TOOL_OPTIONS=-Xlog:class+load:file=" + classes, Path.of("target/scratch4j").toString()));
      command.addAll(runs.get(i));
      Ran launched = exec(command);
      assertThat(launched.code()).as(runs.get(i) + ": " + launched.err()).isZero();
      last = Files.readAllLines(classes);
    }
    assertThat(last).as("the second build maps build's classes from an archive of its own")
        .anyMatch(l -> l.contains(" io.github.scratch4j.Image source: shared objects file"))
        .anyMatch(l -> l.contains(" io.github.scratch4j.internal.source.TreeCopier source: shared objects file"));
    try (var made = Files.list(cache.resolve("scratch4j"))) {
      assertThat(made.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("blobs")))
          .as("one archive for --help, one for build").hasSize(2).noneMatch(n -> n.startsWith(".making"));
    }
  }

  @Test
  void theLauncherFindsItsJarAndTheJdkThroughSymbolicLinksAndThePath() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("scratch4j"), Path.of("target/scratch4j").toAbsolutePath());
    Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Ran plain = jar("--help");
    for (int run = 1; run <= 2; run++) {
      Path classes = dir.resolve("path-classes-" + run + ".log");
      Ran launched = exec(List.of("env", "-u", "JAVA_HOME", "PATH=" + bin + ":/usr/bin:/bin",
          "XDG_CACHE_HOME=" + dir.resolve("path-cache"), "JAVA_TOOL_OPTIONS=-Xlog:class+load:file=" + classes,
          "scratch4j", "--help"));
      assertThat(launched.code()).as(launched.err()).isZero();
      assertThat(launched.out()).isEqualTo(plain.out());
      if (run == 2) {
        assertThat(Files.readAllLines(classes)).as("a later run maps the archive")
            .anyMatch(l -> l.contains(" io.github.scratch4j.samples.cli.Scratch4j source: shared objects file"));
      }
    }
  }

  @Test
  void loadGoesStraightIntoTheDaemonWithNoTemporaryFile() throws Exception {
    require("docker", "docker", "info");
    String tag = "scratch4j-cli-load-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
    Path tmp = Files.createDirectories(dir.resolve("java-tmp"));
    Ran loaded = exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString(),
        "build", "--add", hello.toString(), "--entrypoint", "/hello", "--tag", tag, "--load"));
    try {
      assertThat(loaded.code()).as(loaded.err()).isZero();
      assertThat(loaded.out()).startsWith("loaded " + tag + " into the daemon at unix://").contains(": image ID sha256:");
      try (var left = Files.list(tmp)) {
        assertThat(left).as("the JVM's temporary directory after the load").isEmpty();
      }
      Ran run = exec(List.of("docker", "run", "--rm", tag));
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("hello world\n");
    } finally {
      exec(List.of("docker", "rmi", "-f", tag));
    }

    Ran noDaemon = exec(List.of("env", "DOCKER_HOST=unix://" + dir.resolve("no.sock"),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
        "build", "--add", hello.toString(), "--entrypoint", "/hello", "--load"));
    assertThat(noDaemon.code()).isEqualTo(1);
    assertThat(noDaemon.err()).isEqualTo("scratch4j build: cannot reach the Docker daemon at unix://" + dir.resolve("no.sock")
        + ": no such socket: is the daemon running, and listening there? (DOCKER_HOST, when set, names the socket)\n");
  }

  @Test
  void pushInspectAndVerifyAgainstARegistry() throws Exception {
    require("docker-registry", "docker-registry", "--version");
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }
    Path config = dir.resolve("registry.yml");
    Files.writeString(config, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
        + dir.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
    Process registry = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    try {
      awaitRegistry(port);
      Path out = dir.resolve("image.tar");
      assertThat(jar("build", "--add", hello.toString(), "--entrypoint", "/hello", "--cmd", "pushed", "-o",
          out.toString()).code()).isZero();
      String ref = "127.0.0.1:" + port + "/cli/hello:1";
      String cache = dir.resolve("cache").toString();

      // Standard error is not a terminal here: one plain line per blob, no bar.
      Ran push = jar("push", out.toString(), ref);
      assertThat(push.code()).as(push.err()).isZero();
      assertThat(push.out()).startsWith("pushed " + ref + "@sha256:");
      assertThat(push.err()).contains(" uploaded (", " manifest pushed (").doesNotContain("\r", "[=");

      Ran quiet = jar("push", "--quiet", out.toString(), ref);
      assertThat(quiet.code()).isZero();
      assertThat(quiet.err()).isEmpty();

      Ran inspect = jar("inspect", "--cache-dir", cache, ref);
      assertThat(inspect.code()).as(inspect.err()).isZero();
      assertThat(inspect.out()).contains("image " + ref, "entrypoint [\"/hello\"]", "cmd        [\"pushed\"]");

      Ran verify = jar("verify", "--cache-dir", cache, ref);
      assertThat(verify.code()).as(verify.err()).isZero();
      assertThat(verify.out()).startsWith("OK " + ref + ": 1 image");

      // A multi-platform image: pushed whole as an index, then one platform inspected and built on.
      Image amd = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.x86_64())).withMode(0755))
          .entrypoint("/hello").platform(Platform.LINUX_AMD64);
      Image arm = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.aarch64())).withMode(0755))
          .entrypoint("/hello").platform(Platform.LINUX_ARM64);
      Path multi = dir.resolve("multi.tar");
      Archive.builder().add(ImageIndex.of(amd, arm).tag("multi:1")).build().writeTo(multi);
      String multiRef = "127.0.0.1:" + port + "/cli/multi:1";
      assertThat(jar("push", "-q", multi.toString(), multiRef).code()).isZero();
      Ran armShown = jar("inspect", "-q", "--cache-dir", cache, "--platform", "linux/arm64", multiRef);
      assertThat(armShown.code()).as(armShown.err()).isZero();
      assertThat(armShown.out()).contains("platform   linux/arm64/v8");
      Path armOut = dir.resolve("arm.tar");
      Ran armBuilt = jar("build", "-q", "--cache-dir", cache, "--from", multiRef, "--platform", "linux/arm64",
          "--add", hello.toString() + ":/extra/hello", "--no-check", "platform", "-o", armOut.toString());
      assertThat(armBuilt.code()).as(armBuilt.err()).isZero();
      Image armImage = Archive.read(armOut).images().get(0);
      assertThat(armImage.config().platform()).contains(Platform.LINUX_ARM64);
      assertThat(armImage.layers().get(0).blob().get().digest())
          .isEqualTo(Archive.read(multi).indexes().get(0).images().get(1).layers().get(0).blob().get().digest());

      // build --push --sbom attaches the SBOM: the referrers tag of the pushed digest lists it.
      String described = "127.0.0.1:" + port + "/cli/described:1";
      Ran withSbom = jar("build", "-q", "--add", hello.toString(), "--entrypoint", "/hello", "--sbom", "--push", described);
      assertThat(withSbom.code()).as(withSbom.err()).isZero();
      String pushedDigest = withSbom.out().strip().replaceFirst("^pushed .*@", "");
      HttpResponse<String> referrers = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port + "/v2/cli/described/manifests/" + pushedDigest.replace(':', '-')))
          .header("Accept", "application/vnd.oci.image.index.v1+json").build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(referrers.statusCode()).as(referrers.body()).isEqualTo(200);
      assertThat(referrers.body()).contains("\"artifactType\":\"application/spdx+json\"");

      Ran absent = jar("inspect", "--cache-dir", cache, "127.0.0.1:" + port + "/cli/absent:1");
      assertThat(absent.code()).isEqualTo(1);
      assertThat(absent.err()).hasLineCount(1).doesNotContain("Exception");
    } finally {
      registry.destroy();
      registry.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitRegistry(int port) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the registry did not start on port " + port);
  }
}
