package io.github.scratch4j;

/** Media types of the documents and blobs scratch4j reads and writes (OCI image-spec, media-types.md). */
public final class MediaType {
  private MediaType() {}

  /** An OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  /** An OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  /** An OCI image configuration. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  /** An uncompressed OCI layer tar. */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  /** A gzip-compressed OCI layer tar. */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  /** A zstd-compressed OCI layer tar. */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  /** A Docker image manifest, schema 2. */
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  /** A Docker manifest list. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  /** A Docker image configuration. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  /** A gzip-compressed Docker layer tar. */
  public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  /** An uncompressed Docker layer tar. */
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
}
