package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteOptions#withSbom()}: each image's SBOM stored beside it in a layout or archive as an
 * OCI 1.1 referrer, read back through plain JSON and blob files (not scratch4j's readers), and left
 * out by scratch4j's readers.
 */
class SbomStorageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPDX = "application/spdx+json";

  @TempDir Path dir;

  private static Image image(String tag, String content) {
    return Image.fromScratch()
        .add(Entry.file("/app", Source.of(("#!/app\n" + content).getBytes(StandardCharsets.UTF_8))).withMode(0755))
        .add(Entry.file("/etc/app.conf", Source.of("port=80\n".getBytes(StandardCharsets.UTF_8))))
        .entrypoint("/app")
        .tag(tag);
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static byte[] blob(Map<String, byte[]> files, String digest) {
    byte[] b = files.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertThat(b).as("blob %s", digest).isNotNull();
    return b;
  }

  /** The files of a layout directory, by relative path. */
  private static Map<String, byte[]> layoutFiles(Path layout) throws IOException {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(layout)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        out.put(layout.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  /**
   * Checks that the index lists each image and, after them, one SBOM referrer per image whose
   * subject is that image's manifest and whose document is {@code sboms}' in order; every blob has
   * the digest it is named by.
   *
   * @return the referrer entries
   */
  private static List<JsonNode> checkReferrers(Map<String, byte[]> files, List<byte[]> sboms, List<JsonNode> subjects)
      throws Exception {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (f.getKey().startsWith("blobs/sha256/")) {
        assertThat(sha256(f.getValue())).isEqualTo("sha256:" + f.getKey().substring("blobs/sha256/".length()));
      }
    }
    List<JsonNode> referrers = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(files.get("index.json")).get("manifests")) {
      if (entry.has("artifactType")) {
        referrers.add(entry);
      }
    }
    assertThat(referrers).hasSameSizeAs(sboms);
    for (int i = 0; i < referrers.size(); i++) {
      JsonNode entry = referrers.get(i);
      assertThat(entry.get("artifactType").asText()).isEqualTo(SPDX);
      assertThat(entry.get("mediaType").asText()).isEqualTo(MediaType.OCI_MANIFEST);
      assertThat(entry.has("annotations")).as("a referrer has no name").isFalse();
      byte[] manifestBytes = blob(files, entry.get("digest").asText());
      assertThat((long) manifestBytes.length).isEqualTo(entry.get("size").asLong());
      JsonNode manifest = JSON.readTree(manifestBytes);
      assertThat(manifest.get("artifactType").asText()).isEqualTo(SPDX);
      assertThat(manifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
      assertThat(blob(files, manifest.at("/config/digest").asText())).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
      assertThat(manifest.get("layers")).hasSize(1);
      assertThat(manifest.at("/layers/0/mediaType").asText()).isEqualTo(SPDX);
      assertThat(blob(files, manifest.at("/layers/0/digest").asText())).isEqualTo(sboms.get(i));
      JsonNode subject = subjects.get(i);
      assertThat(manifest.at("/subject/digest").asText()).isEqualTo(subject.get("digest").asText());
      assertThat(manifest.at("/subject/size").asLong()).isEqualTo(subject.get("size").asLong());
      assertThat(manifest.at("/subject/mediaType").asText()).isEqualTo(subject.get("mediaType").asText());
    }
    return referrers;
  }

  private static List<JsonNode> images(Map<String, byte[]> files) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(files.get("index.json")).get("manifests")) {
      if (!entry.has("artifactType")) {
        out.add(entry);
      }
    }
    return out;
  }

  @Test
  void aLayoutHoldsTheSbomAsAReferrerOfTheImageAndReadersLeaveItOut() throws Exception {
    Image image = image("app:1", "a");
    Path layout = dir.resolve("layout");
    Manifest written = image.writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom());
    Map<String, byte[]> files = layoutFiles(layout);
    List<JsonNode> images = images(files);
    assertThat(images).hasSize(1);
    assertThat(images.get(0).get("digest").asText()).isEqualTo(sha256(written.toJson()));
    checkReferrers(files, List.of(image.sbom()), images);

    Archive read = Archive.read(layout);
    assertThat(read.images()).hasSize(1);
    assertThat(read.image("app:1")).isPresent();

    // Without the option, the same layout has no referrer and the same image entry.
    Path plain = dir.resolve("plain");
    image.writeTo(plain, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
    Map<String, byte[]> plainFiles = layoutFiles(plain);
    assertThat(JSON.readTree(plainFiles.get("index.json")).get("manifests")).containsExactlyElementsOf(images);
  }

  @Test
  void writingTheSameImageAgainListsItsReferrerOnceAndOtherImagesKeepTheirs() throws Exception {
    Path layout = dir.resolve("layout");
    WriteOptions options = WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom();
    Image one = image("app:1", "a");
    Image two = image("other:2", "b");
    one.writeTo(layout, options);
    two.writeTo(layout, options);
    one.writeTo(layout, options);
    Map<String, byte[]> files = layoutFiles(layout);
    List<JsonNode> images = images(files);
    assertThat(images).extracting(e -> e.at("/annotations/org.opencontainers.image.ref.name").asText())
        .containsExactlyInAnyOrder("docker.io/library/app:1", "docker.io/library/other:2");
    // Listed once each, whatever order the writes left them in.
    List<String> order = referrerOrder(files);
    assertThat(order).containsExactlyInAnyOrder("docker.io/library/app:1", "docker.io/library/other:2");
    List<byte[]> sboms = new ArrayList<>();
    List<JsonNode> subjects = new ArrayList<>();
    for (String name : order) {
      sboms.add(name.contains("app:1") ? one.sbom() : two.sbom());
      subjects.add(images.stream().filter(e -> e.toString().contains(name)).findFirst().orElseThrow());
    }
    List<JsonNode> referrers = checkReferrers(files, sboms, subjects);
    assertThat(referrers).hasSize(2);
    assertThat(Archive.read(layout).images()).hasSize(2);
  }

  @Test
  void anImageReplacedByNameTakesItsReferrerWithItUnlessAnotherNameStillListsIt() throws Exception {
    Path layout = dir.resolve("layout");
    WriteOptions options = WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom();
    Image first = image("app:1", "a").tag("app:stable");
    Image second = image("app:1", "b");
    Image third = image("app:1", "c");
    first.writeTo(layout, options);
    second.writeTo(layout, options); // app:1 moves on; app:stable still lists the first image
    third.writeTo(layout, options); // the second image is listed by no name any more
    Map<String, byte[]> files = layoutFiles(layout);
    List<JsonNode> images = images(files);
    assertThat(images).extracting(e -> e.at("/annotations/org.opencontainers.image.ref.name").asText())
        .containsExactlyInAnyOrder("docker.io/library/app:1", "docker.io/library/app:stable");
    List<String> order = referrerOrder(files);
    assertThat(order).as("the images the referrers refer to").containsExactlyInAnyOrder(
        "docker.io/library/app:1", "docker.io/library/app:stable");
    List<byte[]> sboms = new ArrayList<>();
    List<JsonNode> subjects = new ArrayList<>();
    for (String name : order) {
      sboms.add(name.endsWith("app:1") ? third.sbom() : first.sbom());
      subjects.add(images.stream().filter(e -> e.toString().contains(name)).findFirst().orElseThrow());
    }
    checkReferrers(files, sboms, subjects);
  }

  @Test
  void aReferrerOfAReferrerStaysWhileItsSubjectStaysAndGoesWithIt() throws Exception {
    Path layout = dir.resolve("layout");
    WriteOptions options = WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom();
    Image first = image("app:1", "a");
    first.writeTo(layout, options);
    // A signature of the SBOM referrer, as another tool would list it beside it.
    JsonNode sbomEntry = checkReferrers(layoutFiles(layout), List.of(first.sbom()), images(layoutFiles(layout))).get(0);
    String signature = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.example.signature\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + sha256("{}".getBytes(StandardCharsets.UTF_8))
        + "\",\"size\":2},\"layers\":[],\"subject\":" + sbomEntry + "}";
    byte[] signatureBytes = signature.getBytes(StandardCharsets.UTF_8);
    String signatureDigest = sha256(signatureBytes);
    Files.write(layout.resolve("blobs/sha256/" + signatureDigest.substring(7)), signatureBytes);
    com.fasterxml.jackson.databind.node.ObjectNode index =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) index.get("manifests")).addObject()
        .put("mediaType", MediaType.OCI_MANIFEST).put("digest", signatureDigest).put("size", signatureBytes.length)
        .put("artifactType", "application/vnd.example.signature");
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));

    image("other:1", "b").writeTo(layout, options);
    assertThat(JSON.readTree(layout.resolve("index.json").toFile()).toString()).as("its subject is still listed")
        .contains(signatureDigest);
    Image replacement = image("app:1", "c");
    replacement.writeTo(layout, options);
    String after = JSON.readTree(layout.resolve("index.json").toFile()).toString();
    assertThat(after).as("the first image's SBOM went, and the signature of it with it")
        .doesNotContain(sbomEntry.get("digest").asText()).doesNotContain(signatureDigest);
    assertThat(referrerOrder(layoutFiles(layout))).containsExactlyInAnyOrder("docker.io/library/app:1",
        "docker.io/library/other:1");
  }

  /** The name of the image each referrer of a layout refers to, in index order. */
  private static List<String> referrerOrder(Map<String, byte[]> files) throws Exception {
    Map<String, String> names = new java.util.HashMap<>();
    for (JsonNode e : images(files)) {
      names.put(e.get("digest").asText(), e.at("/annotations/org.opencontainers.image.ref.name").asText());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(files.get("index.json")).get("manifests")) {
      if (entry.has("artifactType")) {
        JsonNode m = JSON.readTree(blob(files, entry.get("digest").asText()));
        out.add(names.get(m.at("/subject/digest").asText()));
      }
    }
    return out;
  }

  @Test
  void anArchiveHoldsItInItsOciSideOnlyReproduciblyAndTheStreamGetsTheSameBytes() throws Exception {
    Image image = image("app:1", "a");
    Path archive = dir.resolve("app.tar");
    image.writeTo(archive, WriteOptions.defaults().withSbom());
    byte[] bytes = Files.readAllBytes(archive);
    Map<String, byte[]> files = TarFiles.files(archive);
    List<JsonNode> images = images(files);
    checkReferrers(files, List.of(image.sbom()), images);

    Path plain = dir.resolve("plain.tar");
    image.writeTo(plain);
    Map<String, byte[]> plainFiles = TarFiles.files(plain);
    assertThat(files.get("manifest.json")).isEqualTo(plainFiles.get("manifest.json"));
    assertThat(Archive.read(archive).images()).hasSize(1);
    assertThat(Archive.read(archive).image("app:1")).isPresent();
    assertThat(Image.from(archive).layers()).hasSameSizeAs(image.layers());

    Path again = dir.resolve("again.tar");
    image.writeTo(again, WriteOptions.defaults().withSbom());
    assertThat(Files.readAllBytes(again)).isEqualTo(bytes);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    image.writeTo(stream, WriteOptions.defaults().withSbom());
    assertThat(stream.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void anIndexStoresOneSbomPerImage() throws Exception {
    Image amd64 = image("multi:1", "amd64").platform(Platform.LINUX_AMD64);
    Image arm64 = image("multi:1", "arm64").platform(Platform.of("linux/arm64"));
    ImageIndex index = ImageIndex.of(amd64, arm64).tag("multi:1");
    Path layout = dir.resolve("layout");
    index.writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom());
    Map<String, byte[]> files = layoutFiles(layout);
    List<JsonNode> top = images(files);
    assertThat(top).hasSize(1);
    JsonNode nested = JSON.readTree(blob(files, top.get(0).get("digest").asText()));
    List<JsonNode> children = new ArrayList<>();
    nested.get("manifests").forEach(children::add);
    checkReferrers(files, List.of(amd64.sbom(), arm64.sbom()), children);
    assertThat(Archive.read(layout).indexes()).hasSize(1);

    // Another image written beside it: the index still reaches its images, which keep their SBOMs.
    Image other = image("other:1", "x");
    other.writeTo(layout, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT).withSbom());
    Map<String, byte[]> after = layoutFiles(layout);
    JsonNode otherEntry = images(after).stream().filter(e -> e.toString().contains("other:1")).findFirst().orElseThrow();
    checkReferrers(after, List.of(amd64.sbom(), arm64.sbom(), other.sbom()),
        List.of(children.get(0), children.get(1), otherEntry));
  }
}
