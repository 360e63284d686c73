package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.source.FileRegionSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads an OCI image layout directory (OCI image-spec, image-layout.md). */
final class LayoutDirectory {
  private LayoutDirectory() {}

  static List<ReadArtifact> read(Path dir, ReadBudget budget) throws IOException {
    Path marker = dir.resolve("oci-layout");
    if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
      throw new ImageFormatException(dir + " is a directory but not an OCI image layout: it has no oci-layout file");
    }
    var layout = io.github.scratch4j.internal.json.JsonReader.parse(LayoutIndex.readSmallFile(marker), marker.toString());
    if (!layout.path("imageLayoutVersion").isTextual()) {
      throw new ImageFormatException(marker + " has no imageLayoutVersion");
    }
    Map<String, BlobFile> seen = new HashMap<>();
    return ArchiveReader.fromIndex(LayoutIndex.read(dir.resolve("index.json")), (d, by) -> {
      BlobFile f = seen.get(d.digest().toString());
      if (f == null) {
        f = blob(dir, d, by, budget);
        seen.put(d.digest().toString(), f);
      }
      return ArchiveReader.check(f, d, dir.toString());
    }, dir.toString(), budget);
  }

  private static BlobFile blob(Path dir, Descriptor d, String referencedBy, ReadBudget budget) throws IOException {
    // The digest was validated when parsed ([a-f0-9]{64} for sha256), so it is a safe file name.
    Path file = dir.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().hex());
    for (Path p = file; !p.equals(dir); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new ImageFormatException(referencedBy + " names blob " + d.digest() + ", but " + p
            + " is a symbolic link; a layout's blobs must be regular files inside it");
      }
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ImageFormatException(referencedBy + " names blob " + d.digest() + ", which " + dir + " does not have");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ImageFormatException(referencedBy + " names blob " + d.digest() + ", which is not a regular file");
    }
    return blobAt(file, d, budget);
  }

  /**
   * Reads a blob file once for its digests, its content (for a small document) and, for a blob
   * that may be a layer, its tar headers.
   */
  static BlobFile blobAt(Path file, Descriptor d, ReadBudget budget) throws IOException {
    int keep = d.size() <= io.github.scratch4j.internal.json.JsonReader.MAX_DOCUMENT
        ? io.github.scratch4j.internal.json.JsonReader.MAX_DOCUMENT : 0;
    BlobPass.Result r;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      r = BlobPass.read(in, file.toString(), keep,
          io.github.scratch4j.internal.compress.LayerMediaTypes.isLayer(d.mediaType()), budget);
    }
    return BlobFile.of(file.toString(), r, new FileRegionSource(file, 0, r.size()));
  }

}
