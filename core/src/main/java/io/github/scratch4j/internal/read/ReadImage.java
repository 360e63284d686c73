package io.github.scratch4j.internal.read;

import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageReference;
import java.util.List;

/**
 * An image as read from an archive, a layout or a registry: its layers, base first, its
 * configuration, and the names the archive gives it (none for a pulled image), each once.
 */
public record ReadImage(List<ReadLayer> layers, ImageConfig config, List<ImageReference> tags)
    implements ReadArtifact {
  public ReadImage {
    layers = List.copyOf(layers);
    tags = List.copyOf(tags);
  }

  @Override
  public <T> T make(Maker<T> maker) {
    return maker.image(this);
  }
}
