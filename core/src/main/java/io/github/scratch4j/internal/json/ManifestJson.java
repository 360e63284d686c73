package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.internal.json.Shape.Field;
import java.util.Optional;
import java.util.Set;

/** An image manifest (OCI image-spec, manifest.md), or Docker's image manifest v2 schema 2. */
public final class ManifestJson {
  private ManifestJson() {}

  /** The media types of an image manifest. */
  public static final Set<String> TYPES = Set.of(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST);
  /** The media types of an image configuration. */
  private static final Set<String> CONFIG_TYPES = Set.of(MediaType.OCI_CONFIG, MediaType.DOCKER_CONFIG);

  /** The manifest's own media type, when it says it. */
  public static final Field<Manifest, Manifest.Builder, Optional<String>> MEDIA_TYPE = Field.optional(
      "mediaType", JsonType.STRING.optional(), m -> Optional.of(m.mediaType()), (b, v, what) -> {
        if (v.isPresent() && !TYPES.contains(v.get())) {
          throw new ImageFormatException(what + " has media type " + v.get() + ", not an image manifest");
        }
        b.mediaType(v.orElse(MediaType.OCI_MANIFEST));
      });

  /** The configuration's descriptor. */
  public static final Field<Manifest, Manifest.Builder, Descriptor> CONFIG = Field.<Manifest, Manifest.Builder, Descriptor>
      required("config", DescriptorJson.DESCRIPTOR, Manifest::config, (b, config, what) -> {
        if (!CONFIG_TYPES.contains(config.mediaType())) {
          // An artifact (a signature, an SBOM, a Helm chart) has a manifest too, but no image config.
          throw new ImageFormatException(what + " has a config of media type " + config.mediaType()
              + ": it describes an artifact, not a container image");
        }
        b.config(config);
      })
      .whenMissing(what -> what + " has no config descriptor");

  /** The layers' descriptors, lowest first. */
  public static final Field<Manifest, Manifest.Builder, java.util.List<Descriptor>> LAYERS = Field.always(
      "layers", DescriptorJson.DESCRIPTOR.list(), Manifest::layers, (b, layers, what) -> layers.forEach(b::addLayer));

  private static final Shape<Manifest, Manifest.Builder> SHAPE = Shape.<Manifest, Manifest.Builder>of(
      DescriptorJson.schemaVersion(),
      MEDIA_TYPE,
      Shape.check(ManifestJson::notAnIndex),
      CONFIG,
      LAYERS,
      Field.optional("annotations", JsonType.STRING_MAP, Manifest::annotations, (b, v, w) -> b.annotations(v)));

  /** The manifest's JSON, keys in the spec's order, empty values left out. */
  public static byte[] write(Manifest m) {
    return SHAPE.toJson(m);
  }

  /** Whether an object has any of the fields only a manifest has. */
  public static boolean hasManifestFields(JsonNode object) {
    return CONFIG.isIn(object) || LAYERS.isIn(object);
  }

  /** Refuses a manifest that also has the fields of an index (see {@link IndexJson#ambiguous}). */
  private static void notAnIndex(JsonNode root, String what) throws ImageFormatException {
    if (IndexJson.hasIndexFields(root)) {
      throw hasManifestFields(root) ? IndexJson.ambiguous(what)
          : new ImageFormatException(what + " is read as an image manifest but has the fields of an image index"
              + " (manifests)");
    }
  }

  /** Reads a manifest. */
  public static Manifest read(JsonNode root, String what) throws ImageFormatException {
    Manifest.Builder b = Manifest.builder();
    SHAPE.read(root, b, what);
    return b.build();
  }
}
