package io.github.scratch4j.internal.json;

import io.github.scratch4j.Descriptor;
import java.util.List;

/**
 * The documents of an OCI 1.1 referrer (image-spec 1.1, manifest.md, "Guidelines for Artifact
 * Usage" and the {@code subject} field; distribution-spec 1.1, "Referrers Tag Schema"): an
 * artifact manifest with an {@code artifactType}, the empty config, one layer and the
 * {@code subject} it refers to; and the index a registry without the referrers API keeps at the
 * tag {@code <alg>-<hex>} of the subject, listing its referrers.
 */
public final class ReferrerJson {
  /** The empty descriptor's media type and content {@code {}} (image-spec 1.1, "Guidance for an Empty Descriptor"). */
  public static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
  public static final byte[] EMPTY = {'{', '}'};

  private ReferrerJson() {}

  /** The artifact manifest: {@code artifactType}, the empty config, one layer, the subject. */
  public static byte[] manifest(String artifactType, Descriptor emptyConfig, Descriptor layer, Descriptor subject) {
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeNumberField("schemaVersion", 2);
    w.writeStringField("mediaType", "application/vnd.oci.image.manifest.v1+json");
    w.writeStringField("artifactType", artifactType);
    w.writeFieldName("config");
    descriptor(w, emptyConfig);
    w.writeArrayFieldStart("layers");
    descriptor(w, layer);
    w.writeEndArray();
    w.writeFieldName("subject");
    descriptor(w, subject);
    w.writeEndObject();
    return w.toByteArray();
  }

  /** The referrers-tag index: the entries it had (as they were), then the new one, with its artifact type. */
  public static byte[] index(List<String> existingEntries, Descriptor referrer) {
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeNumberField("schemaVersion", 2);
    w.writeStringField("mediaType", "application/vnd.oci.image.index.v1+json");
    w.writeArrayFieldStart("manifests");
    existingEntries.forEach(w::writeRawValue);
    descriptor(w, referrer);
    w.writeEndArray();
    w.writeEndObject();
    return w.toByteArray();
  }

  /** Only what the referrer documents use: media type, digest, size and artifact type, in descriptor.md's order. */
  private static void descriptor(JsonWriter w, Descriptor d) {
    DescriptorJson.DESCRIPTOR.write(w, new Descriptor(d.mediaType(), d.digest(), d.size(), java.util.Map.of(),
        java.util.Optional.empty(), d.artifactType()));
  }
}
