package io.github.scratch4j.internal.plan;

import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Platform;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A multi-platform index ready to write.
 *
 * @param images one image per platform, in order
 * @param tags the names to give the index
 */
public record PlannedIndex(List<PlannedImage> images, List<ImageReference> tags) implements Planned {
  /** Checks that no platform appears twice. */
  public PlannedIndex {
    images = List.copyOf(images);
    tags = List.copyOf(tags);
    Set<Platform> seen = new HashSet<>();
    for (PlannedImage image : images) {
      if (!seen.add(image.platform())) {
        throw new IllegalArgumentException(
            "an image index has two images for " + image.platform() + "; each platform may appear once");
      }
    }
  }
}
