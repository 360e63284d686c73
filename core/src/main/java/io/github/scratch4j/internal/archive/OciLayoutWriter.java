package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.exec.Threads;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenImage;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenIndex;
import io.github.scratch4j.internal.plan.Planned;
import io.github.scratch4j.internal.plan.PlannedImage;
import io.github.scratch4j.internal.plan.PlannedIndex;
import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.read.LayoutIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an OCI image layout directory (OCI image-spec, image-layout.md): blobs as files, then
 * {@code oci-layout} and {@code index.json}. Into an existing layout, images are added and an
 * entry with the same full name is replaced, as {@code skopeo copy} replaces one with the same
 * reference; images of other repositories stay, whatever their tags.
 */
final class OciLayoutWriter {
  private OciLayoutWriter() {}

  static List<Manifest> write(List<Planned> artifacts, Path layout, int bufferSize, WriteOptions options)
      throws IOException {
    ImagesWriter images = new ImagesWriter(new DirectoryBlobTarget(layout, bufferSize, options.executor().orElse(Threads.tasks())), options);
    List<Manifest> manifests = new ArrayList<>();
    List<Descriptor> added = new ArrayList<>();
    // Full names (docker.io/library/app:1.0): the same tag in two repositories is two images.
    Set<String> names = new HashSet<>();
    for (Planned artifact : artifacts) {
      Descriptor descriptor;
      if (artifact instanceof PlannedImage image) {
        WrittenImage written = images.write(image);
        manifests.add(written.manifest());
        descriptor = written.descriptor();
      } else {
        WrittenIndex written = images.write((PlannedIndex) artifact);
        written.images().forEach(i -> manifests.add(i.manifest()));
        descriptor = written.descriptor();
      }
      if (artifact.tags().isEmpty()) {
        added.add(descriptor); // listed without a name, or nothing in the layout would reach it
      }
      for (ImageReference tag : artifact.tags()) {
        if (!names.add(tag.fullName())) {
          throw new IllegalArgumentException("two images of one layout would have the name " + tag.familiarName());
        }
        added.add(descriptor.withAnnotations(OciNames.annotations(tag)));
      }
    }
    // Listed without a name after the images: index.json is the entry point "to discover auxiliary
    // descriptors" too (image-spec 1.1, image-layout.md, "index.json file").
    List<Descriptor> referrers = images.writeSbomReferrers();
    List<Descriptor> index = new ArrayList<>();
    Path indexFile = layout.resolve("index.json");
    if (Files.exists(indexFile)) {
      for (Descriptor old : LayoutIndex.read(indexFile)) {
        // Replaced: an entry of the same full name, and one whose ref.name is one we write (a
        // layout whose ref.names repeat is ambiguous to skopeo and umoci). Kept: everything else,
        // such as another repository's image with the same tag, or a bare tag we cannot place.
        boolean sameName = OciNames.fullName(old.annotations()).filter(names::contains).isPresent()
            || names.contains(old.annotations().getOrDefault(OciNames.REF_NAME, ""));
        if (!sameName && !referrers.contains(old)) {
          index.add(old);
        }
      }
    }
    index.addAll(added);
    index.addAll(referrers);
    index = withoutOrphanReferrers(layout, index, referrers);
    write(layout.resolve("oci-layout"), JsonDocuments.ociLayout());
    write(indexFile, JsonDocuments.index(MediaType.OCI_INDEX, index, Map.of()));
    return manifests;
  }

  /**
   * The entries without the referrers listed before whose subject the index no longer reaches (an
   * image replaced by name takes its SBOM with it): otherwise a layout written again and again
   * under one name would list one more referrer each time. Reached are the entries the index
   * lists and the manifests of the indexes it lists; a referrer of a referrer (a signature of an
   * SBOM) goes when its subject goes. A referrer whose manifest cannot be read, or that has no
   * subject, is kept as it was.
   */
  private static List<Descriptor> withoutOrphanReferrers(Path layout, List<Descriptor> index, List<Descriptor> written) {
    Map<Descriptor, String> subjects = new java.util.HashMap<>();
    Set<String> children = new HashSet<>();
    for (Descriptor d : index) {
      if (d.artifactType().isPresent() && !written.contains(d)) {
        document(layout, d).map(m -> m.path("subject").path("digest")).filter(s -> s.isTextual())
            .ifPresent(s -> subjects.put(d, s.asText()));
      } else if (d.mediaType().equals(MediaType.OCI_INDEX) || d.mediaType().equals(MediaType.DOCKER_MANIFEST_LIST)) {
        document(layout, d).ifPresent(i -> i.path("manifests").forEach(m -> children.add(m.path("digest").asText())));
      }
    }
    List<Descriptor> kept = index;
    int before;
    do {
      before = kept.size();
      Set<String> reached = new HashSet<>(children);
      kept.forEach(d -> reached.add(d.digest().toString()));
      kept = kept.stream().filter(d -> !subjects.containsKey(d) || reached.contains(subjects.get(d))).toList();
    } while (kept.size() != before);
    return new ArrayList<>(kept);
  }

  /** The JSON document a descriptor names in the layout, if it is there and reads as one. */
  private static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> document(Path layout, Descriptor d) {
    if (!d.digest().algorithm().equals("sha256") || d.size() > JsonReader.MAX_DOCUMENT) {
      return java.util.Optional.empty();
    }
    try {
      // The digest was checked when index.json was read: a safe file name.
      Path file = layout.resolve("blobs").resolve("sha256").resolve(d.digest().hex());
      if (Files.size(file) > JsonReader.MAX_DOCUMENT) {
        return java.util.Optional.empty();
      }
      byte[] json = Files.readAllBytes(file);
      return java.util.Optional.of(JsonReader.parse(json, d.digest().toString()));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static void write(Path file, byte[] content) throws IOException {
    AtomicFile.write(file, channel -> {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      return null;
    });
  }

  /** Whether a directory can take a layout: it is empty, or already an image layout. */
  static void checkTarget(Path dir) throws IOException {
    if (Files.exists(dir.resolve("oci-layout"))) {
      return;
    }
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new ImageFormatException(
            "cannot write an image layout into " + dir + ": it is neither empty nor an OCI image layout"
                + " (it has no oci-layout file)");
      }
    }
  }
}
