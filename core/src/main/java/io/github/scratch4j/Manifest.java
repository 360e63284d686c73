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

  /** A new builder for an OCI manifest. */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this manifest, to change it. */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder b = new Builder().mediaType(mediaType).config(config).annotations(annotations);
    layers.forEach(b::addLayer);
    return b;
  }

  /** The manifest's own media type. */
  public String mediaType() {
    return mediaType;
  }

  /** The configuration blob; its digest is the image ID. */
  public Descriptor config() {
    return config;
  }

  /** The layer blobs, base first. */
  public List<Descriptor> layers() {
    return layers;
  }

  /** The annotations, sorted by key. */
  public SortedMap<String, String> annotations() {
    return annotations;
  }

  /** The canonical JSON encoding: fixed key order, no insignificant whitespace. */
  public byte[] toJson() {
    return JsonDocuments.manifest(this);
  }

  /** The digest of {@link #toJson()}. */
  public Digest digest() {
    return io.github.scratch4j.internal.io.Sha256.of(toJson());
  }

  /** A descriptor of this manifest as {@link #toJson()} encodes it. */
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

    /** Sets the manifest's media type (the OCI one by default). */
    public Builder mediaType(String value) {
      this.mediaType = Objects.requireNonNull(value, "mediaType");
      return this;
    }

    /** Sets the configuration descriptor. */
    public Builder config(Descriptor value) {
      this.config = Objects.requireNonNull(value, "config");
      return this;
    }

    /** Appends a layer descriptor. */
    public Builder addLayer(Descriptor layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /** Replaces the annotations. */
    public Builder annotations(Map<String, String> values) {
      annotations.clear();
      annotations.putAll(values);
      return this;
    }

    /** Builds the manifest. */
    @CheckReturnValue
    public Manifest build() {
      return new Manifest(this);
    }
  }
}
