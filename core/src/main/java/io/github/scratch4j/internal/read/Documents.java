package io.github.scratch4j.internal.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.Platform;
import io.github.scratch4j.internal.ConfigExtras;
import io.github.scratch4j.internal.json.JsonReader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Turns parsed image documents into the model, checking every field's type and value. */
public final class Documents {
  private Documents() {}

  /** A parsed image configuration. */
  public record Config(ImageConfig config, List<Digest> diffIds) {}

  /** One image of a docker-archive {@code manifest.json}. */
  public record DockerEntry(String config, List<String> repoTags, List<String> layers) {}

  private static final Set<String> KNOWN_TOP = Set.of(
      "created", "author", "architecture", "os", "variant", "config", "rootfs", "history");
  private static final Set<String> KNOWN_CONFIG = Set.of(
      "User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal");

  private static final Set<String> MANIFEST_TYPES = Set.of(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST);
  private static final Set<String> INDEX_TYPES = Set.of(MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST);
  private static final Set<String> CONFIG_TYPES = Set.of(MediaType.OCI_CONFIG, MediaType.DOCKER_CONFIG);

  /**
   * The media type of a manifest or index document that arrived with {@code declared} (a
   * registry's Content-Type; empty or {@code application/json} when it says nothing): its own
   * {@code mediaType} field, else the declared type, else its shape. Refuses a document whose
   * fields contradict each other or the declared type (see {@link #manifest} and {@link #index}),
   * so that no document can be read as an image by one reader and as an index by another.
   */
  public static String mediaType(byte[] json, Optional<String> declared, String what) throws ImageFormatException {
    JsonNode root = object(JsonReader.parse(json, what), what);
    Optional<String> own = optionalText(root, "mediaType", what);
    Optional<String> header = declared.map(t -> t.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT))
        .filter(t -> !t.isEmpty() && !t.equals("application/json"));
    boolean looksLikeIndex = root.has("manifests");
    boolean looksLikeManifest = root.has("config") || root.has("layers");
    if (looksLikeIndex && looksLikeManifest) {
      throw ambiguous(what);
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
    return MANIFEST_TYPES.contains(mediaType) ? Kind.MANIFEST : INDEX_TYPES.contains(mediaType) ? Kind.INDEX : Kind.OTHER;
  }

  /**
   * OCI image-spec v1.1, manifest.md and image-index.md (after CVE-2021-41190): a manifest must
   * not have {@code manifests}, an index must not have {@code config} or {@code layers}.
   */
  private static ImageFormatException ambiguous(String what) {
    return new ImageFormatException(what + " has both the fields of an image manifest (config, layers) and of an"
        + " image index (manifests): it could be read as either, so it is refused (CVE-2021-41190)");
  }

  /**
   * An OCI image index or Docker manifest list: its descriptors of image manifests and indexes;
   * entries of other media types are left out.
   */
  public static List<Descriptor> index(byte[] json, String what) throws ImageFormatException {
    JsonNode root = object(JsonReader.parse(json, what), what);
    schemaVersion(root, what);
    Optional<String> mediaType = optionalText(root, "mediaType", what);
    if (mediaType.isPresent() && !INDEX_TYPES.contains(mediaType.get())) {
      throw new ImageFormatException(what + " has media type " + mediaType.get() + ", not an image index");
    }
    if (root.has("config") || root.has("layers")) {
      throw root.has("manifests") ? ambiguous(what)
          : new ImageFormatException(what + " is read as an image index but has the fields of an image manifest"
              + " (config, layers)");
    }
    List<Descriptor> out = new ArrayList<>();
    JsonNode manifests = root.get("manifests");
    if (manifests == null || manifests.isNull()) {
      return out;
    }
    int i = 0;
    for (JsonNode d : array(manifests, what + " manifests")) {
      String where = what + " manifests[" + i++ + "]";
      // OCI image-spec, image-index.md: "An encountered mediaType that is unknown to the
      // implementation MUST be ignored." Such an entry is not read any further.
      String type = requiredText(object(d, where), "mediaType", where);
      if (MANIFEST_TYPES.contains(type) || INDEX_TYPES.contains(type)) {
        out.add(descriptor(d, where));
      }
    }
    return out;
  }

