package io.github.scratch4j.internal.plan;

import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Platform;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
 * @param sbom the SBOM to store with the image (as an OCI 1.1 referrer), when asked for
 */
public record PlannedImage(
    ImageConfig config,
    Platform platform,
    Instant created,
    List<History> history,
    List<PlannedLayer> layers,
    List<ImageReference> tags,
    Optional<byte[]> sbom) implements Planned {

  /** Copies the lists. */
  public PlannedImage {
    history = List.copyOf(history);
    layers = List.copyOf(layers);
    tags = List.copyOf(tags);
  }

  /** This plan with an SBOM to store beside the image. */
  public PlannedImage withSbom(byte[] document) {
    return new PlannedImage(config, platform, created, history, layers, tags, Optional.of(document));
  }
}
