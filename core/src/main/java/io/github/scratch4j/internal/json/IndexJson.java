package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.internal.json.Shape.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An image index (OCI image-spec, image-index.md), such as an image layout's {@code index.json},
 * or Docker's manifest list.
 */
public final class IndexJson {
  private IndexJson() {}

  /** The media types of an image index. */
  public static final Set<String> TYPES = Set.of(MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST);

  /**
   * An index as it is written.
   *
   * @param mediaType the index's own media type
   * @param manifests the descriptors of its manifests and indexes
   * @param annotations its annotations (left out when empty)
   */
  public record Index(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {}

  /** The index's own media type, when it says it. */
  public static final Field<Index, List<Descriptor>, Optional<String>> MEDIA_TYPE = Field.optional(
      "mediaType", JsonType.STRING.optional());

  /**
   * The descriptors of image manifests and indexes. OCI image-spec, image-index.md: "An
   * encountered mediaType that is unknown to the implementation MUST be ignored." Such an entry
   * is not read any further.
   */
  private static final Field<Index, List<Descriptor>, List<Descriptor>> MANIFESTS = Field.always(
      "manifests", DescriptorJson.DESCRIPTOR.list(new KnownTypes()));

  /** Keeps the entries of a manifest's or an index's media type. */
  private static final class KnownTypes implements JsonType.Keep {
    @Override
    public boolean test(JsonNode d, String where) throws ImageFormatException {
      String type = DescriptorJson.mediaType(d, where);
      return ManifestJson.TYPES.contains(type) || TYPES.contains(type);
    }
  }

  /** An index's fields. */
  private static final class Fields implements Shape.Access<Index, List<Descriptor>> {
    @Override
    public Object get(String name, Index i) {
      return switch (name) {
        case "schemaVersion" -> 2;
        case "mediaType" -> Optional.of(i.mediaType());
        case "manifests" -> i.manifests();
        case "annotations" -> i.annotations();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, List<Descriptor> out, Object v, String what) throws ImageFormatException {
      switch (name) {
        case "schemaVersion" -> { }
        case "mediaType" -> {
          Optional<String> type = (Optional<String>) v;
          if (type.isPresent() && !TYPES.contains(type.get())) {
            throw new ImageFormatException(what + " has media type " + type.get() + ", not an image index");
          }
        }
        case "manifests" -> out.addAll((List<Descriptor>) v);
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public void check(JsonNode object, String what) throws ImageFormatException {
      notAManifest(object, what);
    }
  }

  private static final Shape<Index, List<Descriptor>> SHAPE = Shape.of(new Fields(),
      DescriptorJson.schemaVersion(),
      MEDIA_TYPE,
      Shape.check(),
      MANIFESTS,
      // Written for the annotations scratch4j is given; what another tool put there is not needed to read.
      Field.writtenOnly("annotations", JsonType.STRING_MAP));

  /** The index's JSON, keys in the spec's order, empty values left out. */
  public static byte[] write(Index index) {
    return SHAPE.toJson(index);
  }

  /** Whether an object has the field only an index has. */
  public static boolean hasIndexFields(JsonNode object) {
    return MANIFESTS.isIn(object);
  }

  /**
   * OCI image-spec v1.1, manifest.md and image-index.md (after CVE-2021-41190): a manifest must
   * not have {@code manifests}, an index must not have {@code config} or {@code layers}.
   */
  public static ImageFormatException ambiguous(String what) {
    return new ImageFormatException(what + " has both the fields of an image manifest (config, layers) and of an"
        + " image index (manifests): it could be read as either, so it is refused (CVE-2021-41190)");
  }

  /** Refuses an index that also has the fields of a manifest (see {@link #ambiguous}). */
  private static void notAManifest(JsonNode root, String what) throws ImageFormatException {
    if (ManifestJson.hasManifestFields(root)) {
      throw hasIndexFields(root) ? ambiguous(what)
          : new ImageFormatException(what + " is read as an image index but has the fields of an image manifest"
              + " (config, layers)");
    }
  }

  /** The descriptors of an index's image manifests and indexes; entries of other media types are left out. */
  public static List<Descriptor> read(JsonNode root, String what) throws ImageFormatException {
    List<Descriptor> out = new ArrayList<>();
    SHAPE.read(root, out, what);
    return out;
  }
}
