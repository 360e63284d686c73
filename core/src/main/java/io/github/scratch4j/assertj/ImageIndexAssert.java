package io.github.scratch4j.assertj;

import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on an {@link ImageIndex}: its platforms and the image for each. */
public final class ImageIndexAssert extends AbstractAssert<ImageIndexAssert, ImageIndex> {
  ImageIndexAssert(ImageIndex actual) {
    super(actual, ImageIndexAssert.class);
  }

  /**
   * Checks that the index holds exactly these platforms, in any order.
   *
   * @param platforms the expected platforms, as {@code os/architecture[/variant]}
   * @return this
   */
  public ImageIndexAssert hasPlatforms(String... platforms) {
    isNotNull();
    List<Platform> wanted = Arrays.stream(platforms).map(Platform::of).toList();
    List<Platform> found = platforms();
    if (!(new HashSet<>(wanted).equals(new HashSet<>(found)) && wanted.size() == found.size())) {
      failWithMessage("%s", "Expecting the index to hold the platforms " + wanted + " but it holds " + found);
    }
    return this;
  }

  /**
   * Checks that the index has an image for {@code platform}.
   *
   * @param platform the platform, as {@code os/architecture[/variant]}
   * @return assertions on that image
   */
  public ImageAssert hasImageFor(String platform) {
    isNotNull();
    Platform wanted = Platform.of(platform);
    Optional<Image> image = actual.images().stream()
        .filter(i -> i.config().platform().filter(wanted::equals).isPresent()).findFirst();
    if (image.isEmpty()) {
      failWithMessage("%s", "Expecting the index to have an image for " + wanted + " but it holds " + platforms());
    }
    return new ImageAssert(image.get());
  }

  private List<Platform> platforms() {
    List<Platform> out = new ArrayList<>();
    actual.images().forEach(i -> i.config().platform().ifPresent(out::add));
    return out;
  }
}
