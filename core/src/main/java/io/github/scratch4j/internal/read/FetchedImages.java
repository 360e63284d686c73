package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.ReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds an image from blobs fetched one by one into local files, such as a registry's. */
public final class FetchedImages {
  /** Gives the local file holding a blob, fetching it first if need be. */
  public interface Fetch {
    Path file(Descriptor blob) throws IOException;

    /** The pass that read the blob as it was fetched, if one did: its file is not read again. */
    default java.util.Optional<PassAlongside> passed(Descriptor blob) {
      return java.util.Optional.empty();
    }
  }

  private FetchedImages() {}

  /**
   * The image a manifest describes, every blob checked against its descriptor and every layer
   * against its config's diff_id, as for an archive.
   */
  public static ReadImage image(Descriptor manifest, Fetch fetch, String where, ReadOptions options)
      throws IOException {
    return image(manifest, fetch, where, new ReadBudget(options));
  }

  /** As {@link #image(Descriptor, Fetch, String, ReadOptions)}, counting against {@code budget}, which the fetch's passes share. */
  public static ReadImage image(Descriptor manifest, Fetch fetch, String where, ReadBudget budget)
      throws IOException {
    if (!manifest.mediaType().equals(MediaType.OCI_MANIFEST) && !manifest.mediaType().equals(MediaType.DOCKER_MANIFEST)) {
      throw new ImageFormatException(where + ": manifest " + manifest.digest() + " has media type "
          + manifest.mediaType() + ", not an image manifest's");
    }
    try {
      return ArchiveReader.image(manifest, (d, by) -> ArchiveReader.check(read(fetch, d, budget), d, where), where,
          budget, List.of());
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Whatever the model refuses here came from the registry: bad input, not a caller's mistake.
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
  }

  private static BlobFile read(Fetch fetch, Descriptor d, ReadBudget budget) throws IOException {
    Path file = fetch.file(d);
    java.util.Optional<PassAlongside> passed = fetch.passed(d);
    return passed.isPresent() ? passed.get().result(file) : LayoutDirectory.blobAt(file, d, budget);
  }
}
