package io.github.scratch4j.internal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.Platform;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.JsonDocuments.DockerArchiveImage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reading each image document, and writing it back: what the writer writes reads back as it was,
 * and hostile input is refused with a message that names the document and the field.
 */
class DocumentsTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String ROOTFS = "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + A + "\"]}";
  private static final String PLATFORM = "\"architecture\":\"amd64\",\"os\":\"linux\"";

  private interface Read {
    void read(byte[] json) throws ImageFormatException;
  }

  private static String refusal(Read reader, String json) {
    try {
      reader.read(json.getBytes(StandardCharsets.UTF_8));
    } catch (ImageFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + json);
  }

  private static String config(String json) {
    return refusal(j -> Documents.config(j, "cfg"), json);
  }

  private static String manifest(String json) {
    return refusal(j -> Documents.manifest(j, "m"), json);
  }

  private static String index(String json) {
    return refusal(j -> Documents.index(j, "i"), json);
  }

  private static String descriptor(String mediaType) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + A + "\",\"size\":3}";
  }

  private static String manifestWith(String layers) {
    return "{\"schemaVersion\":2,\"config\":" + descriptor(MediaType.OCI_CONFIG) + ",\"layers\":[" + layers + "]}";
  }

  @Test
  void aWrittenConfigReadsBackAsItWas() throws Exception {
    ImageConfig c = ImageConfig.builder()
        .author("ann").user("1000").exposedPort(8080).exposedPort("53/udp").env("A", "1").entrypoint("/app", "-x")
        .cmd("serve").volume("/data").workingDir("/srv").label("k", "v").stopSignal("SIGINT").build();
    Platform platform = new Platform("linux", "arm64", Optional.of("v8"));
    Instant created = Instant.parse("2021-02-03T04:05:06Z");
    List<History> history = List.of(new History(Optional.of(created), Optional.of("make"), Optional.of("ann"),
        Optional.of("note"), true), History.of("copy"));
    byte[] json = JsonDocuments.config(c, platform, created, List.of(Digest.parse(A), Digest.parse(B)), history);

    Documents.Config read = Documents.config(json, "cfg");

    assertThat(read.diffIds()).containsExactly(Digest.parse(A), Digest.parse(B));
    assertThat(read.config()).isEqualTo(c.toBuilder().platform(platform).created(created).history(history).build());
  }

  @Test
  void fieldsNotModelledAreWrittenBackWhereTheyBelong() throws Exception {
    String in = "{\"zz\":[1, 2],\"created\":\"2021-02-03T04:05:06Z\"," + PLATFORM
        + ",\"config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]},\"Env\":[\"A=1\"]}," + ROOTFS + ",\"aa\":true}";
    Documents.Config read = Documents.config(in.getBytes(StandardCharsets.UTF_8), "cfg");

    byte[] out = JsonDocuments.config(read.config(), read.config().platform().orElseThrow(),
        read.config().created().orElseThrow(), read.diffIds(), read.config().history());

    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("{\"created\":\"2021-02-03T04:05:06Z\","
        + "\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"],\"Healthcheck\":{\"Test\":[\"NONE\"]}},"
        + ROOTFS + ",\"aa\":true,\"zz\":[1,2]}");
  }

  @Test
  void refusesAConfigWithAFieldOfTheWrongType() {
    assertThat(config("[]")).isEqualTo("cfg is not a JSON object");
    assertThat(config("{\"architecture\":\"amd64\"," + ROOTFS + "}")).isEqualTo("cfg has no os");
    assertThat(config("{\"architecture\":\"amd64\",\"os\":7," + ROOTFS + "}")).isEqualTo("cfg os is not a string");
    assertThat(config("{\"created\":\"yesterday\"," + PLATFORM + "," + ROOTFS + "}"))
        .isEqualTo("cfg created is not an RFC 3339 time: 'yesterday'");
    assertThat(config("{" + PLATFORM + ",\"config\":[]," + ROOTFS + "}")).isEqualTo("cfg config is not a JSON object");
    assertThat(config("{" + PLATFORM + ",\"config\":{\"ExposedPorts\":[]}," + ROOTFS + "}"))
        .isEqualTo("cfg config ExposedPorts is not a JSON object");
    assertThat(config("{" + PLATFORM + ",\"config\":{\"Env\":[1]}," + ROOTFS + "}"))
        .isEqualTo("cfg config Env holds a value that is not a string");
    assertThat(config("{" + PLATFORM + ",\"config\":{\"Labels\":{\"a\":1}}," + ROOTFS + "}"))
        .isEqualTo("cfg config Labels a is not a string");
    assertThat(config("{" + PLATFORM + ",\"config\":{\"StopSignal\":[]}," + ROOTFS + "}"))
        .isEqualTo("cfg config StopSignal is not a string");
  }

  @Test
  void refusesAConfigWhoseValuesTheModelRefuses() {
    assertThat(config("{\"architecture\":\"amd64\",\"os\":\"Linux!\"," + ROOTFS + "}")).startsWith("cfg: ");
    assertThat(config("{" + PLATFORM + ",\"config\":{\"ExposedPorts\":{\"http\":{}}}," + ROOTFS + "}"))
        .startsWith("cfg config: ");
  }

  @Test
  void refusesAConfigWithoutLayersRootFileSystem() {
    assertThat(config("{" + PLATFORM + "}")).isEqualTo("cfg has no rootfs");
    assertThat(config("{" + PLATFORM + ",\"rootfs\":{\"diff_ids\":[]}}")).isEqualTo("cfg rootfs has no type");
    assertThat(config("{" + PLATFORM + ",\"rootfs\":{\"type\":\"x\"}}")).isEqualTo("cfg rootfs type is 'x', not 'layers'");
    assertThat(config("{" + PLATFORM + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":{}}}"))
        .isEqualTo("cfg rootfs.diff_ids is not a JSON array");
    assertThat(config("{" + PLATFORM + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:12\"]}}"))
        .startsWith("cfg rootfs.diff_ids: ");
  }

  @Test
  void refusesAHistoryStepWithAFieldOfTheWrongType() {
    assertThat(config("{" + PLATFORM + "," + ROOTFS + ",\"history\":{}}")).isEqualTo("cfg history is not a JSON array");
    assertThat(config("{" + PLATFORM + "," + ROOTFS + ",\"history\":[{},7]}"))
        .isEqualTo("cfg history[1] is not a JSON object");
    assertThat(config("{" + PLATFORM + "," + ROOTFS + ",\"history\":[{},{\"empty_layer\":\"yes\"}]}"))
        .isEqualTo("cfg history[1] empty_layer is not a boolean");
    assertThat(config("{" + PLATFORM + "," + ROOTFS + ",\"history\":[{\"created\":\"x\"}]}"))
        .isEqualTo("cfg history[0] created is not an RFC 3339 time: 'x'");
  }

  @Test
  void aWrittenManifestReadsBackAsItWas() throws Exception {
    Manifest m = Manifest.builder().mediaType(MediaType.DOCKER_MANIFEST)
        .config(Descriptor.of(MediaType.DOCKER_CONFIG, Digest.parse(A), 10))
        .addLayer(new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.parse(B), 20, Map.of("k", "v"), Optional.empty()))
        .annotations(Map.of("b", "2", "a", "1")).build();

    assertThat(Documents.manifest(JsonDocuments.manifest(m), "m")).isEqualTo(m);
  }

  @Test
  void refusesAManifestThatIsNotAnImageManifest() {
    assertThat(manifest("{\"schemaVersion\":1}")).isEqualTo("m has schemaVersion 1, expected 2");
    assertThat(manifest("{}")).isEqualTo("m has schemaVersion null, expected 2");
    assertThat(manifest("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\"}"))
        .isEqualTo("m has media type " + MediaType.OCI_INDEX + ", not an image manifest");
    assertThat(manifest("{\"schemaVersion\":2,\"manifests\":[]}"))
        .isEqualTo("m is read as an image manifest but has the fields of an image index (manifests)");
    assertThat(manifest("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}")).contains("CVE-2021-41190");
    assertThat(manifest("{\"schemaVersion\":2,\"layers\":[]}")).isEqualTo("m has no config descriptor");
    assertThat(manifest("{\"schemaVersion\":2,\"config\":" + descriptor("application/x-art") + "}"))
        .isEqualTo("m has a config of media type application/x-art: it describes an artifact, not a container image");
  }

  @Test
  void refusesAManifestWithAnInvalidDescriptor() {
    assertThat(manifest(manifestWith(descriptor(MediaType.OCI_LAYER) + ",{\"mediaType\":\"x\",\"digest\":\"" + A
        + "\",\"size\":-1}"))).isEqualTo("m layers[1] has no valid size (a non-negative integer): -1");
    assertThat(manifest(manifestWith("{\"mediaType\":\"x\",\"digest\":\"" + A + "\"}")))
        .isEqualTo("m layers[0] has no valid size (a non-negative integer): null");
    assertThat(manifest(manifestWith("{\"mediaType\":\"\",\"digest\":\"" + A + "\",\"size\":1}")))
        .isEqualTo("m layers[0] has an empty media type");
    assertThat(manifest(manifestWith("{\"mediaType\":\"x\",\"digest\":\"md5:1\",\"size\":1}")))
        .startsWith("m layers[0]: ");
    assertThat(manifest(manifestWith("{\"mediaType\":\"x\",\"digest\":\"" + A
        + "\",\"size\":1,\"platform\":{\"os\":\"linux\"}}"))).isEqualTo("m layers[0] platform has no architecture");
    assertThat(manifest(manifestWith("{\"mediaType\":\"x\",\"digest\":\"" + A
        + "\",\"size\":1,\"platform\":{\"os\":\"Linux!\",\"architecture\":\"amd64\"}}")))
        .startsWith("m layers[0] platform: ");
    assertThat(manifest(manifestWith("{\"mediaType\":\"x\",\"digest\":\"" + A + "\",\"size\":1,\"annotations\":"
        + "{\"a\":1}}"))).isEqualTo("m layers[0] annotations a is not a string");
    assertThat(manifest(manifestWith("7"))).isEqualTo("m layers[0] is not a JSON object");
  }

  @Test
  void anIndexKeepsItsManifestsAndIndexesAndSkipsOtherEntries() throws Exception {
    Descriptor image = new Descriptor(MediaType.OCI_MANIFEST, Digest.parse(A), 5, Map.of(),
        Optional.of(new Platform("linux", "arm", Optional.of("v7"))));
    Descriptor nested = Descriptor.of(MediaType.DOCKER_MANIFEST_LIST, Digest.parse(B), 6);
    Descriptor other = Descriptor.of("application/x-other", Digest.parse(B), 7);
    byte[] json = JsonDocuments.index(MediaType.OCI_INDEX, List.of(image, other, nested), Map.of("a", "b"));

    assertThat(Documents.index(json, "i")).containsExactly(image, nested);
    assertThat(Documents.index("{\"schemaVersion\":2,\"manifests\":null}".getBytes(StandardCharsets.UTF_8), "i")).isEmpty();
  }

  @Test
  void refusesAnIndexThatIsNotAnIndex() {
    assertThat(index("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"layers\":[]}"))
        .isEqualTo("i has media type " + MediaType.OCI_MANIFEST + ", not an image index");
    assertThat(index("{\"schemaVersion\":2,\"layers\":[]}"))
        .isEqualTo("i is read as an image index but has the fields of an image manifest (config, layers)");
    assertThat(index("{\"schemaVersion\":2,\"manifests\":[7]}")).isEqualTo("i manifests[0] is not a JSON object");
    assertThat(index("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + A + "\"}]}"))
        .isEqualTo("i manifests[0] has no mediaType");
    assertThat(index("{\"schemaVersion\":2,\"manifests\":{}}")).isEqualTo("i manifests is not a JSON array");
  }

  @Test
  void aWrittenDockerManifestReadsBackAsItWas() throws Exception {
    byte[] json = JsonDocuments.dockerArchiveManifest(List.of(
        new DockerArchiveImage("blobs/sha256/c", List.of("a:1", "b:2"), List.of("blobs/sha256/l")),
        new DockerArchiveImage("blobs/sha256/d", List.of(), List.of())));

    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("[{\"Config\":\"blobs/sha256/c\",\"RepoTags\":"
        + "[\"a:1\",\"b:2\"],\"Layers\":[\"blobs/sha256/l\"]},{\"Config\":\"blobs/sha256/d\",\"RepoTags\":[],\"Layers\":[]}]");
    assertThat(Documents.dockerManifest(json, "d")).containsExactly(
        new Documents.DockerEntry("blobs/sha256/c", List.of("a:1", "b:2"), List.of("blobs/sha256/l")),
        new Documents.DockerEntry("blobs/sha256/d", List.of(), List.of()));
  }

  @Test
  void refusesADockerManifestWithAFieldOfTheWrongType() {
    Read docker = j -> Documents.dockerManifest(j, "d");
    assertThat(refusal(docker, "{}")).isEqualTo("d is not a JSON array");
    assertThat(refusal(docker, "[{\"RepoTags\":[]}]")).isEqualTo("d[0] has no Config");
    assertThat(refusal(docker, "[{\"Config\":\"c\",\"RepoTags\":\"a\"}]")).isEqualTo("d[0] RepoTags is not a JSON array");
    assertThat(refusal(docker, "[{\"Config\":\"c\",\"Layers\":[null]}]"))
        .isEqualTo("d[0] Layers holds a value that is not a string");
  }

  @Test
  void theMediaTypeOfADocumentIsItsOwnElseTheDeclaredElseItsShape() throws Exception {
    byte[] index = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThat(Documents.mediaType(index, Optional.empty(), "x")).isEqualTo(MediaType.OCI_INDEX);
    assertThat(Documents.mediaType(index, Optional.of(MediaType.DOCKER_MANIFEST_LIST + "; charset=utf-8"), "x"))
        .isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    assertThatThrownBy(() -> Documents.mediaType(index, Optional.of(MediaType.OCI_MANIFEST), "x"))
        .hasMessage("x has media type " + MediaType.OCI_MANIFEST + " but the fields of an image index (manifests)");
  }
}