  /** An OCI image manifest or Docker image manifest v2 schema 2. */
  public static Manifest manifest(byte[] json, String what) throws ImageFormatException {
    JsonNode root = object(JsonReader.parse(json, what), what);
    schemaVersion(root, what);
    Manifest.Builder b = Manifest.builder();
    Optional<String> mediaType = optionalText(root, "mediaType", what);
    if (mediaType.isPresent()
        && !mediaType.get().equals(MediaType.OCI_MANIFEST) && !mediaType.get().equals(MediaType.DOCKER_MANIFEST)) {
      throw new ImageFormatException(what + " has media type " + mediaType.get() + ", not an image manifest");
    }
    if (root.has("manifests")) {
      throw root.has("config") || root.has("layers") ? ambiguous(what)
          : new ImageFormatException(what + " is read as an image manifest but has the fields of an image index"
              + " (manifests)");
    }
    b.mediaType(mediaType.orElse(MediaType.OCI_MANIFEST));
    JsonNode config = root.get("config");
    if (config == null) {
      throw new ImageFormatException(what + " has no config descriptor");
    }
    Descriptor configDescriptor = descriptor(config, what + " config");
    if (!CONFIG_TYPES.contains(configDescriptor.mediaType())) {
      // An artifact (a signature, an SBOM, a Helm chart) has a manifest too, but no image config.
      throw new ImageFormatException(what + " has a config of media type " + configDescriptor.mediaType()
          + ": it describes an artifact, not a container image");
    }
    b.config(configDescriptor);
    JsonNode layers = root.get("layers");
    if (layers != null && !layers.isNull()) {
      int i = 0;
      for (JsonNode d : array(layers, what + " layers")) {
        b.addLayer(descriptor(d, what + " layers[" + i++ + "]"));
      }
    }
    b.annotations(stringMap(root.get("annotations"), what + " annotations"));
    return b.build();
  }

  /** A docker-archive {@code manifest.json}. */
  public static List<DockerEntry> dockerManifest(byte[] json, String what) throws ImageFormatException {
    List<DockerEntry> out = new ArrayList<>();
    int i = 0;
    for (JsonNode e : array(JsonReader.parse(json, what), what)) {
      String where = what + "[" + i++ + "]";
      object(e, where);
      String config = requiredText(e, "Config", where);
      List<String> tags = strings(e.get("RepoTags"), where + " RepoTags");
      List<String> layers = strings(e.get("Layers"), where + " Layers");
      out.add(new DockerEntry(config, tags, layers));
    }
    return out;
  }

  /** An image configuration (OCI image-spec, config.md), with fields scratch4j does not model kept as they are. */
  public static Config config(byte[] json, String what) throws ImageFormatException {
    return config(JsonReader.parse(json, what), what);
  }

