package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenImage;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenIndex;
import io.github.scratch4j.internal.build.Planned;
import io.github.scratch4j.internal.build.PlannedImage;
import io.github.scratch4j.internal.build.PlannedIndex;
import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.json.JsonDocuments;
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
 * entry with the same tag is replaced, as {@code skopeo copy} does.
 */
final class OciLayoutWriter {
  private OciLayoutWriter() {}

  static List<Manifest> write(List<Planned> artifacts, Path layout, int bufferSize, WriteOptions options)
      throws IOException {
    ImagesWriter images = new ImagesWriter(new DirectoryBlobTarget(layout, bufferSize), options);
    List<Manifest> manifests = new ArrayList<>();
    List<Descriptor> added = new ArrayList<>();
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
        if (!names.add(tag.tagOrLatest())) {
          throw new IllegalArgumentException(
              "two images of one layout would have the tag " + tag.tagOrLatest()
                  + " (an image layout names images by tag alone)");
        }
        added.add(descriptor.withAnnotations(OciNames.annotations(tag)));
      }
    }
    List<Descriptor> index = new ArrayList<>();
    Path indexFile = layout.resolve("index.json");
    if (Files.exists(indexFile)) {
      for (Descriptor old : LayoutIndex.read(indexFile)) {
        String ref = old.annotations().getOrDefault(OciNames.REF_NAME, "");
        if (!names.contains(ref)) {
          index.add(old);
        }
      }
    }
    index.addAll(added);
    write(layout.resolve("oci-layout"), JsonDocuments.ociLayout());
    write(indexFile, JsonDocuments.index(MediaType.OCI_INDEX, index, Map.of()));
    return manifests;
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
