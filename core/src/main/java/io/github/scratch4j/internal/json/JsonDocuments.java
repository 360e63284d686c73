package io.github.scratch4j.internal.json;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Platform;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Encodes the JSON documents of an image. Keys come in a fixed order (the order the OCI
 * image-spec lists them), empty values are left out, and there is no insignificant whitespace,
 * so equal documents have equal digests. Each document's fields are described once
 * ({@link ConfigJson}, {@link ManifestJson}, {@link IndexJson}, {@link DockerManifestJson}), for
 * this writer and for the reader.
 */
public final class JsonDocuments {
  private JsonDocuments() {}

  /** The fixed content of an image layout's {@code oci-layout} file (OCI image-layout.md). */
  public static byte[] ociLayout() {
    JsonWriter g = new JsonWriter();
    g.writeStartObject();
    g.writeStringField("imageLayoutVersion", "1.0.0");
    g.writeEndObject();
    return g.toByteArray();
  }

  /** An image configuration (OCI image-spec, config.md). */
  public static byte[] config(
      ImageConfig c, Platform platform, Instant created, List<Digest> diffIds, List<History> history) {
    return ConfigJson.write(new ConfigJson.Written(c, platform, created, diffIds, history));
  }

  /** An image manifest (OCI image-spec, manifest.md). */
  public static byte[] manifest(Manifest m) {
    return ManifestJson.write(m);
  }

  /** An image index (OCI image-spec, image-index.md), such as an image layout's {@code index.json}. */
  public static byte[] index(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    return IndexJson.write(new IndexJson.Index(mediaType, manifests, annotations));
  }

  /** One image of a docker-archive {@code manifest.json}. */
  public record DockerArchiveImage(String config, List<String> repoTags, List<String> layers) {}

  /** The {@code manifest.json} that {@code docker load} reads. */
  public static byte[] dockerArchiveManifest(List<DockerArchiveImage> images) {
    return DockerManifestJson.write(images);
  }
}
