package io.github.scratch4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Source;
import io.github.scratch4j.samples.MinimalElf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line run in-process through {@link Scratch4j#run}: exit codes, output, and the images it writes. */
class Scratch4jTest {
  @TempDir Path dir;
  private Path hello;

  /** What one run printed and returned. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Scratch4j.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void writeHelloBinary() throws IOException {
    hello = dir.resolve("hello");
    Files.write(hello, MinimalElf.forHost());
    Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String[] args(Object... parts) {
    return Arrays.stream(parts).map(String::valueOf).toArray(String[]::new);
  }

  @Test
  void mainMakesTheJdksHttpClientReadLargeBuffersUnlessTheUserChoseASize() {
    String before = System.getProperty("jdk.httpclient.bufsize");
    PrintStream out = System.out;
    try {
      System.clearProperty("jdk.httpclient.bufsize");
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      Scratch4j.main(new String[] {"--help"});
      assertThat(System.getProperty("jdk.httpclient.bufsize")).isEqualTo("262144");
      System.setProperty("jdk.httpclient.bufsize", "65536");
      Scratch4j.main(new String[] {"--help"});
      assertThat(System.getProperty("jdk.httpclient.bufsize")).isEqualTo("65536");
    } finally {
      System.setOut(out);
      if (before == null) {
        System.clearProperty("jdk.httpclient.bufsize");
      } else {
        System.setProperty("jdk.httpclient.bufsize", before);
      }
    }
  }

  @Test
  void topLevelHelpListsEveryCommand() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: scratch4j COMMAND", "build", "push", "inspect", "verify", "hello",
        "Exit codes: 0 done; 1");
    assertThat(run("help").out()).isEqualTo(r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"build", "push", "inspect", "verify", "hello"})
  void helpOfEachCommandShowsEveryOption(String command) {
    Result r = run(command, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    CommandSpec spec = Scratch4j.spec(command);
    for (Option o : spec.options()) {
      assertThat(r.out()).as(o.name()).contains(o.label());
    }
    assertThat(r.out()).startsWith("Usage: scratch4j " + command);
    assertThat(run("help", command).out()).isEqualTo(r.out());
    assertThat(run(command, "-h").out()).isEqualTo(r.out());
  }

  @Test
  void buildHelpNamesEveryFlagTheIssueAsksFor() {
    assertThat(run("build", "--help").out()).contains("--env NAME=VALUE", "--user USER", "--expose PORT[/PROTO]",
        "--label KEY=VALUE", "--cmd ARG", "--workdir DIR", "--platform OS/ARCH[/VARIANT]", "--tag NAME[:TAG]",
        "--format FORMAT", "--compression ALGO", "--from BASE", "--add SRC[:DEST]", "--entrypoint ARG",
        "--no-check CHECK", "--non-root", "--ca-certificates", "--time-zones", "--push REFERENCE",
        "-o, --output", "--insecure-registry", "--auth-file", "--quiet", "--debug");
  }

  @Test
  void noArgumentsPrintsUsageAndExitsTwo() {
    Result r = run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: scratch4j COMMAND");
  }

  @Test
  void unknownCommandIsOneLineAndExitsTwo() {
    Result r = run("bulid");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("scratch4j: no command 'bulid' (try 'scratch4j --help')\n");
  }

  @Test
  void unknownFlagIsOneLineWithHelpHintAndExitsTwo() {
    Result r = run(args("build", "--add", hello, "--frobnicate", "-o", dir.resolve("x.tar")));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("scratch4j build: unknown option --frobnicate for build"
        + " (try 'scratch4j build --help')\n");
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  void missingValueExitsTwo() {
    Result r = run(args("build", "-o", dir.resolve("x.tar"), "--add"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("scratch4j build: --add needs a value: --add SRC[:DEST] (try 'scratch4j build --help')\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--platform=linux", "--compression=brotli", "--env=NOVALUE", "--label==x", "--no-check=speed",
      "--tag=Not A Tag", "--format=zip", "--compression-level=fast", "--push=no spaces/x", "--concurrency=0",
      "--non-root-user=nobody", "--timeout=-1", "--cache-limit=-1", "--cache-limit=lots"})
  void badValueIsOneLineAndExitsTwo(String flag) {
    Result r = run(args("build", "--add", hello, "--entrypoint", "/hello", "-o", dir.resolve("x.tar"), flag));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("scratch4j build: " + flag.substring(0, flag.indexOf('=')))
        .endsWith("(try 'scratch4j build --help')\n").hasLineCount(1);
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  void buildNeedsAnOutputOrAPush() {
    Result r = run(args("build", "--add", hello));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("build needs -o FILE, --push REFERENCE or --load");
  }

  @Test
  void buildWritesTheConfigurationEveryFlagSets() throws IOException {
    Path data = Files.writeString(dir.resolve("data.txt"), "some data\n");
    Path out = dir.resolve("out.tar");
    String arch = Shared.hostPlatform().architecture();
    Result r = run(args("build", "--add", hello + ":/app/", "--add", data + ":/etc/app/data.txt",
        "--entrypoint", "/app/hello", "--entrypoint", "--greet", "--cmd", "world", "--cmd", "two words",
        "--env", "MODE=prod", "--env", "EMPTY=", "--user", "1000:1000", "--expose", "8080", "--expose", "53/udp",
        "--label", "org.opencontainers.image.title=demo", "--label", "team=x=y", "--workdir", "/app",
        "--volume", "/data", "--stop-signal", "SIGINT", "--platform", "linux/" + arch, "--tag", "demo:1",
        "-t", "example.com/demo:2", "-o", out));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("wrote " + out + " (").contains("image ID sha256:", "manifest sha256:",
        "tags demo:1 example.com/demo:2");

    Image image = Archive.read(out).images().get(0);
    ImageConfig c = image.config();
    assertThat(c.entrypoint()).containsExactly("/app/hello", "--greet");
    assertThat(c.cmd()).containsExactly("world", "two words");
    assertThat(c.env()).contains("MODE=prod", "EMPTY=");
    assertThat(c.user()).contains("1000:1000");
    assertThat(c.exposedPorts()).containsExactly("53/udp", "8080/tcp");
    assertThat(c.labels()).containsExactlyInAnyOrderEntriesOf(
        Map.of("org.opencontainers.image.title", "demo", "team", "x=y"));
    assertThat(c.workingDir()).contains("/app");
    assertThat(c.volumes()).containsExactly("/data");
    assertThat(c.stopSignal()).contains("SIGINT");
    assertThat(c.platform()).contains(new Platform("linux", arch, Optional.empty()));
    assertThat(image.tags()).extracting(t -> t.familiarName()).containsExactly("demo:1", "example.com/demo:2");
    Map<String, Entry> files = image.fileSystem();
    assertThat(((FileEntry) files.get("/app/hello")).mode() & 0111).isNotZero();
    assertThat(((FileEntry) files.get("/etc/app/data.txt")).source().readAllBytes())
        .isEqualTo("some data\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oldBuildImageFlagsStillWorkAndGzipTheLayer() throws IOException {
    Path out = dir.resolve("old.tar");
    Result r = run(args("build", "--add", hello, "--entrypoint", "/hello", "--tag", "old:1", "--gzip",
        "--no-dependency-check", "-o", out));
    assertThat(r.code()).as(r.err()).isZero();
    Image image = Archive.read(out).images().get(0);
    assertThat(image.layers().get(0).blob().get().mediaType()).isEqualTo(MediaType.OCI_LAYER_GZIP);
  }

  @Test
  void formatOciLayoutWritesALayoutDirectory() throws IOException {
    Path layout = dir.resolve("layout");
    Result r = run(args("build", "--add", hello, "--entrypoint", "/hello", "--format", "oci-layout",
        "--compression", "gzip", "-o", layout));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(layout.resolve("oci-layout")).isRegularFile();
    assertThat(layout.resolve("index.json")).isRegularFile();
    assertThat(run(args("verify", layout)).code()).isZero();
  }

  @Test
  void theSha256WarmUpRunsOnADaemonThreadThatEnds() throws InterruptedException {
    Thread warmUp = Scratch4j.warmUpSha256();
    assertThat(warmUp.isDaemon()).as("it must not keep the JVM up").isTrue();
    warmUp.join(java.time.Duration.ofSeconds(30).toMillis());
    assertThat(warmUp.isAlive()).isFalse();
  }

  @Test
  void sbomStoresTheImagesSbomAsAReferrerInTheLayoutAndArchive() throws IOException {
    Path layout = dir.resolve("layout");
    Result r = run(args("build", "--add", hello, "--entrypoint", "/hello", "--tag", "described:1", "--format",
        "oci-layout", "--sbom", "-o", layout));
    assertThat(r.code()).as(r.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode index = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(layout.resolve("index.json").toFile());
    assertThat(index.get("manifests")).hasSize(2);
    assertThat(index.get("manifests").get(1).get("artifactType").asText()).isEqualTo("application/spdx+json");
    assertThat(run(args("verify", layout)).code()).isZero();
    Path archive = dir.resolve("described.tar");
    assertThat(run(args("build", "--add", hello, "--entrypoint", "/hello", "--sbom", "-o", archive)).code()).isZero();
    Path plain = dir.resolve("plain.tar");
    assertThat(run(args("build", "--add", hello, "--entrypoint", "/hello", "-o", plain)).code()).isZero();
    assertThat(Files.size(archive)).isGreaterThan(Files.size(plain));
    assertThat(Archive.read(archive).images()).hasSize(1);
    // With --load only there is nowhere to keep it: said before anything is built.
    Result loadOnly = run(args("build", "--add", hello, "--entrypoint", "/hello", "--sbom", "--load"));
    assertThat(loadOnly.code()).isEqualTo(Scratch4j.USAGE);
    assertThat(loadOnly.err()).contains("--sbom", "--load keeps no SBOM");
  }

  @Test
  void missingInputFileIsOneLineWithoutStackTraceAndExitsOne() {
    Path missing = dir.resolve("no-such-file");
    Result r = run(args("build", "--add", missing, "-o", dir.resolve("x.tar")));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).hasLineCount(1).contains(missing.toString()).doesNotContain("Exception", "\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingArchiveIsOneLineForInspectVerifyPushAndFrom() {
    Path missing = dir.resolve("gone.tar");
    for (String[] a : List.of(args("inspect", missing), args("verify", missing),
        args("push", missing, "localhost:1/x:1"), args("build", "--from", missing, "--add", hello, "-o", dir.resolve("x.tar")))) {
      Result r = run(a);
      assertThat(r.code()).as(String.join(" ", a)).isEqualTo(1);
      assertThat(r.err()).as(String.join(" ", a)).hasLineCount(1).contains("no such file or directory: " + missing)
          .doesNotContain("Exception");
    }
  }

  @Test
  void debugPrintsTheStackTrace() {
    Result r = run(args("build", "--debug", "--add", dir.resolve("no-such-file"), "-o", dir.resolve("x.tar")));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("java.io.UncheckedIOException", "\tat io.github.scratch4j.");
  }

  @Test
  void refusedImageSaysWhyWithFixesAndExitsOne() {
    Path data = dir.resolve("data.txt");
    Result r = run(args("build", "--add", hello, "--entrypoint", "/missing", "-o", dir.resolve("x.tar")));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("scratch4j build: the image would not work as built:\n/missing")
        .contains("Fix: ").endsWith("To write it anyway: --no-check entrypoint\n").doesNotContain("\tat ");
    assertThat(data).doesNotExist();

    Result anyway = run(args("build", "--add", hello, "--entrypoint", "/missing", "--no-check", "entrypoint",
        "-o", dir.resolve("x.tar")));
    assertThat(anyway.code()).as(anyway.err()).isZero();
  }

  @Test
  void inspectPrintsTagsPlatformLayersAndConfig() throws IOException {
    Path out = dir.resolve("out.tar");
    assertThat(run(args("build", "--add", hello, "--entrypoint", "/hello", "--env", "A=1", "--user", "7",
        "--expose", "9000", "--label", "k=v", "--workdir", "/w", "--cmd", "x", "-t", "shown:3", "-o", out)).code())
        .isZero();
    Image image = Archive.read(out).images().get(0);
    Result r = run(args("inspect", out));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(out + ": 1 image", "image shown:3",
        "platform   " + image.config().platform().get(),
        image.layers().get(0).blob().get().digest().toString(), MediaType.OCI_LAYER,
        "entrypoint [\"/hello\"]", "cmd        [\"x\"]", "env        A=1", "user       7", "workdir    /w",
        "exposed    9000/tcp", "labels     k=v");
  }

  @Test
  void inspectJsonPrintsTheSameFacts() throws IOException {
    Path out = dir.resolve("out.tar");
    assertThat(run(args("build", "--add", hello, "--entrypoint", "/hello", "--env", "Q=\"quoted\"", "--label", "k=v",
        "-t", "json:1", "-o", out)).code()).isZero();
    Image image = Archive.read(out).images().get(0);
    Result r = run(args("inspect", "--json", out));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).hasLineCount(1).startsWith("{\"source\":\"" + out + "\",\"images\":[{\"tags\":[\"json:1\"],"
        + "\"index\":null,\"platform\":\"" + image.config().platform().get() + "\",\"layers\":[{\"digest\":\""
        + image.layers().get(0).blob().get().digest() + "\"").contains("\"env\":[\"Q=\\\"quoted\\\"\"]",
        "\"labels\":{\"k\":\"v\"}", "\"entrypoint\":[\"/hello\"]");
  }

  @Test
  void verifyAcceptsWhatBuildWrote() throws IOException {
    Path out = dir.resolve("out.tar");
    assertThat(run(args("build", "--add", hello, "--entrypoint", "/hello", "-o", out)).code()).isZero();
    long size = Archive.read(out).images().get(0).layers().get(0).blob().get().size();
    Result r = run(args("verify", out));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("OK " + out + ": 1 image, 1 layer blobs (" + size
        + " bytes): digests, sizes and diff_ids match\n");
  }

  @Test
  void verifyReportsACorruptedBlobAndExitsOne() throws IOException {
    String marker = "marker-" + UUID.randomUUID();
    Path data = Files.writeString(dir.resolve("data.txt"), marker);
    Path out = dir.resolve("out.tar");
    assertThat(run(args("build", "--add", hello, "--add", data, "--entrypoint", "/hello", "-o", out)).code()).isZero();
    byte[] tar = Files.readAllBytes(out);
    int at = indexOf(tar, marker.getBytes(StandardCharsets.UTF_8));
    assertThat(at).isPositive();
    tar[at] ^= 1;
    Files.write(out, tar);

    Result r = run(args("verify", out));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("scratch4j verify: ").contains("sha256:").doesNotContain("\tat ");
  }

  @Test
  void platformPicksTheBaseOfAMultiPlatformArchiveAndInspectShowsOnlyIt() throws IOException {
    Image amd = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.x86_64())).withMode(0755))
        .entrypoint("/hello").cmd("from-base").platform(Platform.LINUX_AMD64);
    Image arm = Image.fromScratch().add(Entry.file("/hello", Source.of(MinimalElf.aarch64())).withMode(0755))
        .entrypoint("/hello").cmd("from-base").platform(Platform.LINUX_ARM64);
    Path base = dir.resolve("multi.tar");
    Archive.builder().add(ImageIndex.of(amd, arm).tag("multi:1")).build().writeTo(base);
    Path data = Files.writeString(dir.resolve("data.txt"), "x");

    Path out = dir.resolve("arm.tar");
    Result r = run(args("build", "--from", base, "--platform", "linux/arm64", "--add", data, "--tag", "app:arm",
        "-o", out));
    assertThat(r.code()).as(r.err()).isZero();
    Image built = Archive.read(out).images().get(0);
    Image armRead = Archive.read(base).indexes().get(0).images().get(1);
    assertThat(built.config().platform()).contains(Platform.LINUX_ARM64);
    assertThat(built.layers()).hasSize(2);
    assertThat(built.layers().get(0).blob()).isEqualTo(armRead.layers().get(0).blob());
    assertThat(built.config().cmd()).containsExactly("from-base");
    assertThat(built.tags()).extracting(t -> t.familiarName()).containsExactly("app:arm");

    Result shown = run(args("inspect", base, "--platform", "linux/arm64"));
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("platforms    linux/amd64, linux/arm64/v8", "platform   linux/arm64/v8")
        .doesNotContain("platform   linux/amd64");
  }

  @Test
  void pushOfAnArchiveWithSeveralImagesAsksWhichBeforeAnyNetwork() throws IOException {
    Image one = Image.fromScratch().add(hello).entrypoint("/hello").tag("one:1");
    Image two = Image.fromScratch().add(hello).entrypoint("/hello").cmd("2").tag("two:1");
    Path both = dir.resolve("both.tar");
    Archive.of(one, two).writeTo(both);

    Result unpicked = run(args("push", both, "localhost:1/x:1"));
    assertThat(unpicked.code()).isEqualTo(1);
    assertThat(unpicked.err()).isEqualTo("scratch4j push: " + both
        + " holds 2 images and 0 indexes; pick one with --image or --platform\n");

    Result absent = run(args("push", "--image", "three:1", both, "localhost:1/x:1"));
    assertThat(absent.code()).isEqualTo(1);
    assertThat(absent.err()).isEqualTo("scratch4j push: " + both + " has no image tagged three:1; it has [one:1, two:1]\n");
  }

  @Test
  void quietBuildPrintsNothingOnStandardError() {
    Result r = run(args("build", "-q", "--add", hello, "--entrypoint", "/hello", "-o", dir.resolve("q.tar")));
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
