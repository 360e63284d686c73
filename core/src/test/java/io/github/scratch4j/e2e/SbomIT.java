package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SBOM lists what {@code go version -m} prints for a static Go binary built here (its main
 * module and a dependency, replaced by a local copy, so no network is needed), and, for a
 * dynamically linked binary added with its libraries, each library with its soname, as
 * {@code readelf} reads it.
 */
class SbomIT {
  private static final Duration BUILD = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void aGoBinarysModulesAreThoseGoVersionMPrints() throws Exception {
    Commands.require("go");
    Path app = Files.createDirectories(dir.resolve("app"));
    Path dep = Files.createDirectories(dir.resolve("dep"));
    Files.writeString(dep.resolve("go.mod"), "module example.com/greeting\n\ngo 1.19\n");
    Files.writeString(dep.resolve("greeting.go"), "package greeting\n\nfunc Hello() string { return \"hello from a module\" }\n");
    Files.writeString(app.resolve("go.mod"), "module example.com/app\n\ngo 1.19\n\nrequire example.com/greeting v1.2.3\n\n"
        + "replace example.com/greeting => ../dep\n");
    Files.writeString(app.resolve("main.go"), "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/greeting\"\n)\n\n"
        + "func main() { fmt.Println(greeting.Hello()) }\n");
    Path binary = dir.resolve("app-binary");
    Commands.run(BUILD, app, "env", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOCACHE=" + dir.resolve("gocache"),
        "GOPATH=" + dir.resolve("gopath"), "go", "build", "-o", binary.toString(), ".").assertSuccess();
    String printed = Commands.run(BUILD, "go", "version", "-m", binary.toString()).assertSuccess().stdout();
    // go version -m: "\tpath\t…", "\tmod\tPATH\tVERSION\t…", "\tdep\tPATH\tVERSION\t…", "\t=>\tPATH\t…".
    List<String> expected = new ArrayList<>();
    for (String line : printed.split("\n")) {
      String[] f = line.strip().split("\t");
      if (f[0].equals("mod") || f[0].equals("dep")) {
        expected.add(f[1] + " " + f[2]);
      }
    }
    assertThat(expected).contains("example.com/app (devel)", "example.com/greeting v1.2.3");

    JsonNode sbom = new ObjectMapper().readTree(Image.fromScratch().add(binary, "/app").entrypoint("/app").sbom());
    List<String> listed = new ArrayList<>();
    for (JsonNode p : sbom.get("packages")) {
      if (p.get("SPDXID").asText().startsWith("SPDXRef-Go-")) {
        listed.add(p.get("name").asText() + " " + p.path("versionInfo").asText());
      }
    }
    assertThat(listed).containsExactlyElementsOf(expected);
    String goVersion = printed.lines().findFirst().orElseThrow().replaceFirst("^.*: ", "").strip();
    assertThat(sbom.toString()).contains("Go " + goVersion + ", package example.com/app")
        .contains("pkg:golang/example.com/greeting@v1.2.3").contains("replaced by ../dep");
  }

