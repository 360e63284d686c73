package io.github.scratch4j;

import static io.github.scratch4j.HostileArchives.file;
import static io.github.scratch4j.HostileArchives.sha256;
import static io.github.scratch4j.HostileArchives.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.HostileArchives.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The archive around the layers: its entries and its documents cannot be read two ways. */
class HostileArchiveTest {
  @TempDir Path dir;

  private static final byte[] LAYER = tar(file("hello", "hello"));

  /** A valid OCI archive with one more entry, written by commons-compress with that name as it is. */
  private Path archiveWithExtraEntry(String name) throws IOException {
    Path valid = HostileArchives.image(dir, Shape.OCI_ARCHIVE, LAYER, Compression.NONE);
    Map<String, byte[]> files = new LinkedHashMap<>(TarFiles.files(valid));
    Path out = dir.resolve("extra.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(out), "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      files.put(name, "x".getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true); // preserve the name: no stripping
        e.setSize(f.getValue().length);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "blobs/../../x", "/etc/x"})
  void refusesAnEntryThatEscapesTheArchiveEvenBesideAValidImage(String name) throws IOException {
    Path archive = archiveWithExtraEntry(name);
    assertThatThrownBy(() -> Archive.read(archive))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("escapes the archive")
        .hasMessageContaining(archive.toString());
  }

  @Test
  void aValidArchiveWithAnUnrelatedExtraFileIsRead() throws IOException {
    assertThat(Archive.read(archiveWithExtraEntry("README")).images()).hasSize(1);
  }

  @Test
  void refusesANameTheArchiveHoldsTwiceWhenItIsUsed() throws IOException {
    Path valid = HostileArchives.image(dir, Shape.OCI_ARCHIVE, LAYER, Compression.NONE);
    Path twice = dir.resolve("twice.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(twice), "UTF-8")) {
      for (Map.Entry<String, byte[]> f : TarFiles.files(valid).entrySet()) {
        int copies = f.getKey().equals("index.json") ? 2 : 1;
        for (int i = 0; i < copies; i++) {
          TarArchiveEntry e = new TarArchiveEntry(f.getKey());
          e.setSize(f.getValue().length);
          tar.putArchiveEntry(e);
          tar.write(f.getValue());
          tar.closeArchiveEntry();
        }
      }
    }
    assertThatThrownBy(() -> Archive.read(twice))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("'index.json'")
        .hasMessageContaining("more than once");
  }

  /** A manifest document that is also an index: CVE-2021-41190's shape, with no mediaType to tell. */
  private static byte[] ambiguousDocument(byte[] config, byte[] layer, byte[] innerManifest) {
    return ("{\"schemaVersion\":2,"
        + "\"config\":{\"mediaType\":\"" + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":"
        + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + sha256(layer) + "\",\"size\":"
        + layer.length + "}],"
        + "\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + sha256(innerManifest)
        + "\",\"size\":" + innerManifest.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Path ambiguous(Shape shape, String referencedAs) throws IOException {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + sha256(LAYER) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    byte[] inner = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + sha256(LAYER) + "\",\"size\":"
        + LAYER.length + "}]}").getBytes(StandardCharsets.UTF_8);
    return HostileArchives.withDocuments(dir, shape,
        Map.of(sha256(config), config, sha256(LAYER), LAYER, sha256(inner), inner),
        ambiguousDocument(config, LAYER, inner), referencedAs);
  }

  @ParameterizedTest
  @EnumSource(value = Shape.class, names = {"OCI_ARCHIVE", "LAYOUT_DIRECTORY"})
  void refusesADocumentThatIsBothAManifestAndAnIndexHoweverItIsReferenced(Shape shape) throws IOException {
    for (String as : new String[] {MediaType.OCI_MANIFEST, MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST,
        MediaType.DOCKER_MANIFEST_LIST}) {
      Path p = ambiguous(shape, as);
      assertThatThrownBy(() -> Archive.read(p)).as(as)
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("CVE-2021-41190");
      deleteAll(p);
    }
  }

  @Test
  void refusesAnIndexEntryWhoseDocumentSaysItIsTheOtherKind() throws IOException {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + sha256(LAYER) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + sha256(LAYER) + "\",\"size\":"
        + LAYER.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Path p = HostileArchives.withDocuments(dir, Shape.OCI_ARCHIVE, Map.of(sha256(config), config, sha256(LAYER), LAYER),
        manifest, MediaType.OCI_INDEX);
    assertThatThrownBy(() -> Archive.read(p)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("has media type " + MediaType.OCI_MANIFEST + ", not an image index");
  }

  @Test
  void refusesAnArtifactManifestAsAnImage() throws IOException {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"artifactType\":"
        + "\"application/spdx+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + sha256(empty) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    Path p = HostileArchives.withDocuments(dir, Shape.OCI_ARCHIVE, Map.of(sha256(empty), empty), manifest,
        MediaType.OCI_MANIFEST);
    assertThatThrownBy(() -> Archive.read(p)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("application/vnd.oci.empty.v1+json")
        .hasMessageContaining("lists no container image, only artifacts");
  }

  private static void deleteAll(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
      }
    } else {
      Files.deleteIfExists(p);
    }
  }
}
