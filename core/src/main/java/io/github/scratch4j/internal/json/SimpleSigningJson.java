package io.github.scratch4j.internal.json;

import io.github.scratch4j.Digest;
import java.util.List;

/**
 * The documents of a cosign signature (cosign, {@code specs/SIGNATURE_SPEC.md}): the "simple
 * signing" payload (containers/image, {@code docs/containers-signature.5.md}, "JSON Data
 * Format"), in the field order cosign writes, and the configuration blob of the signature manifest,
 * which lists the payloads as its layers' diff IDs, as cosign's does.
 */
public final class SimpleSigningJson {
  /** {@code critical.type} of a cosign signature. */
  public static final String TYPE = "cosign container image signature";

  private SimpleSigningJson() {}

  /** {@code {"critical":{"identity":{"docker-reference":..},"image":{"docker-manifest-digest":..},"type":..},"optional":null}}. */
  public static byte[] payload(String dockerReference, Digest manifestDigest) {
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeObjectFieldStart("critical");
    w.writeObjectFieldStart("identity");
    w.writeStringField("docker-reference", dockerReference);
    w.writeEndObject();
    w.writeObjectFieldStart("image");
    w.writeStringField("docker-manifest-digest", manifestDigest.toString());
    w.writeEndObject();
    w.writeStringField("type", TYPE);
    w.writeEndObject();
    w.writeFieldName("optional");
    w.writeRawValue("null");
    w.writeEndObject();
    return w.toByteArray();
  }

  /** The signature manifest's configuration: an empty image whose layers are the payloads. */
  public static byte[] config(List<Digest> payloads) {
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeStringField("architecture", "");
    w.writeStringField("created", "0001-01-01T00:00:00Z");
    w.writeArrayFieldStart("history");
    w.writeStartObject();
    w.writeStringField("created", "0001-01-01T00:00:00Z");
    w.writeEndObject();
    w.writeEndArray();
    w.writeStringField("os", "");
    w.writeObjectFieldStart("rootfs");
    w.writeStringField("type", "layers");
    w.writeArrayFieldStart("diff_ids");
    payloads.forEach(d -> w.writeString(d.toString()));
    w.writeEndArray();
    w.writeEndObject();
    w.writeObjectFieldStart("config");
    w.writeEndObject();
    w.writeEndObject();
    return w.toByteArray();
  }
}
