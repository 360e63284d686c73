package io.github.scratch4j;

import static io.github.scratch4j.HostileArchives.directory;
import static io.github.scratch4j.HostileArchives.entry;
import static io.github.scratch4j.HostileArchives.file;
import static io.github.scratch4j.HostileArchives.hardlink;
import static io.github.scratch4j.HostileArchives.sha256;
import static io.github.scratch4j.HostileArchives.symlink;
import static io.github.scratch4j.HostileArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives other tools write, in the shapes they write them: Docker 20.10's {@code docker save}
 * of an image that repeats a layer (a symbolic link to the first copy), Docker 25's of an untagged
 * image (an empty OCI index beside {@code manifest.json}), Docker before 1.10's (no
 * {@code manifest.json}), an index with media types scratch4j does not know and BuildKit's
 * attestation manifests, each made here byte for byte.
 */
class ForeignArchivesTest {
  @TempDir Path dir;

  private static final String ID1 = "1".repeat(64);
  private static final String ID2 = "2".repeat(64);
  private static final String ID3 = "3".repeat(64);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] regular(String name, byte[] content) {
    return entry(name, '0', "", content);
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static String config(byte[]... layers) {
    List<String> ids = new ArrayList<>();
    for (byte[] l : layers) {
      ids.add('"' + sha256(l) + '"');
    }
    return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/hi\"]},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[" + String.join(",", ids) + "]}}";
  }

  /**
   * A docker-archive as Docker 20.10 saves an image whose two layers are the same: the second
   * {@code layer.tar} a symbolic link to the first, {@code layerEntry} the second's entry.
   */
  private Path repeatedLayerArchive(byte[] layer, byte[] layerEntry, byte[]... more) throws IOException {
    return repeatedLayerArchiveNaming(layer, layer, layerEntry, more);
  }

  /** As above, with the config's second diff_id that of {@code second}. */
  private Path repeatedLayerArchiveNaming(byte[] layer, byte[] second, byte[] layerEntry, byte[]... more)
      throws IOException {
    String config = config(layer, second);
    String manifest = "[{\"Config\":\"" + sha256(utf8(config)).substring(7) + ".json\",\"RepoTags\":[\"repeat:1\"],"
        + "\"Layers\":[\"" + ID1 + "/layer.tar\",\"" + ID2 + "/layer.tar\"]}]";
    List<byte[]> parts = new ArrayList<>(List.of(directory(ID1 + "/"), regular(ID1 + "/layer.tar", layer),
        file(ID1 + "/json", "{}"), directory(ID2 + "/"), layerEntry, file(ID2 + "/json", "{}")));
    parts.addAll(List.of(more));
    parts.add(file(sha256(utf8(config)).substring(7) + ".json", config));
    parts.add(file("manifest.json", manifest));
    return Files.write(dir.resolve("saved.tar"), tar(concat(parts)));
  }

  private static byte[] layer() {
    return tar(file("hi", "hello\n"));
  }

  @Test
  void followsTheSymbolicLinkDocker2010SavesForARepeatedLayer() throws IOException {
    byte[] layer = layer();
    Path saved = repeatedLayerArchive(layer, symlink(ID2 + "/layer.tar", "../" + ID1 + "/layer.tar"));
    Image image = Image.from(saved);
    assertThat(image.layers()).hasSize(2);
    assertThat(image.layers()).extracting(l -> l.blob().orElseThrow().digest().toString())
        .containsExactly(sha256(layer), sha256(layer));
    assertThat(image.layers().get(1).file("/hi").orElseThrow().source().readAllBytes()).isEqualTo(utf8("hello\n"));
    assertThat(Archive.read(saved).image("repeat:1")).isPresent();
  }

  @Test
  void followsAHardLinkedLayerAndLinksThroughOtherLinks() throws IOException {
    byte[] layer = layer();
    assertThat(Image.from(repeatedLayerArchive(layer, hardlink(ID2 + "/layer.tar", ID1 + "/layer.tar"))).layers())
        .hasSize(2);
    Files.delete(dir.resolve("saved.tar"));
    // ID2/layer.tar -> ./hop -> ID1/layer.tar, relative targets with '.' and '..' in them.
    Path chained = repeatedLayerArchive(layer, symlink(ID2 + "/layer.tar", "./../" + ID2 + "/hop"),
        symlink(ID2 + "/hop", "../" + ID1 + "/./layer.tar"));
    assertThat(Image.from(chained).layers()).hasSize(2);
  }

  @Test
  void refusesLinksThatLeaveTheArchiveLoopOrGoOnTooLong() throws IOException {
    byte[] layer = layer();
    record Case(byte[] link, List<byte[]> more, String message) {}
    List<byte[]> hops = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      hops.add(symlink(ID2 + "/hop" + i, "hop" + (i + 1)));
    }
    hops.add(symlink(ID2 + "/hop17", "../" + ID1 + "/layer.tar"));
    for (Case c : List.of(
        new Case(symlink(ID2 + "/layer.tar", "../../" + ID1 + "/layer.tar"), List.of(), "to outside the archive"),
        new Case(symlink(ID2 + "/layer.tar", "/" + ID1 + "/layer.tar"), List.of(), "to outside the archive"),
        new Case(hardlink(ID2 + "/layer.tar", "../" + ID1 + "/layer.tar"), List.of(), "to outside the archive"),
        new Case(symlink(ID2 + "/layer.tar", "loop"), List.of(symlink(ID2 + "/loop", "layer.tar")), "form a loop"),
        new Case(symlink(ID2 + "/layer.tar", "hop0"), hops, "goes through more than 16 links"),
        new Case(symlink(ID2 + "/layer.tar", "missing.tar"), List.of(), "which " + dir.resolve("saved.tar")
            + " does not have"),
        new Case(symlink(ID2 + "/layer.tar", "../" + ID1), List.of(), "is a directory or special file"),
        // A regular file, but not the layer the config names.
        new Case(symlink(ID2 + "/layer.tar", "json"), List.of(), "but the config's diff_id is"))) {
      Path saved = repeatedLayerArchive(layer, c.link(), c.more().toArray(byte[][]::new));
      assertThatThrownBy(() -> Image.from(saved)).as(c.message()).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(c.message()).hasMessageContaining("Layers[1]");
      Files.delete(saved);
    }
    // A regular file that the config names, but no tar: refused as a layer.
    Path json = repeatedLayerArchiveNaming(layer, utf8("{}"), symlink(ID2 + "/layer.tar", "json"));
    assertThatThrownBy(() -> Image.from(json)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("Layers[1]").hasMessageContaining("is not a valid layer");
  }

  /** An archive holding one image's blobs, {@code manifest.json} and the given {@code index.json}. */
  private Path dockerAndIndex(String indexJson, boolean withManifestJson, byte[]... extra) throws IOException {
    byte[] layer = layer();
    byte[] config = utf8(config(layer));
    List<byte[]> parts = new ArrayList<>(List.of(regular("blobs/sha256/" + sha256(layer).substring(7), layer),
        regular("blobs/sha256/" + sha256(config).substring(7), config), file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"),
        file("index.json", indexJson)));
    parts.addAll(List.of(extra));
    if (withManifestJson) {
      parts.add(file("manifest.json", "[{\"Config\":\"blobs/sha256/" + sha256(config).substring(7) + "\",\"RepoTags\":null,"
          + "\"Layers\":[\"blobs/sha256/" + sha256(layer).substring(7) + "\"]}]"));
    }
    return Files.write(dir.resolve("archive-" + System.nanoTime() + ".tar"), tar(concat(parts)));
  }

  @Test
  void readsDocker25sSaveOfAnUntaggedImageFromManifestJson() throws IOException {
    for (String manifests : List.of("null", "[]")) {
      Path saved = dockerAndIndex("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":"
          + manifests + "}", true);
      Image image = Image.from(saved);
      assertThat(image.layers()).hasSize(1);
      assertThat(image.config().cmd()).containsExactly("/hi");
      assertThat(Archive.read(saved).images().get(0).tags()).isEmpty();
    }
    // Without manifest.json, an empty index is an archive of no image, said as such.
    Path empty = dockerAndIndex("{\"schemaVersion\":2,\"manifests\":null}", false);
    assertThat(Archive.read(empty).images()).isEmpty();
    assertThatThrownBy(() -> Image.from(empty)).hasMessageContaining("holds 0 images");
  }

  /** An OCI image manifest of one uncompressed layer. */
  private static String imageManifest(byte[] config, byte[] layer) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + sha256(layer) + "\",\"size\":"
        + layer.length + "}]}";
  }

  @Test
  void ignoresIndexEntriesOfMediaTypesItDoesNotKnow() throws IOException {
    byte[] layer = layer();
    byte[] config = utf8(config(layer));
    String manifest = imageManifest(config, layer);
    // Unknown entries are not read further: a digest no reader could check is no reason to refuse.
    String index = "{\"schemaVersion\":2,\"manifests\":["
        + "{\"mediaType\":\"application/vnd.example.future+json\",\"digest\":\"sha999:xyz\",\"size\":-1},"
        + "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(utf8(manifest)) + "\",\"size\":"
        + utf8(manifest).length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/known:1\"}}]}";
    Path archive = dockerAndIndex(index, false, regular("blobs/sha256/" + sha256(utf8(manifest)).substring(7), utf8(manifest)));
    Archive read = Archive.read(archive);
    assertThat(read.images()).hasSize(1);
    assertThat(read.image("known:1")).isPresent();
    // An index of unknown entries only, beside a manifest.json, reads as the latter.
    Path onlyUnknown = dockerAndIndex("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/x-other\"}]}", true);
    assertThat(Image.from(onlyUnknown).layers()).hasSize(1);
    // The entry must still be an object with a media type.
    Path noType = dockerAndIndex("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + sha256(layer) + "\"}]}", true);
    assertThatThrownBy(() -> Archive.read(noType)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("manifests[0] has no mediaType");
  }

  @Test
  void skipsBuildKitsAttestationManifestsInAnIndex() throws IOException {
    byte[] layer = layer();
    byte[] config = utf8(config(layer));
    String manifest = imageManifest(config, layer);
    byte[] statement = utf8("{\"_type\":\"https://in-toto.io/Statement/v0.1\"}");
    byte[] attestationConfig = utf8("{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":"
        + "\"layers\",\"diff_ids\":[\"" + sha256(statement) + "\"]}}");
    String attestation = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(attestationConfig) + "\",\"size\":" + attestationConfig.length
        + "},\"layers\":[{\"mediaType\":\"application/vnd.in-toto+json\",\"digest\":\"" + sha256(statement)
        + "\",\"size\":" + statement.length + "}]}";
    String nested = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":["
        + "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(utf8(manifest)) + "\",\"size\":"
        + utf8(manifest).length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        + "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(utf8(attestation)) + "\",\"size\":"
        + utf8(attestation).length + ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
        + "\"annotations\":{\"vnd.docker.reference.digest\":\"" + sha256(utf8(manifest)) + "\","
        + "\"vnd.docker.reference.type\":\"attestation-manifest\"}}]}";
    String index = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"digest\":\""
        + sha256(utf8(nested)) + "\",\"size\":" + utf8(nested).length + "}]}";
    Path archive = dockerAndIndex(index, false,
        regular("blobs/sha256/" + sha256(utf8(manifest)).substring(7), utf8(manifest)),
        regular("blobs/sha256/" + sha256(utf8(attestation)).substring(7), utf8(attestation)),
        regular("blobs/sha256/" + sha256(attestationConfig).substring(7), attestationConfig),
        regular("blobs/sha256/" + sha256(statement).substring(7), statement),
        regular("blobs/sha256/" + sha256(utf8(nested)).substring(7), utf8(nested)));
    Archive read = Archive.read(archive);
    assertThat(read.indexes()).hasSize(1);
    assertThat(read.indexes().get(0).images()).hasSize(1);
    assertThat(read.indexes().get(0).images().get(0).config().platform()).contains(Platform.LINUX_AMD64);
  }

  /** An index.json descriptor of a manifest, with the extra fields given (each with a leading comma). */
  private static String listed(String manifest, String extra) {
    return "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(utf8(manifest)) + "\",\"size\":"
        + utf8(manifest).length + extra + "}";
  }

  private static byte[] blob(byte[] content) {
    return regular("blobs/sha256/" + sha256(content).substring(7), content);
  }

  @Test
  void skipsArtifactsThatOtherToolsListBesideImagesInALayout() throws IOException {
    byte[] layer = layer();
    byte[] config = utf8(config(layer));
    String manifest = imageManifest(config, layer);
    byte[] empty = utf8("{}");
    byte[] payload = utf8("{\"spdxVersion\":\"SPDX-2.3\"}");
    String subject = "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(utf8(manifest))
        + "\",\"size\":" + utf8(manifest).length + "}";
    // An SBOM stored as an OCI 1.1 referrer: an artifact manifest with the empty config and a subject.
    String referrer = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"artifactType\":"
        + "\"application/spdx+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + sha256(empty) + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/spdx+json\",\"digest\":\""
        + sha256(payload) + "\",\"size\":" + payload.length + "}],\"subject\":" + subject + "}";
    // The same kind, with a config of its own type and no artifactType (image-spec 1.1 allows either).
    byte[] chartConfig = utf8("{\"name\":\"chart\",\"version\":\"1.0.0\"}");
    String chart = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
        + "\"digest\":\"" + sha256(chartConfig) + "\",\"size\":" + chartConfig.length + "},\"layers\":[{\"mediaType\":"
        + "\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\",\"digest\":\"" + sha256(payload) + "\",\"size\":"
        + payload.length + "}]}";
    // A cosign signature: an image config's manifest whose layers are signed payloads, not file systems.
    String signature = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{"
        + "\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"" + sha256(payload)
        + "\",\"size\":" + payload.length + ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUC\"}}]}";
    byte[][] blobs = {blob(utf8(manifest)), blob(utf8(referrer)), blob(utf8(chart)), blob(utf8(signature)), blob(empty),
        blob(payload), blob(chartConfig)};
    String index = "{\"schemaVersion\":2,\"manifests\":["
        + listed(manifest, ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"docker.io/library/app:1\"}") + ","
        + listed(referrer, ",\"artifactType\":\"application/spdx+json\"") + ","
        + listed(referrer.replace("spdx+json\",\"config", "spdx+json\" ,\"config"), "") + ","
        + listed(chart, "") + ","
        + listed(signature, ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"sha256-"
            + sha256(utf8(manifest)).substring(7) + ".sig\"}") + "]}";
    byte[][] withSpaced = java.util.Arrays.copyOf(blobs, blobs.length + 1);
    withSpaced[blobs.length] = blob(utf8(referrer.replace("spdx+json\",\"config", "spdx+json\" ,\"config")));
    Archive read = Archive.read(dockerAndIndex(index, false, withSpaced));
    assertThat(read.images()).hasSize(1);
    assertThat(read.image("app:1")).isPresent();

    // Artifacts only: nothing to read, said as such.
    String onlyArtifacts = "{\"schemaVersion\":2,\"manifests\":[" + listed(chart, "") + ","
        + listed(referrer, ",\"artifactType\":\"application/spdx+json\"") + "]}";
    assertThatThrownBy(() -> Archive.read(dockerAndIndex(onlyArtifacts, false, blobs)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("lists no container image, only artifacts")
        .hasMessageContaining("application/spdx+json");

    // An image's manifest with one unknown layer among file system layers is still refused, by that layer.
    byte[] mixedConfig = utf8(config(layer, payload));
    String mixed = manifest.replace(sha256(config) + "\",\"size\":" + config.length, sha256(mixedConfig) + "\",\"size\":"
        + mixedConfig.length).replace("}]}", "},{\"mediaType\":\"application/x-unknown\",\"digest\":\"" + sha256(payload)
        + "\",\"size\":" + payload.length + "}]}");
    String mixedIndex = "{\"schemaVersion\":2,\"manifests\":[" + listed(mixed, "") + "]}";
    assertThatThrownBy(() -> Archive.read(dockerAndIndex(mixedIndex, false, blob(utf8(mixed)), blob(mixedConfig),
        blob(payload))))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("application/x-unknown");
  }

  // Docker before 1.10: repositories, <id>/json, <id>/layer.tar, no manifest.json.

  private static String v1json(String id, String parent, String extra) {
    return "{\"id\":\"" + id + "\"" + (parent == null ? "" : ",\"parent\":\"" + parent + "\"")
        + ",\"created\":\"2015-06-01T10:00:0" + id.charAt(0) + "Z\",\"docker_version\":\"1.7.1\",\"Size\":42"
        + ",\"container_config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"step " + id.charAt(0) + "\"]}" + extra + "}";
  }

  private Path legacy(String repositories, byte[]... more) throws IOException {
    List<byte[]> parts = new ArrayList<>(List.of(
        directory(ID1 + "/"), file(ID1 + "/VERSION", "1.0"), file(ID1 + "/json", v1json(ID1, null,
            ",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"/bin/sh\"]}")),
        regular(ID1 + "/layer.tar", tar(file("base", "base\n"))),
        directory(ID2 + "/"), file(ID2 + "/VERSION", "1.0"), file(ID2 + "/json", v1json(ID2, ID1,
            ",\"author\":\"someone\",\"comment\":\"top\",\"throwaway\":true,\"config\":{\"Env\":[\"PATH=/bin\"],"
                + "\"Entrypoint\":[\"/top\"],\"Hostname\":\"abc\",\"Volumes\":null}")),
        regular(ID2 + "/layer.tar", tar(file("top", "top\n")))));
    if (repositories != null) {
      parts.add(file("repositories", repositories));
    }
    parts.addAll(List.of(more));
    return Files.write(dir.resolve("legacy-" + System.nanoTime() + ".tar"), tar(concat(parts)));
  }

  @Test
  void readsADockerSaveArchiveOfBeforeDocker110() throws IOException {
    Path saved = legacy("{\"example/app\":{\"1.0\":\"" + ID2 + "\",\"latest\":\"" + ID2 + "\"},\"base\":{\"7\":\""
        + ID1 + "\"}}");
    Archive archive = Archive.read(saved);
    assertThat(archive.images()).hasSize(2);
    Image app = archive.image("example/app:1.0").orElseThrow();
    assertThat(archive.image("example/app")).contains(app);
    assertThat(app.layers()).hasSize(2);
    assertThat(app.layers()).extracting(l -> l.blob().orElseThrow().digest().toString())
        .containsExactly(sha256(tar(file("base", "base\n"))), sha256(tar(file("top", "top\n"))));
    assertThat(app.fileSystem()).containsKeys("/base", "/top");
    ImageConfig c = app.config();
    // The top image's JSON, without the legacy fields, is the configuration.
    assertThat(c.entrypoint()).containsExactly("/top");
    assertThat(c.env()).containsExactly("PATH=/bin");
    assertThat(c.platform()).contains(Platform.LINUX_AMD64);
    assertThat(c.author()).contains("someone");
    assertThat(c.history()).hasSize(2);
    assertThat(c.history().get(0).createdBy()).contains("/bin/sh -c step 1");
    assertThat(c.history().get(1).createdBy()).contains("/bin/sh -c step 2");
    assertThat(c.history().get(1).comment()).contains("top");
    Image base = archive.image("base:7").orElseThrow();
    assertThat(base.layers()).hasSize(1);
    assertThat(base.config().cmd()).containsExactly("/bin/sh");
    // An image read so can be built on and written.
    Path out = dir.resolve("out.tar");
    Image.from(legacy("{\"only\":{\"x\":\"" + ID2 + "\"}}")).add(Entry.file("/added", Source.of(utf8("a"))).withMode(0755))
        .entrypoint("/added").writeTo(out);
    Image reread = Image.from(out);
    assertThat(reread.layers()).hasSize(3);
    assertThat(reread.config().toString()).doesNotContain("throwaway").doesNotContain("parent");
  }

  @Test
  void aLegacyArchiveWithoutRepositoriesHoldsItsTopImagesUntagged() throws IOException {
    Image image = Image.from(legacy(null));
    assertThat(image.layers()).hasSize(2);
    assertThat(image.config().entrypoint()).containsExactly("/top");
  }

  @Test
  void refusesLegacyArchivesWhoseIdsOrParentsAreWrong() throws IOException {
    assertThatThrownBy(() -> Archive.read(legacy("{\"a\":{\"1\":\"../../etc\"}}")))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("names image id '../../etc'");
    assertThatThrownBy(() -> Archive.read(legacy("{\"a\":{\"1\":\"" + ID3 + "\"}}")))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining(ID3 + "/json");
    // ID3's parent is itself.
    Path loop = legacy("{\"a\":{\"1\":\"" + ID3 + "\"}}", directory(ID3 + "/"),
        file(ID3 + "/json", v1json(ID3, ID3, "")), regular(ID3 + "/layer.tar", tar(file("x", "x"))));
    assertThatThrownBy(() -> Archive.read(loop)).isInstanceOf(ImageFormatException.class).hasMessageContaining("form a loop");
    Path badParent = legacy("{\"a\":{\"1\":\"" + ID3 + "\"}}", directory(ID3 + "/"),
        file(ID3 + "/json", v1json(ID3, "../" + ID1, "")), regular(ID3 + "/layer.tar", tar(file("x", "x"))));
    assertThatThrownBy(() -> Archive.read(badParent)).hasMessageContaining("parent names image id '../" + ID1 + "'");
    Path badLayer = legacy("{\"a\":{\"1\":\"" + ID3 + "\"}}", directory(ID3 + "/"),
        file(ID3 + "/json", v1json(ID3, null, "")), regular(ID3 + "/layer.tar", utf8("no tar")));
    assertThatThrownBy(() -> Archive.read(badLayer)).hasMessageContaining(ID3 + "/layer.tar");
  }

  /** A legacy archive of a chain of {@code depth} images, each tagged when {@code tagEach}, else the top only. */
  private Path legacyChain(int depth, boolean tagEach) throws IOException {
    List<byte[]> parts = new ArrayList<>();
    byte[] layer = tar(file("x", "x"));
    StringBuilder repositories = new StringBuilder("{\"chain\":{");
    String parent = null;
    for (int i = 0; i < depth; i++) {
      String id = String.format("%064x", i + 1);
      parts.add(file(id + "/json", v1json(id, parent, "")));
      parts.add(regular(id + "/layer.tar", layer));
      if (tagEach || i == depth - 1) {
        repositories.append(repositories.charAt(repositories.length() - 1) == '{' ? "" : ",")
            .append("\"t").append(i).append("\":\"").append(id).append('"');
      }
      parent = id;
    }
    parts.add(file("repositories", repositories + "}}"));
    return Files.write(dir.resolve("chain-" + depth + ".tar"), tar(concat(parts)));
  }

  @Test
  void refusesLegacyImagesDeeperOrMoreNumerousThanAnyDockerMade() throws IOException {
    assertThat(Archive.read(legacyChain(1000, false)).images().get(0).layers()).hasSize(1000);
    assertThatThrownBy(() -> Archive.read(legacyChain(1001, false))).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("has more than 1000 layers");
    // 450 images sharing one chain: 101,475 layers in all, though the archive holds 450.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
        assertThatThrownBy(() -> Archive.read(legacyChain(450, true))).isInstanceOf(ImageFormatException.class)
            .hasMessageContaining("more than 100000 layers together"));
  }

  @Test
  void aRootFileSystemWithOtherNamesBesideIdDirectoriesStaysARootFileSystem() throws IOException {
    Path rootfs = Files.write(dir.resolve("rootfs.tar"), tar(concat(List.of(directory(ID1 + "/"),
        file(ID1 + "/json", "{}"), regular(ID1 + "/layer.tar", tar(file("x", "x"))), file("etc/hostname", "h\n")))));
    Image image = Image.from(rootfs);
    assertThat(image.fileSystem()).containsKeys("/" + ID1 + "/json", "/etc/hostname");
  }
}
