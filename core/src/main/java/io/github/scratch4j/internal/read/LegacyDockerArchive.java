package io.github.scratch4j.internal.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.internal.json.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The archive {@code docker save} wrote before Docker 1.10: no {@code manifest.json}, a directory
 * per legacy image ({@code <id>/json}, {@code <id>/layer.tar}, {@code <id>/VERSION}), each image's
 * JSON naming its {@code parent}, and a {@code repositories} file mapping names and tags to the top
 * image's id. Read as {@code docker load} reads it (moby image/tarexport, legacyLoad): each image
 * is the chain of layers from the base to the tagged id; its configuration is the top image's JSON
 * without the legacy fields ({@code id}, {@code parent}, {@code Size}, {@code parent_id},
 * {@code layer_id}, {@code throwaway}), with {@code rootfs.diff_ids} computed from the layer tars
 * and one history entry per legacy image.
 */
final class LegacyDockerArchive {
  /**
   * A legacy image id: 64 lower-case hex digits, as Docker validated them (image/v1 ValidateID);
   * the shape of a sha256 digest's hex too, by which {@link ArchiveScan} tells an image archive.
   */
  static final Pattern ID = Pattern.compile("[a-f0-9]{64}");
  private static final Set<String> LEGACY_FIELDS = Set.of("id", "parent", "Size", "parent_id", "layer_id", "throwaway");
  /**
   * Most layers one image may have: Docker refused deeper images ("max depth exceeded") at 127;
   * far more than that would only serve to make each image cost its depth squared.
   */
  static final int MAX_DEPTH = 1_000;
  /**
   * Most layers all images of the archive may have together. Images share their lower layers,
   * so a few hundred ids under as many tags could otherwise stand for millions of layers.
   */
  static final int MAX_TOTAL_LAYERS = 100_000;

  private final ArchiveScan scan;
  private final String where;
  /** Each legacy image's JSON, parsed once however many images it is under. */
  private final Map<String, ObjectNode> jsons = new java.util.HashMap<>();
  private int totalLayers;

  private LegacyDockerArchive(ArchiveScan scan) {
    this.scan = scan;
    this.where = scan.file + " (a docker save archive of before Docker 1.10)";
  }

  /**
   * Whether the archive has this shape: at least one {@code <id>/json} with its
   * {@code <id>/layer.tar}, and at its top only {@code repositories}, id directories and
   * {@code <id>.json} files (a root file system tarball has other names there).
   */
  static boolean recognizes(ArchiveScan scan) {
    boolean image = false;
    for (String name : scan.names()) {
      int slash = name.indexOf('/');
      String top = slash < 0 ? name : name.substring(0, slash);
      if (top.equals("repositories") && slash < 0) {
        continue;
      }
      if (slash < 0 && top.endsWith(".json") && ID.matcher(top.substring(0, top.length() - 5)).matches()) {
        continue;
      }
      if (!ID.matcher(top).matches()) {
        return false;
      }
      image |= name.equals(top + "/json") && scan.has(top + "/layer.tar");
    }
    return image;
  }

  static List<ReadArtifact> read(ArchiveScan scan) throws IOException {
    return new LegacyDockerArchive(scan).images();
  }

