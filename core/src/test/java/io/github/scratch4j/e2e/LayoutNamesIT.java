package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How skopeo, umoci, podman and Docker name and select the images of a layout or archive holding
 * two repositories with the same tag: each image's index entry carries its full reference, so
 * each tool finds each image by it, and writing the second into a layout keeps the first.
 */
class LayoutNamesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;
  private String app;
  private String db;

  @BeforeEach
  void names() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    app = "scratch4j-it/app-" + id + ":1.0";
    db = "scratch4j-it/db-" + id + ":1.0";
  }

  private static Image image(String file, String tag) {
    return Image.fromScratch()
        .add(Entry.file(file, Source.of((file + " " + Nonce.text()).getBytes(StandardCharsets.UTF_8))))
        .tag(tag);
  }

  private static String full(String tag) {
    return ImageReference.parse(tag).fullName();
  }

  private static String skopeoDigest(String imageName) throws Exception {
    JsonNode inspect = JSON.readTree(Commands.run(MINUTE, "skopeo", "inspect", imageName).assertSuccess().stdout());
    return inspect.get("Digest").asText();
  }

  @Test
  void twoRepositoriesWithOneTagStayInOneLayoutAndSkopeoAndUmociFindEach() throws Exception {
    Commands.require("skopeo", "umoci");
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Manifest appManifest = image("/app", app).writeTo(layout);
    Manifest dbManifest = image("/db", db).writeTo(layout);

    assertThat(skopeoDigest("oci:" + layout + ":" + full(app))).isEqualTo(appManifest.digest().toString());
    assertThat(skopeoDigest("oci:" + layout + ":" + full(db))).isEqualTo(dbManifest.digest().toString());
    // The bare tag names no image: it would be ambiguous (skopeo 1.9 took the first, umoci refused it).
    assertThat(Commands.run(MINUTE, "skopeo", "inspect", "oci:" + layout + ":1.0").stderr())
        .contains("no descriptor found for reference", "1.0");

    assertThat(Commands.run(MINUTE, "umoci", "ls", "--layout", layout.toString()).assertSuccess().stdout().lines())
        .containsExactly(full(app), full(db));
    Path appRoot = RunBundles.unpack(layout, app, dir.resolve("app-bundle")).resolve("rootfs");
    Path dbRoot = RunBundles.unpack(layout, db, dir.resolve("db-bundle")).resolve("rootfs");
    assertThat(appRoot.resolve("app")).exists();
    assertThat(dbRoot.resolve("db")).exists();
    assertThat(appRoot.resolve("db")).doesNotExist();
  }

  @Test
  void podmanNamesAnArchivesImagesByTheirReference() throws Exception {
    Commands.require("podman");
    Path one = dir.resolve("one.tar");
    image("/app", app).writeTo(one);
    Path two = dir.resolve("two.tar");
    Archive.of(image("/app", app), image("/db", db)).writeTo(two);
    try {
      // One image: podman 4.3 reads the OCI side and names it by io.containerd.image.name.
      assertThat(Commands.run(MINUTE, "podman", "load", "-i", one.toString()).assertSuccess().stdout())
          .contains("Loaded image: " + full(app));
      Commands.run(MINUTE, "podman", "rmi", "-f", full(app)).assertSuccess();
      // Two images: podman reads manifest.json, whose RepoTags hold full names (a short one would be localhost/...).
      assertThat(Commands.run(MINUTE, "podman", "load", "-i", two.toString()).assertSuccess().stdout())
          .contains("Loaded image: " + full(app), "Loaded image: " + full(db));
      for (String name : List.of(app, db)) {
        Commands.run(MINUTE, "podman", "image", "inspect", full(name)).assertSuccess();
      }
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", full(app), full(db));
    }
  }

  /**
   * podman 4.3 names an image loaded from a layout directory ({@code podman load -i DIR},
   * {@code podman pull oci:DIR[:REF]}) after the directory, whatever the layout's index says, so
   * no annotation scratch4j could write changes it. {@code skopeo copy oci:DIR:REF
   * containers-storage:REF} names it by its reference, and so does {@code podman load} of an
   * archive. This test pins both, so that a podman that reads the reference shows up here.
   */
  @Test
  void podmanNamesALayoutAfterItsDirectoryAndSkopeoCopiesItByReference() throws Exception {
    Commands.require("podman", "skopeo");
    Path layout = Files.createDirectory(dir.resolve("layout"));
    image("/app", app).writeTo(layout);
    String byDirectory = "localhost" + layout.toAbsolutePath();
    try {
      assertThat(Commands.run(MINUTE, "podman", "load", "-i", layout.toString()).assertSuccess().stdout())
          .contains("Loaded image: " + byDirectory);
      assertThat(Commands.run(MINUTE, "podman", "image", "inspect", full(app)).exitCode()).isNotZero();

      Commands.run(Duration.ofMinutes(2), "skopeo", "copy", "oci:" + layout + ":" + full(app),
          "containers-storage:" + full(app)).assertSuccess();
      Commands.run(MINUTE, "podman", "image", "inspect", full(app)).assertSuccess();
    } finally {
      Commands.run(MINUTE, "podman", "rmi", "-f", byDirectory + ":latest", full(app));
    }
  }

  @Test
  void dockerLoadsBothRepositoriesOfAnArchiveByTheirNames() throws Exception {
    Commands.requireDocker();
    Path two = dir.resolve("two.tar");
    List<Manifest> written = Archive.of(image("/app", app), image("/db", db)).writeTo(two);
    try {
      assertThat(Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", two.toString()).assertSuccess().stdout())
          .contains("Loaded image: " + app, "Loaded image: " + db);
      for (int i = 0; i < 2; i++) {
        String id = Commands.run(MINUTE, "docker", "image", "inspect", "--format", "{{.Id}}", List.of(app, db).get(i))
            .assertSuccess().stdout().strip();
        assertThat(id).isEqualTo(written.get(i).config().digest().toString());
      }
    } finally {
      Commands.run(MINUTE, "docker", "rmi", "-f", app, db);
    }
  }
}
