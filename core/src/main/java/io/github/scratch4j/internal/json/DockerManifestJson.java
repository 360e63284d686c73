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

  private static final Shape<DockerArchiveImage, Read> IMAGE = Shape.<DockerArchiveImage, Read>of(
      Field.required("Config", JsonType.STRING, DockerArchiveImage::config, (r, v, w) -> r.config = v),
      Field.always("RepoTags", JsonType.STRINGS, DockerArchiveImage::repoTags, (r, v, w) -> r.repoTags = v),
      Field.always("Layers", JsonType.STRINGS, DockerArchiveImage::layers, (r, v, w) -> r.layers = v));

  private static final JsonType<List<DockerArchiveImage>> DOCUMENT = JsonType.object(
      IMAGE, Read::new, (r, where) -> new DockerArchiveImage(r.config, r.repoTags, r.layers)).list();

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
