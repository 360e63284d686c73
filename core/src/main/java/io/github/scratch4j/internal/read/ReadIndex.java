package io.github.scratch4j.internal.read;

import io.github.scratch4j.ImageReference;
import java.util.List;

/**
 * An image index as read: the images it lists (at least one), in its order, and the names the
 * archive gives it, each once.
 */
public record ReadIndex(List<ReadImage> images, List<ImageReference> tags) implements ReadArtifact {
  public ReadIndex {
    images = List.copyOf(images);
    tags = List.copyOf(tags);
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an image index needs at least one image");
    }
  }

  @Override
  public <T> T make(Maker<T> maker) {
    return maker.index(this);
  }
}
