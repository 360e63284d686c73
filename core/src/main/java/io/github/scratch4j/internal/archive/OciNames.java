package io.github.scratch4j.internal.archive;

import io.github.scratch4j.ImageReference;
import io.github.scratch4j.InvalidReferenceException;
import java.util.Map;
import java.util.Optional;

/**
 * The annotations that name an image in an image layout's index. Both hold the full reference
 * ({@code docker.io/library/app:1.0}): with the tag alone as {@code ref.name}, as Docker writes
 * it, two repositories with the same tag cannot be told apart in one layout (skopeo 1.9 then
 * silently takes the first, umoci 0.4.7 refuses the tag as ambiguous), and podman 4.3 names an
 * image loaded from an OCI archive without containerd's annotation {@code localhost/1.0}.
 */
final class OciNames {
  /** containerd's and Docker's annotation for the full image name. */
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  /** OCI image-spec annotations.md: the reference that skopeo's and umoci's {@code DIR:REF} select. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciNames() {}

  static Map<String, String> annotations(ImageReference tag) {
    return Map.of(CONTAINERD_NAME, tag.fullName(), REF_NAME, tag.fullName());
  }

  /**
   * The full name an index entry's annotations give: containerd's, else a {@code ref.name} that is
   * a whole reference. A bare tag (as Docker and skopeo may write it) names no repository.
   */
  static Optional<String> fullName(Map<String, String> annotations) {
    for (String key : new String[] {CONTAINERD_NAME, REF_NAME}) {
      String value = annotations.get(key);
      if (value != null && (value.indexOf(':') >= 0 || value.indexOf('/') >= 0)) {
        try {
          return Optional.of(ImageReference.parse(value).fullName());
        } catch (InvalidReferenceException e) {
          // Not a reference: go on to the next annotation.
        }
      }
    }
    return Optional.empty();
  }
}
