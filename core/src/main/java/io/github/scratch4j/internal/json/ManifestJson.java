package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
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

  /**
   * What kind of artifact a parsed manifest describes, in words (its artifact type, its config's
   * media type, or its layers'), or empty for an image; see {@code Documents.artifact}.
   */
  public static Optional<String> describesArtifact(JsonNode manifest) {
    if (!manifest.isObject()) {
      return Optional.empty();
    }
    JsonNode type = manifest.get("artifactType");
    JsonNode config = manifest.path("config").path("mediaType");
    String configType = config.isTextual() ? ", config " + config.asText() : "";
    if (type != null && type.isTextual() && !type.asText().isEmpty()) {
      return Optional.of("artifactType " + type.asText() + configType);
    }
    if (config.isTextual() && !CONFIG_TYPES.contains(config.asText())) {
      return Optional.of(configType.substring(2));
    }
    JsonNode layers = manifest.path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      return Optional.empty();
    }
    java.util.Set<String> types = new java.util.TreeSet<>();
    for (JsonNode layer : layers) {
      JsonNode mediaType = layer.path("mediaType");
      if (!mediaType.isTextual() || LayerMediaTypes.isLayer(mediaType.asText())) {
        return Optional.empty();
      }
      types.add(mediaType.asText());
    }
    return Optional.of("layers of " + String.join(", ", types));
  }

  /** The manifest's own media type, when it says it. */
  public static final Field<Manifest, Manifest.Builder, Optional<String>> MEDIA_TYPE = Field.optional(
      "mediaType", JsonType.STRING.optional());

  /** The configuration's descriptor. */
  public static final Field<Manifest, Manifest.Builder, Descriptor> CONFIG = Field.<Manifest, Manifest.Builder, Descriptor>
      required("config", DescriptorJson.DESCRIPTOR).whenMissing(" has no config descriptor");

  /** The layers' descriptors, lowest first. */
  public static final Field<Manifest, Manifest.Builder, java.util.List<Descriptor>> LAYERS = Field.always(
      "layers", DescriptorJson.DESCRIPTOR.list());

  /** A manifest's fields. */
  private static final class Fields implements Shape.Access<Manifest, Manifest.Builder> {
    @Override
    public Object get(String name, Manifest m) {
      return switch (name) {
        case "schemaVersion" -> 2;
        case "mediaType" -> Optional.of(m.mediaType());
        case "config" -> m.config();
        case "layers" -> m.layers();
        case "annotations" -> m.annotations();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Manifest.Builder b, Object v, String what) throws ImageFormatException {
      switch (name) {
        case "schemaVersion" -> { }
        case "mediaType" -> {
          Optional<String> type = (Optional<String>) v;
          if (type.isPresent() && !TYPES.contains(type.get())) {
            throw new ImageFormatException(what + " has media type " + type.get() + ", not an image manifest");
          }
          b.mediaType(type.orElse(MediaType.OCI_MANIFEST));
        }
        case "config" -> {
          Descriptor config = (Descriptor) v;
          if (!CONFIG_TYPES.contains(config.mediaType())) {
            // An artifact (a signature, an SBOM, a Helm chart) has a manifest too, but no image config.
            throw new ImageFormatException(what + " has a config of media type " + config.mediaType()
                + ": it describes an artifact, not a container image");
          }
          b.config(config);
        }
        case "layers" -> {
          for (Descriptor layer : (java.util.List<Descriptor>) v) {
            b.addLayer(layer);
          }
        }
        case "annotations" -> b.annotations((java.util.Map<String, String>) v);
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public void check(JsonNode object, String what) throws ImageFormatException {
      notAnIndex(object, what);
    }
  }

  private static final Shape<Manifest, Manifest.Builder> SHAPE = Shape.of(new Fields(),
      DescriptorJson.schemaVersion(),
      MEDIA_TYPE,
      Shape.check(),
      CONFIG,
      LAYERS,
      Field.optional("annotations", JsonType.STRING_MAP));

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
