package io.github.scratch4j.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing into an image layout: which index entries are replaced, which stay, and how they are named. */
class OciLayoutWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Image image(String path, String tag) {
    return Image.fromScratch().add(Entry.directory(path)).tag(tag);
  }

  private static List<JsonNode> manifests(Path layout) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(layout.resolve("index.json").toFile()).get("manifests").forEach(out::add);
    return out;
  }

  private static List<String> refNames(Path layout) throws IOException {
    return manifests(layout).stream().map(m -> m.get("annotations").get(OciNames.REF_NAME).asText()).toList();
  }

  @Test
  void twoRepositoriesWithTheSameTagBothStay() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Manifest app = image("/app", "app:1.0").writeTo(layout);
    Manifest db = image("/db", "db:1.0").writeTo(layout);
    assertThat(refNames(layout)).containsExactly("docker.io/library/app:1.0", "docker.io/library/db:1.0");
    assertThat(manifests(layout)).extracting(m -> m.get("digest").asText())
        .containsExactly(app.digest().toString(), db.digest().toString());
    Archive read = Archive.read(layout);
    assertThat(read.image("app:1.0").orElseThrow().fileSystem()).containsKey("/app");
    assertThat(read.image("db:1.0").orElseThrow().fileSystem()).containsKey("/db");
  }

  @Test
  void theSameFullNameIsReplacedAndAnotherRegistrysIsNot() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    image("/old", "app:1.0").writeTo(layout);
    image("/other", "registry.example.com/app:1.0").writeTo(layout);
    Manifest replaced = image("/new", "docker.io/library/app:1.0").writeTo(layout);
    assertThat(refNames(layout)).containsExactly("registry.example.com/app:1.0", "docker.io/library/app:1.0");
    assertThat(manifests(layout).get(1).get("digest").asText()).isEqualTo(replaced.digest().toString());
  }

  @Test
  void bothAnnotationsHoldTheFullReference() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    image("/a", "localhost:5000/team/app").writeTo(layout);
    JsonNode annotations = manifests(layout).get(0).get("annotations");
    assertThat(annotations.get(OciNames.REF_NAME).asText()).isEqualTo("localhost:5000/team/app:latest");
    assertThat(annotations.get(OciNames.CONTAINERD_NAME).asText()).isEqualTo("localhost:5000/team/app:latest");
  }

  /** Rewrites the layout's index entries' annotations, as another tool might have written them. */
  private static void annotate(Path layout, String... refNameThenContainerdName) throws IOException {
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    for (int i = 0; i < index.get("manifests").size(); i++) {
      ObjectNode annotations = ((ObjectNode) index.get("manifests").get(i)).putObject("annotations");
      String ref = refNameThenContainerdName[2 * i];
      String full = refNameThenContainerdName[2 * i + 1];
      if (ref != null) {
        annotations.put(OciNames.REF_NAME, ref);
      }
      if (full != null) {
        annotations.put(OciNames.CONTAINERD_NAME, full);
      }
    }
    JSON.writeValue(layout.resolve("index.json").toFile(), index);
  }

  @Test
  void entriesOtherToolsWroteAreMatchedByTheirFullName() throws IOException {
    Path layout = Files.createDirectory(dir.resolve("layout"));
    image("/1", "one:1").writeTo(layout);
    image("/2", "two:1").writeTo(layout);
    image("/3", "three:1").writeTo(layout);
    image("/4", "four:1").writeTo(layout);
    annotate(layout,
        "1.0", "docker.io/library/app:1.0",   // as Docker (and scratch4j before) wrote it: app:1.0
        "1.0", "docker.io/library/db:1.0",    // db:1.0, the same tag in another repository
        "app:1.0", null,                      // as skopeo copy ... oci:DIR:app:1.0 writes it: app:1.0 too
        "1.0", null);                         // a bare tag: no repository, so never the same name
    Manifest app = image("/app", "app:1.0").writeTo(layout);
    List<JsonNode> entries = manifests(layout);
    assertThat(entries).extracting(m -> m.get("annotations").path(OciNames.CONTAINERD_NAME).asText(""))
        .containsExactly("docker.io/library/db:1.0", "", "docker.io/library/app:1.0");
    assertThat(entries).extracting(m -> m.get("annotations").get(OciNames.REF_NAME).asText())
        .containsExactly("1.0", "1.0", "docker.io/library/app:1.0");
    assertThat(entries.get(2).get("digest").asText()).isEqualTo(app.digest().toString());
  }

  @Test
  void twoImagesOfOneWriteWithOneNameAreRefused() {
    Path layout = dir.resolve("layout");
    assertThatThrownBy(() -> Archive.of(image("/a", "app:1.0"), image("/b", "docker.io/library/app:1.0")).writeTo(
            layout, io.github.scratch4j.WriteOptions.defaults().withFormat(io.github.scratch4j.WriteOptions.Format.OCI_LAYOUT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("app:1.0");
    assertThat(layout).doesNotExist();
  }
}
