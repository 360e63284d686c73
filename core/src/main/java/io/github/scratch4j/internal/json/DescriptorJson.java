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
  }

  private static final Shape<Platform, PlatformRead> PLATFORM_SHAPE = Shape.<Platform, PlatformRead>of(
      Field.required("architecture", JsonType.STRING, Platform::architecture, (p, v, w) -> p.architecture = v),
      Field.required("os", JsonType.STRING, Platform::os, (p, v, w) -> p.os = v),
      Field.optional("variant", JsonType.STRING.optional(), Platform::variant,
          (p, v, w) -> p.variant = v.filter(s -> !s.isEmpty())));

  /** A platform object; its parts are checked as {@link Platform} checks them. */
  static final JsonType<Platform> PLATFORM = JsonType.object(
      PLATFORM_SHAPE, PlatformRead::new, (p, where) -> new Platform(p.os, p.architecture, p.variant));

  private static final Field<Descriptor, Read, String> MEDIA_TYPE = Field.required(
      "mediaType", JsonType.STRING, Descriptor::mediaType, (d, v, what) -> {
        if (v.isEmpty()) {
          throw new ImageFormatException(what + " has an empty media type");
        }
        d.mediaType = v;
      });

  private static final Shape<Descriptor, Read> SHAPE = Shape.<Descriptor, Read>of(
      MEDIA_TYPE,
      Field.required("digest", JsonType.DIGEST, Descriptor::digest, (d, v, w) -> d.digest = v),
      Field.<Descriptor, Read, Long>required("size", JsonType.SIZE, Descriptor::size, (d, v, w) -> d.size = v)
          .whenMissing(what -> JsonType.invalidSize(what, null)),
      Field.optional("annotations", JsonType.STRING_MAP, Descriptor::annotations, (d, v, w) -> d.annotations = v),
      Field.optional("platform", PLATFORM.optional(), Descriptor::platform, (d, v, w) -> d.platform = v));

  /** A descriptor object. */
  public static final JsonType<Descriptor> DESCRIPTOR = JsonType.object(SHAPE, Read::new,
      (d, where) -> new Descriptor(d.mediaType, d.digest, d.size, d.annotations, d.platform));

  /**
   * The {@code schemaVersion} of a manifest or index: 2, the only one (OCI image-spec,
   * manifest.md and image-index.md); reading refuses any other, or none.
   */
  static <T, A> Field<T, A, Integer> schemaVersion() {
    String name = "schemaVersion";
    return Field.<T, A, Integer>required(name, JsonType.version(2, name), t -> 2, Field.checkedOnly())
        .whenMissing(what -> what + " has " + name + " null, expected 2");
  }

  /** The media type of a descriptor object, read alone (as an index does to skip unknown entries). */
  public static String mediaType(JsonNode descriptor, String what) throws ImageFormatException {
    return MEDIA_TYPE.read(JsonType.object(descriptor, what), what);
  }
}
