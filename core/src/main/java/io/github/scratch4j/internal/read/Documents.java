package io.github.scratch4j.internal.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.internal.json.ConfigJson;
import io.github.scratch4j.internal.json.DockerManifestJson;
import io.github.scratch4j.internal.json.IndexJson;
import io.github.scratch4j.internal.json.JsonDocuments.DockerArchiveImage;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.json.JsonType;
import io.github.scratch4j.internal.json.ManifestJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads image documents into the model, checking every field's type and value. Each document's
 * fields are described once, in {@code internal.json} ({@link ConfigJson}, {@link ManifestJson},
 * {@link IndexJson}, {@link DockerManifestJson}), for the writer and for this reader.
 */
public final class Documents {
  private Documents() {}

  /** A parsed image configuration. */
  public record Config(ImageConfig config, List<Digest> diffIds) {}

  /** One image of a docker-archive {@code manifest.json}. */
  public record DockerEntry(String config, List<String> repoTags, List<String> layers) {}

  /**
   * The media type of a manifest or index document that arrived with {@code declared} (a
   * registry's Content-Type; empty or {@code application/json} when it says nothing): its own
   * {@code mediaType} field, else the declared type, else its shape. Refuses a document whose
   * fields contradict each other or the declared type (see {@link #manifest} and {@link #index}),
   * so that no document can be read as an image by one reader and as an index by another.
   */
  public static String mediaType(byte[] json, Optional<String> declared, String what) throws ImageFormatException {
    JsonNode root = object(JsonReader.parse(json, what), what);
    Optional<String> own = ManifestJson.MEDIA_TYPE.read(root, what);
    Optional<String> header = declared.map(t -> t.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT))
        .filter(t -> !t.isEmpty() && !t.equals("application/json"));
    boolean looksLikeIndex = IndexJson.hasIndexFields(root);
    boolean looksLikeManifest = ManifestJson.hasManifestFields(root);
    if (looksLikeIndex && looksLikeManifest) {
      throw IndexJson.ambiguous(what);
    }
    if (own.isPresent() && header.isPresent() && kind(own.get()) != kind(header.get())) {
      throw new ImageFormatException(what + " was sent as " + header.get() + " but says it is " + own.get());
    }
    String type = own.or(() -> header).orElse(looksLikeIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST);
    if ((kind(type) == Kind.INDEX && looksLikeManifest) || (kind(type) == Kind.MANIFEST && looksLikeIndex)) {
      throw new ImageFormatException(what + " has media type " + type + " but the fields of "
          + (looksLikeIndex ? "an image index (manifests)" : "an image manifest (config, layers)"));
    }
    return type;
  }

  private enum Kind { MANIFEST, INDEX, OTHER }

  private static Kind kind(String mediaType) {
    return ManifestJson.TYPES.contains(mediaType) ? Kind.MANIFEST
        : IndexJson.TYPES.contains(mediaType) ? Kind.INDEX : Kind.OTHER;
  }

  /**
   * An OCI image index or Docker manifest list: its descriptors of image manifests and indexes;
   * entries of other media types are left out.
   */
  public static List<Descriptor> index(byte[] json, String what) throws ImageFormatException {
    return IndexJson.read(JsonReader.parse(json, what), what);
  }

  /** An OCI image manifest or Docker image manifest v2 schema 2. */
  public static Manifest manifest(byte[] json, String what) throws ImageFormatException {
    return ManifestJson.read(JsonReader.parse(json, what), what);
  }

  /**
   * What kind of artifact a manifest describes, when it describes one rather than a container
   * image: it names an {@code artifactType}, or has a config that is not an image configuration
   * (image-spec 1.1, manifest.md, "Guidelines for Artifact Usage"), or has layers none of which is
   * a file system layer (cosign's signature manifests carry payloads in an image config's
   * manifest). A manifest that is not even an object is no artifact, so that reading it says what
   * is wrong.
   *
   * @return the artifact's types in words, or empty for an image
   */
  public static Optional<String> artifact(byte[] json, String what) throws ImageFormatException {
    return ManifestJson.describesArtifact(JsonReader.parse(json, what));
  }

  /** A docker-archive {@code manifest.json}. */
  public static List<DockerEntry> dockerManifest(byte[] json, String what) throws ImageFormatException {
    List<DockerEntry> out = new ArrayList<>();
    for (DockerArchiveImage e : DockerManifestJson.read(JsonReader.parse(json, what), what)) {
      out.add(new DockerEntry(e.config(), e.repoTags(), e.layers()));
    }
    return out;
  }

  /** An image configuration (OCI image-spec, config.md), with fields scratch4j does not model kept as they are. */
  public static Config config(byte[] json, String what) throws ImageFormatException {
    return config(JsonReader.parse(json, what), what);
  }

  /** An image configuration already parsed, such as one made from a legacy image's JSON. */
  public static Config config(JsonNode parsed, String what) throws ImageFormatException {
    ConfigJson.Parsed c = ConfigJson.read(parsed, what);
    return new Config(c.config(), c.diffIds());
  }

  /** Parses a digest, which must be a well-formed sha256 or sha512 value. */
  public static Digest digest(String value, String what) throws ImageFormatException {
    return JsonType.digest(value, what);
  }

  static JsonNode object(JsonNode n, String what) throws ImageFormatException {
    return JsonType.object(n, what);
  }

  static Optional<String> optionalText(JsonNode n, String field, String what) throws ImageFormatException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new ImageFormatException(what + " " + field + " is not a string");
    }
    return Optional.of(v.asText());
  }

  static List<String> strings(JsonNode n, String what) throws ImageFormatException {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new ImageFormatException(what + " is not a JSON array");
    }
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new ImageFormatException(what + " holds a value that is not a string");
      }
      out.add(e.asText());
    }
    return out;
  }
}
