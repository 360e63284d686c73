package io.github.scratch4j;

import io.github.scratch4j.internal.json.JsonDocuments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An OCI image manifest: the configuration and layers of one image for one platform (OCI
 * image-spec, manifest.md). Its digest is that of {@link #toJson()}, the canonical encoding
 * scratch4j writes.
 *
 * <p>Immutable; build one with {@link #builder()}.
 */
public final class Manifest {
  private final String mediaType;
  private final Descriptor config;
  private final List<Descriptor> layers;
  private final SortedMap<String, String> annotations;

  private Manifest(Builder b) {
    this.mediaType = b.mediaType;
    this.config = Objects.requireNonNull(b.config, "a manifest needs a config descriptor");
    this.layers = List.copyOf(b.layers);
    this.annotations = Collections.unmodifiableSortedMap(new TreeMap<>(b.annotations));
  }

  /**
   * A new builder for an OCI manifest.
   *
   * @return a builder with the OCI manifest media type, no config, no layers and no annotations
   */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this manifest, to change it.
   *
   * @return a new builder; changing it leaves this manifest as it is
   */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder b = new Builder().mediaType(mediaType).config(config).annotations(annotations);
    layers.forEach(b::addLayer);
    return b;
  }

  /**
   * The manifest's own media type.
   *
   * @return {@link MediaType#OCI_MANIFEST} unless another was set, such as Docker's schema 2 type
   */
  public String mediaType() {
    return mediaType;
  }

  /**
   * The configuration blob; its digest is the image ID.
   *
   * @return the configuration's descriptor
   */
  public Descriptor config() {
    return config;
  }

  /**
   * The layer blobs, base first.
   *
   * @return an unmodifiable list, empty for an image without layers
   */
  public List<Descriptor> layers() {
    return layers;
  }

  /**
   * The annotations, sorted by key.
   *
   * @return an unmodifiable map, empty when there are none
   */
  public SortedMap<String, String> annotations() {
    return annotations;
  }

  /**
   * The canonical JSON encoding: fixed key order, no insignificant whitespace.
   *
   * @return the UTF-8 bytes of the JSON document, a new array each call
   */
  public byte[] toJson() {
    return JsonDocuments.manifest(this);
  }

  /**
   * The digest of {@link #toJson()}.
   *
   * @return the SHA-256 digest of the canonical encoding
   */
  public Digest digest() {
    return io.github.scratch4j.internal.io.Sha256.of(toJson());
  }

  /**
   * A descriptor of this manifest as {@link #toJson()} encodes it.
   *
   * @return a descriptor with this manifest's media type, digest and size, without annotations or
   *     platform
   */
  public Descriptor descriptor() {
    byte[] json = toJson();
    return Descriptor.of(mediaType, io.github.scratch4j.internal.io.Sha256.of(json), json.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m
        && mediaType.equals(m.mediaType)
        && config.equals(m.config)
        && layers.equals(m.layers)
        && annotations.equals(m.annotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, config, layers, annotations);
  }

  @Override
  public String toString() {
    return "Manifest[config=" + config.digest() + ", " + layers.size() + " layers]";
  }

  /** Collects the parts of a {@link Manifest}. Not thread-safe. */
  public static final class Builder {
    private String mediaType = MediaType.OCI_MANIFEST;
    private Descriptor config;
    private final List<Descriptor> layers = new ArrayList<>();
    private final Map<String, String> annotations = new TreeMap<>();

    private Builder() {}

    /**
     * Sets the manifest's media type (the OCI one by default).
     *
     * @param value the media type, such as {@link MediaType#OCI_MANIFEST}
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder mediaType(String value) {
      this.mediaType = Objects.requireNonNull(value, "mediaType");
      return this;
    }

    /**
     * Sets the configuration descriptor.
     *
     * @param value the configuration blob's descriptor
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder config(Descriptor value) {
      this.config = Objects.requireNonNull(value, "config");
      return this;
    }

    /**
     * Appends a layer descriptor.
     *
     * @param layer the layer blob's descriptor, above those added before
     * @return this builder
     * @throws NullPointerException if {@code layer} is null
     */
    public Builder addLayer(Descriptor layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /**
     * Replaces the annotations.
     *
     * @param values the annotations; copied
     * @return this builder
     * @throws NullPointerException if the map is null or has a null key
     */
    public Builder annotations(Map<String, String> values) {
      annotations.clear();
      annotations.putAll(values);
      return this;
    }

    /**
     * Builds the manifest.
     *
     * @return the manifest; the builder can go on
     * @throws NullPointerException if no configuration descriptor was set
     */
    @CheckReturnValue
    public Manifest build() {
      return new Manifest(this);
    }
  }
}
