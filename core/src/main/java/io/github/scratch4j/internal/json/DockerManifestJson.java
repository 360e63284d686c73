package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.json.JsonDocuments.DockerArchiveImage;
import io.github.scratch4j.internal.json.Shape.Field;
import java.util.List;

/**
 * A docker-archive's {@code manifest.json}, as {@code docker load} reads it: an array with one
 * object per image, naming its config file, its tags and its layer files, lowest first.
 */
public final class DockerManifestJson {
  private DockerManifestJson() {}

  /** What reading one image's object gives. */
  private static final class Read {
    String config;
    List<String> repoTags;
    List<String> layers;
  }

  /** One image's fields. */
  private static final class Fields implements Shape.Access<DockerArchiveImage, Read> {
    @Override
    public Object get(String name, DockerArchiveImage i) {
      return switch (name) {
        case "Config" -> i.config();
        case "RepoTags" -> i.repoTags();
        case "Layers" -> i.layers();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Read r, Object v, String what) {
      switch (name) {
        case "Config" -> r.config = (String) v;
        case "RepoTags" -> r.repoTags = (List<String>) v;
        case "Layers" -> r.layers = (List<String>) v;
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public Read start() {
      return new Read();
    }

    @Override
    public DockerArchiveImage finish(Read r, String where) {
      return new DockerArchiveImage(r.config, r.repoTags, r.layers);
    }
  }

  private static final JsonType<List<DockerArchiveImage>> DOCUMENT = JsonType.object(Shape.of(new Fields(),
      Field.required("Config", JsonType.STRING),
      Field.always("RepoTags", JsonType.STRINGS),
      Field.always("Layers", JsonType.STRINGS))).list();

  /** The document's JSON. */
  public static byte[] write(List<DockerArchiveImage> images) {
    JsonWriter g = new JsonWriter();
    DOCUMENT.write(g, images);
    return g.toByteArray();
  }

  /** Reads the document: its images, in order. */
  public static List<DockerArchiveImage> read(JsonNode root, String what) throws ImageFormatException {
    return DOCUMENT.read(root, what, what);
  }
}
