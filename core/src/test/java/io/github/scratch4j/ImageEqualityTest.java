package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Image#equals}: equal images are those every call treats alike, so what decides how later
 * calls treat an image (its open layer, what it inherits from a base, its checks turned off) takes
 * part, and the cache of its lower layers does not.
 */
class ImageEqualityTest {
  private static final Platform ARM = Platform.LINUX_ARM64;

  @TempDir Path dir;

  private static Entry file(String path, String content) {
    return Entry.file(path, Source.of(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static Image built() {
    return Image.fromScratch().add(file("/a", "a")).cmd("/a", "x").platform(ARM).tag("app:1");
  }

  @Test
  void imagesBuiltAlikeAreEqualWithEqualHashCodes() {
    assertThat(built()).isEqualTo(built()).hasSameHashCodeAs(built());
    assertThat(built()).isNotEqualTo(built().tag("app:2"));
  }

  @Test
  void anOpenLastLayerMakesAnotherImageThanTheSameLayerClosed() {
    Image open = Image.fromScratch().add(file("/a", "a"));
    Image closed = Image.fromScratch().add(open.layers().get(0));
    assertThat(closed.layers()).isEqualTo(open.layers());
    assertThat(closed.config()).isEqualTo(open.config());
    assertThat(closed).isNotEqualTo(open);
    // Why they differ: the next add joins the open layer, and starts a new one over the closed.
    assertThat(open.add(file("/b", "b")).layers()).hasSize(1);
    assertThat(closed.add(file("/b", "b")).layers()).hasSize(2);
  }

  @Test
  void theChecksTurnedOffTakePartButNotTheOrderTheyWereTurnedOffIn() {
    Image image = built();
    assertThat(image.without(ImageCheck.DEPENDENCIES)).isNotEqualTo(image);
    assertThat(image.without(ImageCheck.DEPENDENCIES, ImageCheck.USER))
        .isEqualTo(image.without(ImageCheck.USER).without(ImageCheck.DEPENDENCIES))
        .hasSameHashCodeAs(image.without(ImageCheck.USER).without(ImageCheck.DEPENDENCIES));
  }

  @Test
  void whatTheConfigurationInheritsFromABaseTakesPart() throws IOException {
    Path file = dir.resolve("base.tar");
    Image.fromScratch().add(file("/a", "a")).cmd("/a", "x").platform(ARM).without(ImageCheck.values()).writeTo(file);
    Image base = Image.from(file);
    // The same layers, configuration and tags, but nothing inherited.
    Image same = Image.fromScratch();
    for (Layer l : base.layers()) {
      same = same.add(l);
    }
    same = same.config(base.config());
    assertThat(same.layers()).isEqualTo(base.layers());
    assertThat(same.config()).isEqualTo(base.config());
    assertThat(same.tags()).isEqualTo(base.tags()).isEmpty();

    assertThat(base).isNotEqualTo(same).isEqualTo(Image.from(file)).hasSameHashCodeAs(Image.from(file));
    // Why they differ: a new entrypoint clears an inherited command, as a Dockerfile does, and keeps one set here.
    assertThat(base.entrypoint("/a").config().cmd()).isEmpty();
    assertThat(same.entrypoint("/a").config().cmd()).containsExactly("/a", "x");
    // Setting what was inherited makes it the image's own, one part at a time.
    assertThat(base.cmd("/a", "x")).isNotEqualTo(same);
    assertThat(base.cmd("/a", "x").platform(ARM)).isEqualTo(same).hasSameHashCodeAs(same);
  }

  @Test
  void theCacheOfTheLowerLayersDoesNotTakePart() {
    Image used = Image.fromScratch().add(Layer.builder().addFile("/a", Source.of(new byte[] {1})).build());
    Image fresh = Image.fromScratch().add(Layer.builder().addFile("/a", Source.of(new byte[] {1})).build());
    // Adding makes the file system below the next layer and keeps it in the image added to.
    assertThat(used.add(file("/b", "b")).layers()).hasSize(2);
    assertThat(used).isEqualTo(fresh).hasSameHashCodeAs(fresh);
  }
}
