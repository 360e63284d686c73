package io.github.scratch4j.internal.compress;

import io.github.scratch4j.Compression;
import io.github.scratch4j.MediaType;
import java.util.Optional;

/** What the layer media types say about compression (OCI image-spec, layer.md; Docker's image manifest v2.2). */
public final class LayerMediaTypes {
  private LayerMediaTypes() {}

  /** Whether the media type is an OCI or Docker layer type this library can read. */
  public static boolean isLayer(String mediaType) {
    return compression(mediaType).isPresent();
  }

  /** The compression a layer media type names, empty if it is not a known layer type. */
  public static Optional<Compression> compression(String mediaType) {
    return switch (mediaType) {
      case MediaType.OCI_LAYER, MediaType.DOCKER_LAYER,
          "application/vnd.oci.image.layer.nondistributable.v1.tar" -> Optional.of(Compression.NONE);
      case MediaType.OCI_LAYER_GZIP, MediaType.DOCKER_LAYER_GZIP,
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" -> Optional.of(Compression.GZIP);
      case MediaType.OCI_LAYER_ZSTD, "application/vnd.docker.image.rootfs.diff.tar.zstd" ->
          Optional.of(Compression.ZSTD);
      default -> Optional.empty();
    };
  }

  /** The OCI layer media type for a compression. */
  public static String oci(Compression compression) {
    return switch (compression) {
      case NONE -> MediaType.OCI_LAYER;
      case GZIP -> MediaType.OCI_LAYER_GZIP;
      case ZSTD -> MediaType.OCI_LAYER_ZSTD;
    };
  }

  /**
   * The OCI media type for the same bytes as a Docker layer media type, so that a base layer from
   * a Docker image can be listed in an OCI manifest unchanged.
   */
  public static String toOci(String mediaType) {
    return compression(mediaType).map(LayerMediaTypes::oci).orElse(mediaType);
  }
}
