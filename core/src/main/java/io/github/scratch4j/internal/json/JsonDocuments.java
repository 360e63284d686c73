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
  private static final java.util.concurrent.atomic.AtomicBoolean PREPARED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private JsonDocuments() {}

  /**
   * Writes one document of each kind, once per JVM, on a daemon thread. A write calls it as it
   * starts: in a new JVM the documents' classes are otherwise loaded and initialised after the
   * last layer, when nothing is left to overlap with them (about 35 ms of a 512 MiB image's
   * write, measured with the class-loading log), while here they load beside the layers.
   */
  public static void prepareInBackground() {
    if (PREPARED.compareAndSet(false, true)) {
      io.github.scratch4j.internal.exec.Threads.start("scratch4j-documents", () -> {
        try {
          writeOneOfEach();
        } catch (RuntimeException e) {
          // Only a head start: the write itself meets and reports anything wrong.
        }
      });
    }
  }

  /** One document of each kind, thrown away. */
  static void writeOneOfEach() {
    Digest digest = Digest.parse("sha256:" + "0".repeat(64));
    Descriptor config = Descriptor.of(io.github.scratch4j.MediaType.OCI_CONFIG, digest, 2);
    config(ImageConfig.empty(), Platform.LINUX_AMD64, Instant.EPOCH, List.of(digest), List.of());
    Manifest manifest = Manifest.builder().config(config)
        .addLayer(Descriptor.of(io.github.scratch4j.MediaType.OCI_LAYER, digest, 2)).build();
    manifest(manifest);
    index(io.github.scratch4j.MediaType.OCI_INDEX, List.of(Descriptor.of(manifest.mediaType(), digest, 2)
        .withPlatform(Platform.LINUX_AMD64).withAnnotations(Map.of("org.opencontainers.image.ref.name", "a:1"))),
        Map.of());
    dockerArchiveManifest(List.of(new DockerArchiveImage("c.json", List.of("a:1"), List.of("l.tar"))));
    ociLayout();
  }

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
