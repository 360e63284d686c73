package io.github.scratch4j;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Points at content by media type, digest and size (OCI image-spec, descriptor.md).
 *
 * @param mediaType the media type of the referenced content
 * @param digest the digest of the referenced bytes, as stored
 * @param size the number of stored bytes
 * @param annotations arbitrary metadata, sorted by key
 * @param platform the platform, for manifests listed in an index
 * @param artifactType the type of artifact a manifest listed in an index describes, such as
 *     {@code application/spdx+json} for an SBOM attached to an image; empty for an image
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    Optional<Platform> platform,
    Optional<String> artifactType) {

  /**
   * Validates the size and copies the annotations.
   *
   * @param mediaType the media type of the referenced content, not empty
   * @param digest the digest of the referenced bytes, as stored
   * @param size the number of stored bytes, zero or more
   * @param annotations arbitrary metadata; copied and sorted by key
   * @param platform the platform, for manifests listed in an index; empty otherwise
   * @param artifactType the artifact type of a manifest listed in an index (OCI image-spec 1.1,
   *     descriptor.md); empty for an image, and otherwise not empty
   * @throws IllegalArgumentException if the media type or a present artifact type is empty, or the
   *     size negative
   * @throws NullPointerException if an argument is null, or the annotations hold a null key or
   *     value
   */
  public Descriptor {
    java.util.Objects.requireNonNull(digest, "digest");
    java.util.Objects.requireNonNull(platform, "platform");
    if (artifactType.filter(String::isEmpty).isPresent()) {
      throw new IllegalArgumentException("descriptor artifact type is empty");
    }
    annotations.forEach((k, v) -> java.util.Objects.requireNonNull(v, () -> "annotation " + k + " has a null value"));
    if (mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor media type is empty");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size is negative: " + size);
    }
    annotations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
  }

  /**
   * A descriptor of no artifact type.
   *
   * @param mediaType the media type of the referenced content, not empty
   * @param digest the digest of the referenced bytes, as stored
   * @param size the number of stored bytes, zero or more
   * @param annotations arbitrary metadata; copied and sorted by key
   * @param platform the platform, for manifests listed in an index; empty otherwise
   * @throws IllegalArgumentException if the media type is empty or the size negative
   * @throws NullPointerException if an argument is null, or the annotations hold a null key or
   *     value
   */
  public Descriptor(
      String mediaType, Digest digest, long size, Map<String, String> annotations, Optional<Platform> platform) {
    this(mediaType, digest, size, annotations, platform, Optional.empty());
  }

  /**
   * A descriptor without annotations or platform.
   *
   * @param mediaType the media type of the referenced content, not empty
   * @param digest the digest of the referenced bytes, as stored
   * @param size the number of stored bytes, zero or more
   * @return the descriptor
   * @throws IllegalArgumentException if the media type is empty or the size negative
   * @throws NullPointerException if {@code mediaType} or {@code digest} is null
   */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), Optional.empty());
  }

  /**
   * Returns a copy with the given annotations.
   *
   * @param newAnnotations the annotations, which replace this descriptor's; copied
   * @return a copy with those annotations
   * @throws NullPointerException if {@code newAnnotations} is null or holds a null key
   */
  @CheckReturnValue
  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, newAnnotations, platform, artifactType);
  }

  /**
   * Returns a copy with the given platform.
   *
   * @param newPlatform the platform of the manifest this descriptor points at
   * @return a copy with that platform
   * @throws NullPointerException if {@code newPlatform} is null
   */
  @CheckReturnValue
  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(mediaType, digest, size, annotations, Optional.of(newPlatform), artifactType);
  }

  /**
   * Returns a copy with the given artifact type.
   *
   * @param newArtifactType the type of artifact the manifest this descriptor points at describes
   * @return a copy with that artifact type
   * @throws IllegalArgumentException if {@code newArtifactType} is empty
   * @throws NullPointerException if {@code newArtifactType} is null
   */
  @CheckReturnValue
  public Descriptor withArtifactType(String newArtifactType) {
    return new Descriptor(mediaType, digest, size, annotations, platform, Optional.of(newArtifactType));
  }
}
