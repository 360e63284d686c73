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
