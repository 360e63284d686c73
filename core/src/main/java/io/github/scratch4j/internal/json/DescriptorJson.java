package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Platform;
import io.github.scratch4j.internal.json.Shape.Field;
import java.util.Map;
import java.util.Optional;

/**
 * A descriptor (OCI image-spec, descriptor.md) and the platform an index gives an image
 * (image-index.md), as the manifest and the index hold them.
 */
public final class DescriptorJson {
  private DescriptorJson() {}

  /** What reading a platform gives, before it is checked as a whole. */
  private static final class PlatformRead {
    String architecture;
    String os;
    Optional<String> variant;
  }

  /** What reading a descriptor gives, before it is checked as a whole. */
  private static final class Read {
    String mediaType;
    Digest digest;
    long size;
    Map<String, String> annotations;
    Optional<Platform> platform;
    Optional<String> artifactType;
  }

  /** A platform's fields; its parts are checked as {@link Platform} checks them. */
  private static final class PlatformFields implements Shape.Access<Platform, PlatformRead> {
    @Override
    public Object get(String name, Platform p) {
      return switch (name) {
        case "architecture" -> p.architecture();
        case "os" -> p.os();
        case "variant" -> p.variant();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, PlatformRead p, Object v, String what) {
      switch (name) {
        case "architecture" -> p.architecture = (String) v;
        case "os" -> p.os = (String) v;
        case "variant" -> {
          Optional<String> variant = (Optional<String>) v;
          p.variant = variant.isPresent() && variant.get().isEmpty() ? Optional.empty() : variant;
        }
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public PlatformRead start() {
      return new PlatformRead();
    }

    @Override
    public Platform finish(PlatformRead p, String where) {
      return new Platform(p.os, p.architecture, p.variant);
    }
  }

  /** A platform object. */
  static final JsonType<Platform> PLATFORM = JsonType.object(Shape.of(new PlatformFields(),
      Field.required("architecture", JsonType.STRING),
      Field.required("os", JsonType.STRING),
      Field.optional("variant", JsonType.STRING.optional())));

  private static final Field<Descriptor, Read, String> MEDIA_TYPE = Field.required("mediaType", JsonType.STRING);

  /** A descriptor's fields. */
  private static final class Fields implements Shape.Access<Descriptor, Read> {
    @Override
    public Object get(String name, Descriptor d) {
      return switch (name) {
        case "mediaType" -> d.mediaType();
        case "digest" -> d.digest();
        case "size" -> d.size();
        case "annotations" -> d.annotations();
        case "platform" -> d.platform();
        case "artifactType" -> d.artifactType();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Read d, Object v, String what) throws ImageFormatException {
      switch (name) {
        case "mediaType" -> d.mediaType = mediaType((String) v, what);
        case "digest" -> d.digest = (Digest) v;
        case "size" -> d.size = (Long) v;
        case "annotations" -> d.annotations = (Map<String, String>) v;
        case "platform" -> d.platform = (Optional<Platform>) v;
        case "artifactType" -> {
          Optional<String> type = (Optional<String>) v;
          // Empty means none (image-spec 1.1, descriptor.md: it is set only for artifacts).
          d.artifactType = type.filter(t -> !t.isEmpty());
        }
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public Read start() {
      return new Read();
    }

    @Override
    public Descriptor finish(Read d, String where) {
      return new Descriptor(d.mediaType, d.digest, d.size, d.annotations, d.platform, d.artifactType);
    }
  }

  private static String mediaType(String value, String what) throws ImageFormatException {
    if (value.isEmpty()) {
      throw new ImageFormatException(what + " has an empty media type");
    }
    return value;
  }

  /** A descriptor object. */
  public static final JsonType<Descriptor> DESCRIPTOR = JsonType.object(Shape.of(new Fields(),
      MEDIA_TYPE,
      Field.required("digest", JsonType.DIGEST),
      Field.<Descriptor, Read, Long>required("size", JsonType.SIZE)
          .whenMissing(JsonType.invalidSize("", null)),
      Field.optional("artifactType", JsonType.STRING.optional()),
      Field.optional("annotations", JsonType.STRING_MAP),
      Field.optional("platform", PLATFORM.optional())));

  /**
   * The {@code schemaVersion} of a manifest or index: 2, the only one (OCI image-spec,
   * manifest.md and image-index.md); reading refuses any other, or none. Its access takes nothing
   * for it, and gives 2.
   */
  static <T, A> Field<T, A, Integer> schemaVersion() {
    String name = "schemaVersion";
    return Field.<T, A, Integer>required(name, JsonType.version(2, name))
        .whenMissing(" has " + name + " null, expected 2");
  }

  /** The media type of a descriptor object, read alone (as an index does to skip unknown entries). */
  public static String mediaType(JsonNode descriptor, String what) throws ImageFormatException {
    return MEDIA_TYPE.read(JsonType.object(descriptor, what), what);
  }
}
