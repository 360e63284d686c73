package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  @Test
  void shortNameIsAnOfficialDockerHubImage() {
    ImageReference r = ImageReference.parse("hello");
    assertThat(r.registry()).isEqualTo("docker.io");
    assertThat(r.repository()).isEqualTo("library/hello");
    assertThat(r.tag()).isEmpty();
    assertThat(r.familiarName()).isEqualTo("hello:latest");
    assertThat(r.fullName()).isEqualTo("docker.io/library/hello:latest");
  }

  @Test
  void registryWithPortAndNestedRepository() {
    ImageReference r = ImageReference.parse("localhost:5000/team/hello:1.0");
    assertThat(r.registry()).isEqualTo("localhost:5000");
    assertThat(r.repository()).isEqualTo("team/hello");
    assertThat(r.tag()).contains("1.0");
    assertThat(r.familiarName()).isEqualTo("localhost:5000/team/hello:1.0");
  }

  @Test
  void firstComponentWithoutDotIsPartOfTheRepository() {
    ImageReference r = ImageReference.parse("team/hello:2");
    assertThat(r.registry()).isEqualTo("docker.io");
    assertThat(r.repository()).isEqualTo("team/hello");
    assertThat(r.familiarName()).isEqualTo("team/hello:2");
  }

  @Test
  void digestReferences() {
    String hex = "a".repeat(64);
    ImageReference r = ImageReference.parse("ghcr.io/org/app@sha256:" + hex);
    assertThat(r.digest()).contains(new Digest("sha256", hex));
    assertThat(r.tag()).isEmpty();
    assertThat(r.fullName()).isEqualTo("ghcr.io/org/app@sha256:" + hex);
    assertThat(ImageReference.parse("app:1@sha256:" + hex).tag()).isEqualTo(Optional.of("1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Hello", "hello:", "hello:-tag", "a//b", "hello:tag/x",
      "hello@sha256:xyz", "-hello", "hello world", "hello/", "localhost:5000/"})
  void rejectsInvalidReferences(String reference) {
    assertThatThrownBy(() -> ImageReference.parse(reference))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("'" + reference + "'");
  }

  @Test
  void rejectsEmptyReference() {
    assertThatThrownBy(() -> ImageReference.parse("")).hasMessage("image reference is empty");
  }

  @Test
  void rejectsOverlongTags() {
    assertThatThrownBy(() -> ImageReference.parse("hello:t" + "x".repeat(128))).hasMessageContaining("128");
  }

  @Test
  void rejectsOverlongNames() {
    assertThatThrownBy(() -> ImageReference.parse("a".repeat(256))).hasMessageContaining("255");
  }
}