  private List<ReadArtifact> images() throws IOException {
    Map<String, List<String>> tagsById = new LinkedHashMap<>();
    if (scan.has("repositories")) {
      tagsById = repositories();
    } else {
      // No names: as docker load does, every image no other image has as its parent.
      Set<String> ids = new TreeSet<>();
      Set<String> parents = new HashSet<>();
      for (String name : scan.names()) {
        if (name.endsWith("/json") && ID.matcher(name.substring(0, name.length() - 5)).matches()) {
          String id = name.substring(0, name.length() - 5);
          ids.add(id);
          parent(json(id), id).ifPresent(parents::add);
        }
      }
      for (String id : ids) {
        if (!parents.contains(id)) {
          tagsById.put(id, List.of());
        }
      }
    }
    List<ReadArtifact> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : tagsById.entrySet()) {
      out.add(image(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** {@code {"name": {"tag": "id"}}}: the tags of each top image id, in the file's order. */
  private Map<String, List<String>> repositories() throws IOException {
    String what = where + " repositories";
    JsonNode root = Documents.object(JsonReader.parse(ArchiveScan.content(scan.regular("repositories", where)), what),
        what);
    Map<String, List<String>> tagsById = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> repos = root.fields(); repos.hasNext(); ) {
      Map.Entry<String, JsonNode> repo = repos.next();
      JsonNode tags = Documents.object(repo.getValue(), what + " " + repo.getKey());
      for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> tag = it.next();
        String id = id(tag.getValue().isTextual() ? tag.getValue().asText() : "",
            what + " " + repo.getKey() + ":" + tag.getKey());
        tagsById.computeIfAbsent(id, k -> new ArrayList<>()).add(repo.getKey() + ":" + tag.getKey());
      }
    }
    return tagsById;
  }

  private static String id(String value, String what) throws ImageFormatException {
    if (!ID.matcher(value).matches()) {
      throw new ImageFormatException(what + " names image id '" + ArchivePaths.printable(value)
          + "', which is not 64 lower-case hex digits");
    }
    return value;
  }

  private ObjectNode json(String id) throws IOException {
    ObjectNode known = jsons.get(id);
    if (known != null) {
      return known;
    }
    String what = where + " " + id + "/json";
    ObjectNode node = (ObjectNode) Documents.object(JsonReader.parse(ArchiveScan.content(scan.regular(id + "/json",
        where)), what), what);
    jsons.put(id, node);
    return node;
  }

  private java.util.Optional<String> parent(JsonNode json, String id) throws ImageFormatException {
    java.util.Optional<String> parent = Documents.optionalText(json, "parent", where + " " + id + "/json")
        .filter(p -> !p.isEmpty());
    if (parent.isPresent()) {
      id(parent.get(), where + " " + id + "/json parent");
    }
    return parent;
  }

  /** The image whose top legacy image is {@code top}: its chain of layers, base first, and its names. */
  private ReadImage image(String top, List<String> names) throws IOException {
    List<String> chain = new ArrayList<>();
    List<ObjectNode> chainJsons = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String id = top; id != null; ) {
      if (!seen.add(id)) {
        throw new ImageFormatException(where + ": the parents of image " + top + " form a loop at " + id);
      }
      if (chain.size() == MAX_DEPTH) {
        throw new ImageFormatException(where + ": image " + top + " has more than " + MAX_DEPTH + " layers");
      }
      if (++totalLayers > MAX_TOTAL_LAYERS) {
        throw new ImageFormatException(where + ": its images have more than " + MAX_TOTAL_LAYERS
            + " layers together");
      }
      ObjectNode json = json(id);
      chain.add(id);
      chainJsons.add(json);
      id = parent(json, id).orElse(null);
    }
    Collections.reverse(chain);
    Collections.reverse(chainJsons);
    ArrayNode diffIds = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    ArrayNode history = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    List<BlobFile> files = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < chain.size(); i++) {
      String what = where + " " + chain.get(i) + "/layer.tar";
      BlobFile f = scan.layer(chain.get(i) + "/layer.tar", what);
      total = ArchiveReader.checkImageSize(total, f, where + " image " + top, scan.budget);
      files.add(f);
      diffIds.add(f.diffId().toString());
      history.add(history(chainJsons.get(i), where + " " + chain.get(i) + "/json"));
    }
    List<ReadLayer> layers = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      BlobFile f = files.get(i);
      Descriptor d = Descriptor.of(LayerMediaTypes.oci(f.compression()), f.digest(), f.size());
      layers.add(ArchiveReader.layer(f, d, f.compression(), f.diffId(), where + " " + chain.get(i) + "/layer.tar",
          scan.budget));
    }
    ObjectNode config = chainJsons.get(chainJsons.size() - 1).deepCopy();
    config.remove(LEGACY_FIELDS);
    // Docker before 1.10 ran Linux images on amd64 only, and some of its images do not say so.
    if (!config.path("os").isTextual() || config.path("os").asText().isEmpty()) {
      config.put("os", "linux");
    }
    if (!config.path("architecture").isTextual() || config.path("architecture").asText().isEmpty()) {
      config.put("architecture", "amd64");
    }
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", diffIds);
    config.set("history", history);
    ImageConfig read = Documents.config(config, where + " " + top + "/json").config();
    return new ReadImage(layers, read, ArchiveReader.tags(names, where + " repositories"));
  }

  /**
   * A legacy image's history entry, as Docker made it (image/v1 HistoryFromConfig): its time,
   * author and comment, and the command of the container it was committed from.
   */
  private static ObjectNode history(JsonNode json, String what) throws ImageFormatException {
    ObjectNode h = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    Documents.optionalText(json, "created", what).ifPresent(v -> h.put("created", v));
    Documents.optionalText(json, "author", what).filter(v -> !v.isEmpty()).ifPresent(v -> h.put("author", v));
    JsonNode containerConfig = json.get("container_config");
    if (containerConfig != null && containerConfig.isObject()) {
      List<String> cmd = Documents.strings(containerConfig.get("Cmd"), what + " container_config Cmd");
      if (!cmd.isEmpty()) {
        h.put("created_by", String.join(" ", cmd));
      }
    }
    Documents.optionalText(json, "comment", what).filter(v -> !v.isEmpty()).ifPresent(v -> h.put("comment", v));
    return h;
  }
}
