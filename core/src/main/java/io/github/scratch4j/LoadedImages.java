package io.github.scratch4j;

import java.util.List;
import java.util.Objects;

/**
 * What a Docker daemon reported after loading an archive.
 *
 * @param tags the names it loaded, as the daemon wrote them (Docker: {@code hello:latest}; podman:
 *     {@code docker.io/library/hello:latest}), in the order reported
 * @param imageIds the IDs of the images sent, one per image in the order written: an image's ID
 *     is its configuration's digest, as {@code docker image inspect} shows it
 */
public record LoadedImages(List<String> tags, List<Digest> imageIds) {
  /**
   * Copies the lists.
   *
   * @param tags the names the daemon reported
   * @param imageIds the IDs of the images sent
   * @throws NullPointerException if a list or an element is null
   */
  public LoadedImages {
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    imageIds = List.copyOf(Objects.requireNonNull(imageIds, "imageIds"));
  }
}
