package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding an image of an archive by name, as Docker finds one. */
class ArchiveTest {
  @TempDir Path dir;

  private static Image image(String content) {
    return Image.fromScratch().add(Entry.file("/f", Source.of(content.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void aNameWithoutATagFindsLatestAndTheOtherWayRound() {
    Image untagged = image("a").tag("hello");
    Image latest = image("b").tag("world:latest");
    Archive archive = Archive.of(untagged, latest);
    assertThat(archive.image("hello:latest")).contains(untagged);
    assertThat(archive.image("hello")).contains(untagged);
    assertThat(archive.image("world")).contains(latest);
    assertThat(archive.image("world:latest")).contains(latest);
    assertThat(archive.image("hello:1")).isEmpty();
    assertThat(archive.image("world:2")).isEmpty();
  }

  @Test
  void dockerHubNamesAreFoundInEveryForm() {
    Image official = image("a").tag("alpine:3.20");
    Image user = image("b").tag("someone/tool");
    Image other = image("c").tag("registry.example.com/alpine:3.20");
    Archive archive = Archive.of(official, user, other);
    for (String name : new String[] {"alpine:3.20", "library/alpine:3.20", "docker.io/library/alpine:3.20",
        "index.docker.io/library/alpine:3.20"}) {
      assertThat(archive.image(name)).as(name).contains(official);
    }
    assertThat(archive.image("docker.io/someone/tool:latest")).contains(user);
    assertThat(archive.image("registry.example.com/alpine:3.20")).contains(other);
    assertThat(archive.image("registry.example.com/library/alpine:3.20")).isEmpty();
  }

  @Test
  void findsTheImagesOfAReadArchiveWhateverFormTheTagWasWrittenIn() throws IOException {
    Path out = dir.resolve("out.tar");
    Archive.of(image("a").tag("hello"), image("b").tag("docker.io/library/world:latest")).writeTo(out);
    Archive read = Archive.read(out);
    assertThat(read.image("hello:latest")).isPresent();
    assertThat(read.image("docker.io/library/hello")).isPresent();
    assertThat(read.image("world")).isPresent();
  }

  @Test
  void aMalformedReferenceIsTheCallersMistake() {
    assertThatThrownBy(() -> Archive.of(image("a")).image("Bad Name")).isInstanceOf(InvalidReferenceException.class);
  }
}
