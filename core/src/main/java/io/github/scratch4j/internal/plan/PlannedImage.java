package io.github.scratch4j.internal.plan;

import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Platform;
import java.time.Instant;
import java.util.List;

/**
 * An image with every decision made, ready for a format to write: platform, creation time,
 * history, layer order and tags.
 *
 * @param config the configuration as the user gave it
 * @param platform the resolved platform
 * @param created the resolved creation time
 * @param history the full history, one non-empty step per layer
 * @param layers the layers in tar order, base first
 * @param tags the names to give the image
 */
public record PlannedImage(
    ImageConfig config,
    Platform platform,
    Instant created,
    List<History> history,
    List<PlannedLayer> layers,
    List<ImageReference> tags) implements Planned {

  /** Copies the lists. */
  public PlannedImage {
    history = List.copyOf(history);
    layers = List.copyOf(layers);
    tags = List.copyOf(tags);
  }
}
