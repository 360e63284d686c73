package io.github.scratch4j.internal.json;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Platform;
import io.github.scratch4j.internal.ConfigExtras;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes the JSON documents of an image. Keys come in a fixed order (the order the OCI
 * image-spec lists them), empty values are left out, and there is no insignificant whitespace,
 * so equal documents have equal digests.
 */
public final class JsonDocuments {
  private JsonDocuments() {}

  /** The fixed content of an image layout's {@code oci-layout} file (OCI image-layout.md). */
  public static byte[] ociLayout() {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("imageLayoutVersion", "1.0.0");
      g.writeEndObject();
    });
  }

  /** An image configuration (OCI image-spec, config.md). */
  public static byte[] config(
      ImageConfig c, Platform platform, Instant created, List<Digest> diffIds, List<History> history) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("created", created.toString());
      optional(g, "author", c.author());
      g.writeStringField("architecture", platform.architecture());
      g.writeStringField("os", platform.os());
      optional(g, "variant", platform.variant());
      g.writeObjectFieldStart("config");
      optional(g, "User", c.user());
      emptyObjects(g, "ExposedPorts", c.exposedPorts());
      strings(g, "Env", c.env());
      strings(g, "Entrypoint", c.entrypoint());
      strings(g, "Cmd", c.cmd());
      emptyObjects(g, "Volumes", c.volumes());
      optional(g, "WorkingDir", c.workingDir());
      map(g, "Labels", c.labels());
      optional(g, "StopSignal", c.stopSignal());
      ConfigExtras.Extras extras = ConfigExtras.get(c);
      raw(g, extras.config());
      g.writeEndObject();
      g.writeObjectFieldStart("rootfs");
      g.writeStringField("type", "layers");
      g.writeArrayFieldStart("diff_ids");
      for (Digest d : diffIds) {
        g.writeString(d.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
      if (!history.isEmpty()) {
        g.writeArrayFieldStart("history");
        for (History h : history) {
          g.writeStartObject();
          optional(g, "created", h.created().map(Instant::toString));
          optional(g, "created_by", h.createdBy());
          optional(g, "author", h.author());
          optional(g, "comment", h.comment());
          if (h.emptyLayer()) {
            g.writeBooleanField("empty_layer", true);
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      raw(g, extras.top());
      g.writeEndObject();
    });
  }

  /** Fields kept from a base image's configuration, written back as they were read. */
  private static void raw(JsonWriter g, Map<String, String> fields) {
    for (Map.Entry<String, String> f : fields.entrySet()) {
      g.writeFieldName(f.getKey());
      g.writeRawValue(f.getValue());
    }
  }

  /** An image manifest (OCI image-spec, manifest.md). */
  public static byte[] manifest(Manifest m) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("schemaVersion", 2);
      g.writeStringField("mediaType", m.mediaType());
      g.writeFieldName("config");
      descriptor(g, m.config());
      g.writeArrayFieldStart("layers");
      for (Descriptor d : m.layers()) {
        descriptor(g, d);
      }
      g.writeEndArray();
      map(g, "annotations", m.annotations());
      g.writeEndObject();
    });
  }

  /** An image index (OCI image-spec, image-index.md), such as an image layout's {@code index.json}. */
  public static byte[] index(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("schemaVersion", 2);
      g.writeStringField("mediaType", mediaType);
      g.writeArrayFieldStart("manifests");
      for (Descriptor d : manifests) {
        descriptor(g, d);
      }
      g.writeEndArray();
      map(g, "annotations", annotations);
      g.writeEndObject();
    });
  }

  /** One image of a docker-archive {@code manifest.json}. */
  public record DockerArchiveImage(String config, List<String> repoTags, List<String> layers) {}

  /** The {@code manifest.json} that {@code docker load} reads. */
  public static byte[] dockerArchiveManifest(List<DockerArchiveImage> images) {
    return write(g -> {
      g.writeStartArray();
      for (DockerArchiveImage image : images) {
        g.writeStartObject();
        g.writeStringField("Config", image.config());
        g.writeArrayFieldStart("RepoTags");
        for (String t : image.repoTags()) {
          g.writeString(t);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Layers");
        for (String l : image.layers()) {
          g.writeString(l);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  private static void descriptor(JsonWriter g, Descriptor d) {
    g.writeStartObject();
    g.writeStringField("mediaType", d.mediaType());
    g.writeStringField("digest", d.digest().toString());
    g.writeNumberField("size", d.size());
    map(g, "annotations", d.annotations());
    if (d.platform().isPresent()) {
      Platform p = d.platform().get();
      g.writeObjectFieldStart("platform");
      g.writeStringField("architecture", p.architecture());
      g.writeStringField("os", p.os());
      optional(g, "variant", p.variant());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void optional(JsonWriter g, String name, Optional<String> value) {
    if (value.isPresent()) {
      g.writeStringField(name, value.get());
    }
  }

  private static void strings(JsonWriter g, String name, List<String> values) {
    if (!values.isEmpty()) {
      g.writeArrayFieldStart(name);
      for (String v : values) {
        g.writeString(v);
      }
      g.writeEndArray();
    }
  }

  private static void emptyObjects(JsonWriter g, String name, Collection<String> keys) {
    if (!keys.isEmpty()) {
      g.writeObjectFieldStart(name);
      for (String k : keys) {
        g.writeObjectFieldStart(k);
        g.writeEndObject();
      }
      g.writeEndObject();
    }
  }

  private static void map(JsonWriter g, String name, Map<String, String> values) {
    if (!values.isEmpty()) {
      g.writeObjectFieldStart(name);
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(values).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
  }

  private interface Body {
    void write(JsonWriter g);
  }

  private static byte[] write(Body body) {
    JsonWriter g = new JsonWriter();
    body.write(g);
    return g.toByteArray();
  }
}
