package io.github.scratch4j.internal.archive;

import io.github.scratch4j.ImageReference;
import java.util.Map;

/** The annotations that name an image in an image layout's index. */
final class OciNames {
  /** containerd's and Docker's annotation for the full image name. */
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  /** OCI image-spec annotations.md: the reference, here the tag, as skopeo and umoci select it. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciNames() {}

  static Map<String, String> annotations(ImageReference tag) {
    return Map.of(CONTAINERD_NAME, tag.fullName(), REF_NAME, tag.tagOrLatest());
  }
}