  /** An image configuration already parsed, such as one made from a legacy image's JSON. */
  public static Config config(JsonNode parsed, String what) throws ImageFormatException {
    JsonNode root = object(parsed, what);
    ImageConfig.Builder b = ImageConfig.builder();
    String os = requiredText(root, "os", what);
    String arch = requiredText(root, "architecture", what);
    Optional<String> variant = optionalText(root, "variant", what).filter(v -> !v.isEmpty());
    try {
      b.platform(new Platform(os, arch, variant));
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(what + ": " + e.getMessage(), e);
    }
    Optional<String> created = optionalText(root, "created", what);
    if (created.isPresent()) {
      b.created(instant(created.get(), what + " created"));
    }
    optionalText(root, "author", what).ifPresent(b::author);
    Map<String, String> extraTop = new TreeMap<>();
    Map<String, String> extraConfig = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!KNOWN_TOP.contains(f.getKey())) {
        extraTop.put(f.getKey(), JsonReader.compact(f.getValue()));
      }
    }
    JsonNode c = root.get("config");
    String where = what + " config";
    try {
      if (c != null && !c.isNull()) {
        object(c, where);
        optionalText(c, "User", where).filter(s -> !s.isEmpty()).ifPresent(b::user);
        for (String port : keys(c.get("ExposedPorts"), where + " ExposedPorts")) {
          b.exposedPort(port);
        }
        b.env(strings(c.get("Env"), where + " Env"));
        b.entrypoint(strings(c.get("Entrypoint"), where + " Entrypoint"));
        b.cmd(strings(c.get("Cmd"), where + " Cmd"));
        for (String volume : keys(c.get("Volumes"), where + " Volumes")) {
          b.volume(volume);
        }
        optionalText(c, "WorkingDir", where).filter(s -> !s.isEmpty()).ifPresent(b::workingDir);
        stringMap(c.get("Labels"), where + " Labels").forEach(b::label);
        optionalText(c, "StopSignal", where).filter(s -> !s.isEmpty()).ifPresent(b::stopSignal);
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if (!KNOWN_CONFIG.contains(f.getKey())) {
            extraConfig.put(f.getKey(), JsonReader.compact(f.getValue()));
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
    JsonNode history = root.get("history");
    if (history != null && !history.isNull()) {
      int i = 0;
      for (JsonNode h : array(history, what + " history")) {
        String hw = what + " history[" + i++ + "]";
        object(h, hw);
        Optional<String> hc = optionalText(h, "created", hw);
        JsonNode empty = h.get("empty_layer");
        if (empty != null && !empty.isNull() && !empty.isBoolean()) {
          throw new ImageFormatException(hw + " empty_layer is not a boolean");
        }
        b.addHistory(new History(
            hc.isPresent() ? Optional.of(instant(hc.get(), hw + " created")) : Optional.empty(),
            optionalText(h, "created_by", hw),
            optionalText(h, "author", hw),
            optionalText(h, "comment", hw),
            empty != null && empty.asBoolean()));
      }
    }
    JsonNode rootfs = root.get("rootfs");
    if (rootfs == null) {
      throw new ImageFormatException(what + " has no rootfs");
    }
    object(rootfs, what + " rootfs");
    String type = requiredText(rootfs, "type", what + " rootfs");
    if (!type.equals("layers")) {
      throw new ImageFormatException(what + " rootfs type is '" + type + "', not 'layers'");
    }
    List<Digest> diffIds = new ArrayList<>();
    for (String d : strings(rootfs.get("diff_ids"), what + " rootfs.diff_ids")) {
      diffIds.add(digest(d, what + " rootfs.diff_ids"));
    }
    ImageConfig.Builder withExtras = ConfigExtras.set(b, new ConfigExtras.Extras(extraTop, extraConfig));
    return new Config(withExtras.build(), diffIds);
  }

  /** A descriptor (OCI image-spec, descriptor.md). */
  public static Descriptor descriptor(JsonNode d, String what) throws ImageFormatException {
    object(d, what);
    String mediaType = requiredText(d, "mediaType", what);
    Digest digest = digest(requiredText(d, "digest", what), what);
    JsonNode size = d.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new ImageFormatException(what + " has no valid size (a non-negative integer): " + size);
    }
    Optional<Platform> platform = Optional.empty();
    JsonNode p = d.get("platform");
    if (p != null && !p.isNull()) {
      object(p, what + " platform");
      try {
        platform = Optional.of(new Platform(
            requiredText(p, "os", what + " platform"),
            requiredText(p, "architecture", what + " platform"),
            optionalText(p, "variant", what + " platform").filter(v -> !v.isEmpty())));
      } catch (IllegalArgumentException e) {
        throw new ImageFormatException(what + " platform: " + e.getMessage(), e);
      }
    }
    if (mediaType.isEmpty()) {
      throw new ImageFormatException(what + " has an empty media type");
    }
    return new Descriptor(mediaType, digest, size.asLong(), stringMap(d.get("annotations"), what + " annotations"), platform);
  }

  /** Parses a digest, which must be a well-formed sha256 or sha512 value. */
  public static Digest digest(String value, String what) throws ImageFormatException {
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(what + ": " + e.getMessage(), e);
    }
  }

  private static Instant instant(String value, String what) throws ImageFormatException {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (java.time.DateTimeException e) {
      throw new ImageFormatException(what + " is not an RFC 3339 time: '" + value + "'", e);
    }
  }

  private static void schemaVersion(JsonNode root, String what) throws ImageFormatException {
    JsonNode v = root.get("schemaVersion");
    if (v == null || !v.isInt() || v.asInt() != 2) {
      throw new ImageFormatException(what + " has schemaVersion " + v + ", expected 2");
    }
  }

  static JsonNode object(JsonNode n, String what) throws ImageFormatException {
    if (!n.isObject()) {
      throw new ImageFormatException(what + " is not a JSON object");
    }
    return n;
  }

  private static Iterable<JsonNode> array(JsonNode n, String what) throws ImageFormatException {
    if (!n.isArray()) {
      throw new ImageFormatException(what + " is not a JSON array");
    }
    return n;
  }

  static String requiredText(JsonNode n, String field, String what) throws ImageFormatException {
    return optionalText(n, field, what).orElseThrow(() -> new ImageFormatException(what + " has no " + field));
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
    for (JsonNode e : array(n, what)) {
      if (!e.isTextual()) {
        throw new ImageFormatException(what + " holds a value that is not a string");
      }
      out.add(e.asText());
    }
    return out;
  }

  private static List<String> keys(JsonNode n, String what) throws ImageFormatException {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    object(n, what);
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static Map<String, String> stringMap(JsonNode n, String what) throws ImageFormatException {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    object(n, what);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        throw new ImageFormatException(what + " " + f.getKey() + " is not a string");
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    return out;
  }
}