  @Test
  void theSbomAttachedInARegistryIsFoundAtTheReferrersTagBySkopeo() throws Exception {
    Commands.require("skopeo");
    try (RegistryServer registry = RegistryServer.anonymous()) {
      Image image = Image.fromScratch()
          .add(io.github.scratch4j.Entry.file("/nonce", io.github.scratch4j.Source.of(
              Nonce.text().getBytes(java.nio.charset.StandardCharsets.UTF_8))))
          .add(io.github.scratch4j.Entry.file("/app", io.github.scratch4j.Source.of(new byte[] {1})).withMode(0755))
          .entrypoint("/app").withoutDependencyCheck();
      String repo = registry.host() + "/it/described";
      io.github.scratch4j.Digest pushed = image.pushTo(repo + ":1", io.github.scratch4j.RegistryOptions.defaults());
      io.github.scratch4j.Digest first = image.pushSbomTo(repo + "@" + pushed, io.github.scratch4j.RegistryOptions.defaults());
      String tag = pushed.toString().replace(':', '-');
      ObjectMapper json = new ObjectMapper();
      JsonNode index = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + ":" + tag).assertSuccess().stdout());
      assertThat(index.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
      assertThat(index.get("manifests")).singleElement().satisfies(m -> {
        assertThat(m.get("digest").asText()).isEqualTo(first.toString());
        assertThat(m.get("artifactType").asText()).isEqualTo("application/spdx+json");
      });
      JsonNode referrer = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + "@" + first).assertSuccess().stdout());
      assertThat(referrer.get("subject").get("digest").asText()).isEqualTo(pushed.toString());
      assertThat(referrer.get("artifactType").asText()).isEqualTo("application/spdx+json");
      assertThat(referrer.get("layers").get(0).get("mediaType").asText()).isEqualTo("application/spdx+json");
      assertThat(referrer.get("layers").get(0).get("digest").asText())
          .isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(image.sbom())));

      // Another referrer keeps the first in the index.
      Image other = image.add(io.github.scratch4j.Entry.file("/more", io.github.scratch4j.Source.of(new byte[] {2})));
      io.github.scratch4j.Digest second = other.pushSbomTo(repo + "@" + pushed, io.github.scratch4j.RegistryOptions.defaults());
      JsonNode both = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + ":" + tag).assertSuccess().stdout());
      assertThat(both.get("manifests")).extracting(m -> m.get("digest").asText())
          .containsExactly(first.toString(), second.toString());
    }
  }

  /**
   * An image written with its SBOM (WriteOptions.withSbom) in a layout and in an archive: skopeo
   * and umoci still find the image by its name, skopeo without a name finds two manifests and says
   * so (the README's claim), the referrer's subject is the manifest skopeo reads, and Docker loads
   * and runs the archive; nothing here was loaded or written before.
   */
  @Test
  void anImageStoredWithItsSbomStillCopiesUnpacksLoadsAndRuns() throws Exception {
    Commands.require("gcc", "skopeo", "umoci", "jq");
    Path hello = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C, "-static");
    String name = "sbom-it-" + Nonce.text().substring(0, 12).toLowerCase(java.util.Locale.ROOT) + ":1";
    Image image = Image.fromScratch().add(hello, "/hello").add(Nonce.entry()).entrypoint("/hello").tag(name);
    Path layout = dir.resolve("layout");
    image.writeTo(layout, io.github.scratch4j.WriteOptions.defaults()
        .withFormat(io.github.scratch4j.WriteOptions.Format.OCI_LAYOUT).withSbom());
    String full = "docker.io/library/" + name;

    // The referrer, found with jq in index.json, refers to the manifest skopeo reads for the name.
    String referrerDigest = Commands.run(BUILD, "jq", "-r",
        ".manifests[] | select(.artifactType == \"application/spdx+json\") | .digest",
        layout.resolve("index.json").toString()).assertSuccess().stdout().strip();
    assertThat(referrerDigest).startsWith("sha256:");
    String imageDigest = Commands.run(BUILD, "skopeo", "inspect", "--format", "{{.Digest}}", "oci:" + layout + ":" + full)
        .assertSuccess().stdout().strip();
    assertThat(imageDigest).startsWith("sha256:");
    Path referrerFile = layout.resolve("blobs/sha256/" + referrerDigest.substring(7));
    assertThat(Commands.run(BUILD, "jq", "-r", ".subject.digest", referrerFile.toString()).assertSuccess().stdout().strip())
        .isEqualTo(imageDigest);
    String sbomDigest = Commands.run(BUILD, "jq", "-r", ".layers[0].digest", referrerFile.toString())
        .assertSuccess().stdout().strip();
    assertThat(Files.readAllBytes(layout.resolve("blobs/sha256/" + sbomDigest.substring(7)))).isEqualTo(image.sbom());
    assertThat(Commands.run(BUILD, "sha256sum", layout.resolve("blobs/sha256/" + sbomDigest.substring(7)).toString())
        .assertSuccess().stdout()).startsWith(sbomDigest.substring(7));

    // Named, the image copies and unpacks as without an SBOM; unnamed, skopeo asks which.
    Path copied = dir.resolve("copied");
    Commands.run(BUILD, "skopeo", "copy", "oci:" + layout + ":" + full, "dir:" + copied).assertSuccess();
    assertThat("sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(copied.resolve("manifest.json"))))).isEqualTo(imageDigest);
    assertThat(Commands.run(BUILD, "skopeo", "inspect", "oci:" + layout).stderr())
        .contains("more than one image in oci, choose an image");
    Path bundle = dir.resolve("bundle");
    Commands.run(BUILD, "umoci", "unpack", "--rootless", "--image", layout + ":" + full, bundle.toString())
        .assertSuccess();
    assertThat(Files.readString(bundle.resolve("rootfs" + Nonce.PATH))).isEqualTo(
        new String(image.file(Nonce.PATH).orElseThrow().source().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));

    // The archive: docker load reads its manifest.json side and runs the image.
    Commands.requireDocker();
    Path archive = dir.resolve("app.tar");
    image.writeTo(archive, io.github.scratch4j.WriteOptions.defaults().withSbom());
    assertThat(Commands.run(BUILD, "tar", "-xOf", archive.toString(), "index.json").assertSuccess().stdout())
        .contains("\"artifactType\":\"application/spdx+json\"");
    assertThat(Commands.run(BUILD, "skopeo", "inspect", "oci-archive:" + archive).stderr())
        .contains("more than one image in oci, choose an image");
    assertThat(Commands.run(BUILD, "skopeo", "inspect", "--format", "{{.Digest}}", "oci-archive:" + archive + ":" + full)
        .assertSuccess().stdout().strip()).isEqualTo(imageDigest);
    assertThat(Commands.run(BUILD, "docker", "image", "inspect", full).exitCode()).as("not loaded before").isNotZero();
    try {
      Commands.run(BUILD, "docker", "load", "-i", archive.toString()).assertSuccess();
      Commands.Result run = Commands.runContainer(ContainerRuns.Engine.DOCKER, full);
      assertThat(run.exitCode()).isZero();
      assertThat(run.stdout()).isEqualTo("hello world\n");
    } finally {
      Commands.run(BUILD, "docker", "rmi", "-f", full);
    }
  }

  @Test
  void aPushWithSbomAttachesItAndASignedIndexPushIsSigned() throws Exception {
    Commands.require("skopeo");
    try (RegistryServer registry = RegistryServer.anonymous()) {
      Image image = Image.fromScratch().add(Nonce.entry())
          .add(io.github.scratch4j.Entry.file("/app", io.github.scratch4j.Source.of(new byte[] {1})).withMode(0755))
          .entrypoint("/app").withoutDependencyCheck();
      String repo = registry.host() + "/it/pushed-with-sbom";
      io.github.scratch4j.Digest pushed = image.pushTo(repo + ":1",
          io.github.scratch4j.RegistryOptions.defaults().withSbom());
      ObjectMapper json = new ObjectMapper();
      JsonNode index = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + ":" + pushed.toString().replace(':', '-')).assertSuccess().stdout());
      String referrer = index.get("manifests").get(0).get("digest").asText();
      JsonNode manifest = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + "@" + referrer).assertSuccess().stdout());
      assertThat(manifest.at("/subject/digest").asText()).isEqualTo(pushed.toString());
      assertThat(manifest.at("/layers/0/digest").asText()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(image.sbom())));

      // An index: one SBOM per image, and the index signed by its own digest.
      Image arm = image.platform(io.github.scratch4j.Platform.of("linux/arm64"));
      io.github.scratch4j.ImageIndex multi = io.github.scratch4j.ImageIndex.of(
          image.platform(io.github.scratch4j.Platform.LINUX_AMD64), arm);
      io.github.scratch4j.SigningKey key = io.github.scratch4j.SigningKey.generate();
      io.github.scratch4j.Digest indexDigest = multi.pushTo(repo + ":multi",
          io.github.scratch4j.RegistryOptions.defaults().withSbom().withSigningKey(key));
      assertThat(io.github.scratch4j.Signatures.verify(repo + "@" + indexDigest, key.verificationKey(),
          io.github.scratch4j.RegistryOptions.defaults())).isNotEmpty();
      JsonNode pushedIndex = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + "@" + indexDigest).assertSuccess().stdout());
      for (JsonNode child : pushedIndex.get("manifests")) {
        JsonNode referrers = json.readTree(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
            "docker://" + repo + ":" + child.get("digest").asText().replace(':', '-')).assertSuccess().stdout());
        assertThat(referrers.get("manifests")).singleElement()
            .satisfies(m -> assertThat(m.get("artifactType").asText()).isEqualTo("application/spdx+json"));
      }
      assertThat(Commands.run(BUILD, "skopeo", "inspect", "--raw", "--tls-verify=false",
          "docker://" + repo + ":" + indexDigest.toString().replace(':', '-') + ".sig").assertSuccess().stdout())
          .contains("dev.cosignproject.cosign/signature");
    }
  }

  @Test
  void aDynamicBinaryAddedWithItsLibrariesListsEachWithItsSoname() throws Exception {
    Commands.require("gcc", "readelf");
    Path binary = Commands.compileC(dir, "gcc", "hello", Commands.HELLO_C);
    Image image = Image.fromScratch().addWithLibraries(binary);
    JsonNode sbom = new ObjectMapper().readTree(image.sbom());
    Map<String, String> comments = new java.util.TreeMap<>();
    for (JsonNode f : sbom.get("files")) {
      comments.put(f.get("fileName").asText(), f.path("comment").asText());
    }
    String needed = Commands.run(BUILD, "readelf", "-d", binary.toString()).assertSuccess().stdout();
    assertThat(needed).contains("libc.so.6");
    assertThat(comments.entrySet()).anySatisfy(e -> assertThat(e.getValue()).contains("soname libc.so.6"));
    String self = comments.keySet().stream().filter(k -> k.endsWith("/" + binary.getFileName())).findFirst().orElseThrow();
    assertThat(comments.get(self)).contains("DYNAMIC").contains("needs libc.so.6")
        .contains("interpreter /lib64/ld-linux-x86-64.so.2");
    String buildId = Commands.run(BUILD, "readelf", "-n", binary.toString()).assertSuccess().stdout()
        .replaceAll("(?s).*Build ID: ([0-9a-f]+).*", "$1");
    assertThat(comments.get(self)).contains("GNU build ID " + buildId);
  }
}
